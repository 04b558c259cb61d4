"""Fill the customers' email identity (``res.partner.mailchimp_email_key``) added by 18.0.1.1.0."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._mailchimp_fill_email_keys()
