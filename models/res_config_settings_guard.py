from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp: the mass-change guard of the current company's account."""

    _inherit = "res.config.settings"

    mailchimp_mass_change_share = fields.Integer(
        related="mailchimp_account_id.mass_change_share", readonly=False)
    mailchimp_mass_change_minimum = fields.Integer(
        related="mailchimp_account_id.mass_change_minimum", readonly=False)
