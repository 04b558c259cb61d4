"""Framework-free core of the mailchimp_sync add-on.

Nothing in this package imports ``odoo``: the API client, the sync rules, the
member payload and the webhook/SMS parsing live here so that they are tested
with plain pytest in milliseconds. The Odoo models read records, call this
core and write the results back.
"""
