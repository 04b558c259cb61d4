from odoo import fields, models

from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.errors import MailchimpConfigError, MailchimpError
from ..models.mailchimp_account import AUTH_API_KEY, AUTH_OAUTH


class MailchimpConnectWizard(models.TransientModel):
    """Type a key (or token), press "Verify and save": only what Mailchimp accepts is stored."""

    _name = "mailchimp.connect.wizard"
    _inherit = "mailchimp.credentials.wizard"
    _description = "Connect to Mailchimp"

    _secret_fields = ("api_key", "oauth_token")
    _config_error = MailchimpConfigError
    _refusal_error = MailchimpError

    auth_method = fields.Selection(
        [(AUTH_API_KEY, "API key"), (AUTH_OAUTH, "OAuth access token")], string="Method",
        default=AUTH_API_KEY, required=True)
    api_key = fields.Char(string="API key", help="From Mailchimp: Profile → Extras → API keys, e.g. 5f3e…9a1c-us6.")
    oauth_token = fields.Char(string="Access token")
    oauth_dc = fields.Char(string="Data centre", help="The data centre of the token's account, e.g. us6.")
    base_url = fields.Char(
        string="Base URL", help="Leave empty for Mailchimp itself; e.g. http://127.0.0.1:8765/3.0 for a stand-in.")

    def _verify_and_store(self):
        credentials = self._typed_credentials()
        account_name = self.account_id._connect(credentials)
        if credentials.kind == AUTH_API_KEY:
            return self.env._("API key saved and verified: %s", account_name)
        return self.env._("OAuth token saved and verified: %s", account_name)

    def _typed_credentials(self):
        if self.auth_method == AUTH_OAUTH:
            return Credentials.from_oauth(self.oauth_token, self.oauth_dc, base_url=self.base_url)
        return Credentials.from_api_key(self.api_key, base_url=self.base_url)

    def _refusal_sentence(self, error):
        return self.env._("Mailchimp refused the credentials: %s", error)

    def _connected_title(self):
        return self.env._("Connected to Mailchimp")
