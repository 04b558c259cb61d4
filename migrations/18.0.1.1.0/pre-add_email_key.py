"""Add the customers' email identity column before the module loads, so that Odoo does not compute it
for every customer through the ORM at once: the post-migration fills it in batches."""


def migrate(cr, version):
    cr.execute("ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS mailchimp_email_key varchar")
