from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp: the current company's Campaign Monitor connection (on its ``mailchimp.account``)."""

    _inherit = "res.config.settings"

    mailchimp_cm_is_connected = fields.Boolean(related="mailchimp_account_id.cm_is_connected")
    mailchimp_cm_client_name = fields.Char(related="mailchimp_account_id.cm_client_name")

    def action_mailchimp_cm_connect(self):
        return self.mailchimp_account_id.action_open_cm_connect_wizard()

    def action_mailchimp_cm_disconnect(self):
        return self.mailchimp_account_id.action_cm_disconnect()
