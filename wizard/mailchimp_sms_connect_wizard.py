from odoo import fields, models

from ..mailchimp_sync.serwersms import (
    KIND_LOGIN,
    KIND_TOKEN,
    SerwerSmsConfigError,
    SerwerSmsError,
    SmsCredentials,
)


class MailchimpSmsConnectWizard(models.TransientModel):
    """Type a SerwerSMS token (or API user), press "Verify": only what the gateway accepts is stored."""

    _name = "mailchimp.sms.connect.wizard"
    _inherit = "mailchimp.credentials.wizard"
    _description = "Connect to SerwerSMS"

    _secret_fields = ("token", "password")
    _config_error = SerwerSmsConfigError
    _refusal_error = SerwerSmsError

    account_id = fields.Many2one("mailchimp.sms.account", required=True, ondelete="cascade")
    auth_method = fields.Selection(
        [(KIND_TOKEN, "API token"), (KIND_LOGIN, "API user (user name and password)")], string="Method",
        default=KIND_TOKEN, required=True)
    token = fields.Char(string="API token", help="SerwerSMS panel → Ustawienia interfejsów → HTTPS API → Tokeny API.")
    username = fields.Char(string="API user", help="A dedicated API user, as the gateway recommends.")
    password = fields.Char()
    base_url = fields.Char(
        string="Base URL", help="Leave empty for SerwerSMS.pl itself; e.g. http://127.0.0.1:8766 for a stand-in.")

    def _verify_and_store(self):
        label = self.account_id._connect(self._typed_credentials())
        return self.env._("SerwerSMS account verified: %s", label)

    def _typed_credentials(self):
        if self.auth_method == KIND_LOGIN:
            return SmsCredentials.from_login(self.username, self.password, base_url=self.base_url)
        return SmsCredentials.from_token(self.token, base_url=self.base_url)

    def _refusal_sentence(self, error):
        return self.env._("SerwerSMS refused the credentials: %s", error)

    def _connected_title(self):
        return self.env._("Connected to SerwerSMS")
