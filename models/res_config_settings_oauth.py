from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp: the redirect URI to register and whether the account must be reconnected."""

    _inherit = "res.config.settings"

    mailchimp_oauth_redirect_uri = fields.Char(related="mailchimp_account_id.oauth_redirect_uri")
    mailchimp_reconnect_needed = fields.Boolean(related="mailchimp_account_id.reconnect_needed")
    mailchimp_reconnect_message = fields.Char(related="mailchimp_account_id.reconnect_message")
