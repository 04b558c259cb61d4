from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..mailchimp_sync.eligibility import is_valid_email
from ..mailchimp_sync.errors import MailchimpError
from .mailchimp_backend import (
    PARAM_API_KEY,
    PARAM_AUTH_METHOD,
    PARAM_BASE_URL,
    PARAM_DEFAULT_AUDIENCE,
    PARAM_OAUTH_DC,
    PARAM_ON_ARCHIVE,
    PARAM_OAUTH_TOKEN,
    PARAM_REPORT_EMAIL,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mailchimp_auth_method = fields.Selection(
        [("api_key", "API key"), ("oauth", "OAuth access token")],
        string="Mailchimp authentication", default="api_key",
        config_parameter=PARAM_AUTH_METHOD, groups="base.group_system")
    mailchimp_api_key = fields.Char(
        string="Mailchimp API key", config_parameter=PARAM_API_KEY, groups="base.group_system",
        help="From Mailchimp: Profile → Extras → API keys. It looks like <32 hex characters>-us6.")
    mailchimp_oauth_token = fields.Char(
        string="Mailchimp OAuth token", config_parameter=PARAM_OAUTH_TOKEN, groups="base.group_system")
    mailchimp_oauth_dc = fields.Char(
        string="Mailchimp data centre", config_parameter=PARAM_OAUTH_DC, groups="base.group_system",
        help="The data centre of the OAuth token's account, e.g. us6.")
    mailchimp_base_url = fields.Char(
        string="Mailchimp base URL", config_parameter=PARAM_BASE_URL, groups="base.group_system",
        help="Leave empty for Mailchimp itself. Set it to use a stand-in, e.g. http://127.0.0.1:8765/3.0.")
    mailchimp_report_email = fields.Char(
        string="Sync report email", config_parameter=PARAM_REPORT_EMAIL,
        help="Where the report of every sync run is sent.")
    mailchimp_default_audience_id = fields.Many2one(
        "mailchimp.audience", string="Default audience", config_parameter=PARAM_DEFAULT_AUDIENCE)

    mailchimp_on_archive = fields.Selection(
        [("archive", "Archive the member"), ("unsubscribe", "Unsubscribe the member")],
        string="Archived or deleted customers", default="archive", config_parameter=PARAM_ON_ARCHIVE,
        help="What happens in Mailchimp to the member of a customer archived or deleted in Odoo. "
             "Permanent deletion is never automatic.")

    @api.constrains("mailchimp_report_email")
    def _check_mailchimp_report_email(self):
        for settings in self:
            email = (settings.mailchimp_report_email or "").strip()
            if email and not is_valid_email(email):
                raise ValidationError(self.env._(
                    "The sync report email “%(email)s” is not a valid email address.", email=email))

    def action_mailchimp_verify(self):
        """Check the credentials against Mailchimp; only working credentials are saved."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        try:
            credentials = backend._credentials(
                auth_method=self.mailchimp_auth_method,
                api_key=self.mailchimp_api_key or "",
                oauth_token=self.mailchimp_oauth_token or "",
                oauth_dc=self.mailchimp_oauth_dc or "",
                base_url=self.mailchimp_base_url or "",
            )
            account = backend._verify(credentials)
        except MailchimpError as error:
            return backend._notification(
                str(error), kind="danger", title=self.env._("Mailchimp refused the credentials"), sticky=True)
        self.execute()
        account_name = account.get("account_name") or account.get("account_id") or ""
        return backend._notification(self.env._("API key saved and verified: %s", account_name))
