from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp, SMS: the current company's SerwerSMS account (``mailchimp.sms.account``)."""

    _inherit = "res.config.settings"

    mailchimp_sms_account_id = fields.Many2one(
        "mailchimp.sms.account", compute="_compute_mailchimp_sms_account_id", groups="base.group_system")
    mailchimp_sms_is_connected = fields.Boolean(
        related="mailchimp_sms_account_id.is_connected", string="SerwerSMS connected")
    mailchimp_sms_account_name = fields.Char(related="mailchimp_sms_account_id.account_name")
    mailchimp_sms_verified_date = fields.Datetime(related="mailchimp_sms_account_id.verified_date")

    @api.depends("company_id")
    def _compute_mailchimp_sms_account_id(self):
        for settings in self:
            settings.mailchimp_sms_account_id = self.env["mailchimp.sms.account"]._for_company(settings.company_id)

    def action_mailchimp_sms_connect(self):
        return self.mailchimp_sms_account_id.action_open_connect_wizard()

    def action_mailchimp_sms_disconnect(self):
        return self.mailchimp_sms_account_id.action_disconnect()
