"""18.0.1.2.0: a customer's email identity is the first valid address of its field.

Before, a field holding several addresses ("a@x.pl; b@y.pl") had no identity and
was never synced; its identity is now the first valid address, so every stored
key is worked out again (in batches, as 18.0.1.1.0 first filled them).
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._mailchimp_fill_email_keys()
