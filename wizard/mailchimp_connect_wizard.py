from odoo import fields, models

from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.errors import MailchimpConfigError, MailchimpError
from ..models.mailchimp_account import AUTH_API_KEY, AUTH_OAUTH


class MailchimpConnectWizard(models.TransientModel):
    """Type a key (or token), press "Verify and save": only what Mailchimp accepts is stored.

    The typed secret is verified as typed, never the stored one. After a
    refusal the dialog stays open with the reason and the secret is wiped from
    the wizard, so a refused key is kept nowhere.
    """

    _name = "mailchimp.connect.wizard"
    _description = "Connect to Mailchimp"

    account_id = fields.Many2one("mailchimp.account", required=True, ondelete="cascade")
    auth_method = fields.Selection(
        [(AUTH_API_KEY, "API key"), (AUTH_OAUTH, "OAuth access token")], string="Method",
        default=AUTH_API_KEY, required=True)
    api_key = fields.Char(string="API key", help="From Mailchimp: Profile → Extras → API keys, e.g. 5f3e…9a1c-us6.")
    oauth_token = fields.Char(string="Access token")
    oauth_dc = fields.Char(string="Data centre", help="The data centre of the token's account, e.g. us6.")
    base_url = fields.Char(
        string="Base URL", help="Leave empty for Mailchimp itself; e.g. http://127.0.0.1:8765/3.0 for a stand-in.")
    error = fields.Text(readonly=True)

    def action_verify_and_save(self):
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_system()
        try:
            credentials = self._typed_credentials()
            account_name = self.account_id._connect(credentials)
        except MailchimpConfigError as error:
            return self._show_error(str(error))
        except MailchimpError as error:
            return self._show_error(self.env._("Mailchimp refused the credentials: %s", error))
        self.write({"api_key": False, "oauth_token": False, "error": False})
        return backend._notification(
            self.env._("API key saved and verified: %s", account_name) if credentials.kind == AUTH_API_KEY
            else self.env._("OAuth token saved and verified: %s", account_name),
            title=self.env._("Connected to Mailchimp"), close=True)

    def _typed_credentials(self):
        if self.auth_method == AUTH_OAUTH:
            return Credentials.from_oauth(self.oauth_token, self.oauth_dc, base_url=self.base_url)
        return Credentials.from_api_key(self.api_key, base_url=self.base_url)

    def _show_error(self, message):
        """Keep the dialog open with the reason; the refused secret is not kept."""
        self.write({"api_key": False, "oauth_token": False, "error": message})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to Mailchimp"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
