from odoo import fields, models

from ..mailchimp_sync.errors import MailchimpConfigError
from ..models import mailchimp_messages
from ..models.mailchimp_account_oauth import AUTH_OAUTH_APP


class MailchimpConnectWizard(models.TransientModel):
    """The "OAuth app" choice: the app's client ID and secret, then Mailchimp's own page to allow Odoo in."""

    _inherit = "mailchimp.connect.wizard"

    _secret_fields = ("api_key", "oauth_token", "oauth_client_secret")

    auth_method = fields.Selection(selection_add=[(AUTH_OAUTH_APP, "OAuth app")],
                                   ondelete={AUTH_OAUTH_APP: "set default"})
    oauth_client_id = fields.Char(string="Client ID")
    oauth_client_secret = fields.Char(string="Client secret")
    oauth_server_url = fields.Char(
        string="OAuth server", help="Leave empty for Mailchimp itself; e.g. http://127.0.0.1:8765/oauth2 for a stand-in.")
    oauth_redirect_uri = fields.Char(related="account_id.oauth_redirect_uri", string="Redirect URI")

    def action_connect_oauth_app(self):
        """Button "Connect to Mailchimp": the browser goes to Mailchimp, which sends it back to the callback."""
        self.ensure_one()
        self.account_id._check_credentials_access()
        try:
            action = self.account_id._oauth_start(self.oauth_client_id, self.oauth_client_secret,
                                                  self.oauth_server_url)
        except MailchimpConfigError as error:
            return self._show_error(mailchimp_messages.error_text(self.env, error))
        self.write({"oauth_client_secret": False, "error": False})
        return action
