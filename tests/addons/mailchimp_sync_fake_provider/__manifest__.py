{
    "name": "Mailchimp Sync: a fake fourth provider (tests only)",
    "version": "18.0.1.0.0",
    "summary": "Proof that a newsletter provider is one new room: a backend model, a core client, a stand-in",
    "category": "Hidden/Tests",
    "author": "mailchimp_sync maintainers",
    "license": "LGPL-3",
    "depends": ["mailchimp_sync"],
    "data": [
        "security/ir.model.access.csv",
        "security/fake_news_security.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "mailchimp_sync_fake_provider/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
