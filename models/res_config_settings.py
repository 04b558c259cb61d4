from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    """Settings → Mailchimp: the current company's :class:`mailchimp.account`.

    No secret is a settings field: credentials are typed in the "Connect"
    dialog and stored on the account only after Mailchimp accepted them.
    """

    _inherit = "res.config.settings"

    mailchimp_account_id = fields.Many2one(
        "mailchimp.account", compute="_compute_mailchimp_account_id", groups="base.group_system")
    mailchimp_is_connected = fields.Boolean(related="mailchimp_account_id.is_connected")
    mailchimp_account_name = fields.Char(related="mailchimp_account_id.mailchimp_account_name")
    mailchimp_credential_hint = fields.Char(related="mailchimp_account_id.credential_hint")
    mailchimp_auth_method = fields.Selection(related="mailchimp_account_id.auth_method")
    mailchimp_report_email = fields.Char(related="mailchimp_account_id.report_email", readonly=False)
    mailchimp_report_policy = fields.Selection(related="mailchimp_account_id.report_policy", readonly=False)
    mailchimp_on_archive = fields.Selection(related="mailchimp_account_id.on_archive", readonly=False)
    mailchimp_max_in_flight = fields.Integer(related="mailchimp_account_id.max_in_flight", readonly=False)

    @api.model
    def default_get(self, fields_list):
        """The secrets were settings fields once: a client still asking for them gets nothing, not an error."""
        return super().default_get([name for name in fields_list if name in self._fields])

    @api.depends("company_id")
    def _compute_mailchimp_account_id(self):
        for settings in self:
            settings.mailchimp_account_id = self.env["mailchimp.account"]._for_company(settings.company_id, create=True)

    def set_values(self):
        """Saving is refused while the company's connected account has no report email: no run would start."""
        result = super().set_values()
        account = self.sudo().mailchimp_account_id
        if account.is_connected and not account.report_email:
            raise ValidationError(self.env._(
                "Type the sync report email (Settings → Mailchimp → Sync report) before saving: %(company)s is "
                "connected to Mailchimp and every sync run sends its report there; without it no sync runs.",
                company=self.company_id.display_name))
        return result

    def action_mailchimp_connect(self):
        return self.mailchimp_account_id.action_open_connect_wizard()

    def action_mailchimp_disconnect(self):
        return self.mailchimp_account_id.action_disconnect()
