from odoo import fields, models

from ..mailchimp_sync.serwersms import (
    KIND_LOGIN,
    KIND_TOKEN,
    SerwerSmsConfigError,
    SerwerSmsError,
    SmsCredentials,
)


class MailchimpSmsConnectWizard(models.TransientModel):
    """Type a SerwerSMS token (or API user), press "Verify": only what the gateway accepts is stored.

    As the Mailchimp dialog: after a refusal the dialog stays open with the
    gateway's own message and the typed secret is wiped, so a wrong one is kept nowhere.
    """

    _name = "mailchimp.sms.connect.wizard"
    _description = "Connect to SerwerSMS"

    account_id = fields.Many2one("mailchimp.account", required=True, ondelete="cascade")
    auth_method = fields.Selection(
        [(KIND_TOKEN, "API token"), (KIND_LOGIN, "API user (user name and password)")], string="Method",
        default=KIND_TOKEN, required=True)
    token = fields.Char(string="API token", help="SerwerSMS panel → Ustawienia interfejsów → HTTPS API → Tokeny API.")
    username = fields.Char(string="API user", help="A dedicated API user, as the gateway recommends.")
    password = fields.Char()
    base_url = fields.Char(
        string="Base URL", help="Leave empty for SerwerSMS.pl itself; e.g. http://127.0.0.1:8766 for a stand-in.")
    error = fields.Text(readonly=True)

    def action_verify_and_save(self):
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_system()
        try:
            credentials = self._typed_credentials()
            label = self.account_id._sms_connect(credentials)
        except SerwerSmsConfigError as error:
            return self._show_error(str(error))
        except SerwerSmsError as error:
            return self._show_error(self.env._("SerwerSMS refused the credentials: %s", error))
        self.write({"token": False, "password": False, "error": False})
        return backend._notification(self.env._("SerwerSMS account verified: %s", label),
                                     title=self.env._("Connected to SerwerSMS"), close=True)

    def _typed_credentials(self):
        if self.auth_method == KIND_LOGIN:
            return SmsCredentials.from_login(self.username, self.password, base_url=self.base_url)
        return SmsCredentials.from_token(self.token, base_url=self.base_url)

    def _show_error(self, message):
        """Keep the dialog open with the reason; the refused secret is not kept."""
        self.write({"token": False, "password": False, "error": message})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to SerwerSMS"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
