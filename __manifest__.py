{
    "name": "Mailchimp Sync",
    "version": "18.0.1.0.0",
    "summary": "Keep customers and a Mailchimp audience in sync, both ways",
    "category": "Marketing/Email Marketing",
    "author": "mailchimp_sync maintainers",
    "license": "LGPL-3",
    "depends": ["base", "mail", "contacts"],
    "external_dependencies": {
        "python": ["requests", "phonenumbers", "email_validator"],
    },
    "data": [
        "security/mailchimp_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/mailchimp_audience_views.xml",
        "views/mailchimp_audience_sync_views.xml",
        "views/mailchimp_inbound_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/mailchimp_campaign_views.xml",
        "views/res_partner_panel_views.xml",
        "views/mailchimp_menus.xml",
        "security/mailchimp_sms_security.xml",
        "data/mailchimp_sms_cron_data.xml",
        "views/mailchimp_sms_views.xml",
        "views/mailchimp_sms_settings_views.xml",
    ],
    "demo": [
        "demo/mailchimp_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "mailchimp_sync/static/src/**/*",
        ],
        "web.assets_tests": [
            "mailchimp_sync/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
