from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp: the current company's Campaign Monitor account (``mailchimp.cm.account``)."""

    _inherit = "res.config.settings"

    mailchimp_cm_account_id = fields.Many2one(
        "mailchimp.cm.account", compute="_compute_mailchimp_cm_account_id", groups="base.group_system")
    mailchimp_cm_is_connected = fields.Boolean(
        related="mailchimp_cm_account_id.is_connected", string="Campaign Monitor connected")
    mailchimp_cm_client_name = fields.Char(related="mailchimp_cm_account_id.client_name")

    @api.depends("company_id")
    def _compute_mailchimp_cm_account_id(self):
        for settings in self:
            settings.mailchimp_cm_account_id = self.env["mailchimp.cm.account"]._for_company(settings.company_id)

    def action_mailchimp_cm_connect(self):
        return self.mailchimp_cm_account_id.action_open_connect_wizard()

    def action_mailchimp_cm_disconnect(self):
        return self.mailchimp_cm_account_id.action_disconnect()
