from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp, SMS: the current company's SerwerSMS connection (on its ``mailchimp.account``)."""

    _inherit = "res.config.settings"

    mailchimp_sms_is_connected = fields.Boolean(related="mailchimp_account_id.sms_is_connected")
    mailchimp_sms_account_name = fields.Char(related="mailchimp_account_id.sms_account_name")
    mailchimp_sms_verified_date = fields.Datetime(related="mailchimp_account_id.sms_verified_date")

    def action_mailchimp_sms_connect(self):
        return self.mailchimp_account_id.action_open_sms_connect_wizard()

    def action_mailchimp_sms_disconnect(self):
        return self.mailchimp_account_id.action_sms_disconnect()
