"""A company's Mailchimp account (the Mailchimp backend): credentials, report and archive settings.

Secrets (API key, OAuth token) are fields readable by system administrators
only (``groups="base.group_system"``): Odoo checks field groups on ``read``,
``search_read``, ``web_read``, export and on every fetch from the database, so
they do not leak the way ``ir.config_parameter`` settings do through
``res.config.settings.default_get``. Credentials are only ever written by
:meth:`_connect`, after Mailchimp accepted them.
"""
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_split

from ..mailchimp_sync.client import MailchimpClient
from ..mailchimp_sync import const
from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.sync_plan import ON_ARCHIVE_ARCHIVE, ON_ARCHIVE_UNSUBSCRIBE

_logger = logging.getLogger(__name__)

AUTH_API_KEY = "api_key"
AUTH_OAUTH = "oauth"
REPORT_ALWAYS = "always"
REPORT_CHANGES = "changes"
REPORT_FAILURES = "failures"

# Only the contact can change these: Mailchimp refuses to subscribe a cleaned or deleted address again.
LOCKED_STATUSES = (const.STATUS_CLEANED, const.STATUS_DELETED)


class MailchimpAccount(models.Model):
    _name = "mailchimp.account"
    _inherit = "mailchimp.backend"
    _description = "Mailchimp account"
    _order = "company_id, id"
    _service_name = "Mailchimp"
    _connect_wizard = "mailchimp.connect.wizard"
    _secret_fields = ("api_key", "oauth_token")
    _label_field = "mailchimp_account_name"
    _panel_key = "mailchimp"

    name = fields.Char(compute="_compute_name", store=True)
    auth_method = fields.Selection(
        [(AUTH_API_KEY, "API key"), (AUTH_OAUTH, "OAuth access token")],
        string="Authentication", default=AUTH_API_KEY, required=True, readonly=True)
    api_key = fields.Char(string="API key", groups="base.group_system", copy=False, readonly=True)
    oauth_token = fields.Char(string="OAuth access token", groups="base.group_system", copy=False, readonly=True)
    oauth_dc = fields.Char(string="Data centre", readonly=True, help="The data centre of the account, e.g. us6.")
    base_url = fields.Char(
        string="Base URL", groups="base.group_system", readonly=True,
        help="Empty for Mailchimp itself; a local stand-in's URL for tests and demos.")
    credential_hint = fields.Char(
        string="Credentials", compute="_compute_credential_hint", groups="base.group_system",
        help="The end of the stored key or token, to recognise it without showing it.")
    mailchimp_account_name = fields.Char(string="Mailchimp account", readonly=True, copy=False)
    report_email = fields.Char(
        string="Sync report email",
        help="Where the report of every sync run goes; several addresses separated by commas. "
             "No address, no sync.")
    report_policy = fields.Selection(
        [(REPORT_ALWAYS, "After every run"),
         (REPORT_CHANGES, "When something changed or failed"),
         (REPORT_FAILURES, "Only when something failed")],
        string="Send the report", default=REPORT_CHANGES, required=True)
    on_archive = fields.Selection(
        [(ON_ARCHIVE_ARCHIVE, "Archive the member"), (ON_ARCHIVE_UNSUBSCRIBE, "Unsubscribe the member")],
        string="Archived or deleted customers", default=ON_ARCHIVE_ARCHIVE, required=True,
        help="What happens in Mailchimp to the member of a customer archived or deleted in Odoo. "
             "Permanent deletion is never automatic.")
    max_in_flight = fields.Integer(
        string="Batch calls at once", default=4, required=True,
        help="How many batch calls a sync run keeps open at the same time (1 to 10: Mailchimp allows 10 "
             "connections per key).")
    audience_ids = fields.One2many("mailchimp.audience", "account_id", string="Audiences")

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one Mailchimp account."),
    ]

    @api.depends("company_id.name", "mailchimp_account_name")
    def _compute_name(self):
        for account in self:
            account.name = account.mailchimp_account_name or account.company_id.name

    @api.depends("api_key", "oauth_token", "auth_method", "oauth_dc")
    def _compute_credential_hint(self):
        for account in self:
            secret = account.oauth_token if account.auth_method == AUTH_OAUTH else account.api_key
            if not secret:
                account.credential_hint = False
            elif account.auth_method == AUTH_OAUTH:
                account.credential_hint = self.env._("token …%(end)s, data centre %(dc)s",
                                                     end=secret[-4:], dc=account.oauth_dc)
            else:
                account.credential_hint = f"…{secret[-8:]}"

    @api.constrains("max_in_flight")
    def _check_max_in_flight(self):
        for account in self:
            if not 1 <= account.max_in_flight <= 10:
                raise ValidationError(self.env._(
                    "Batch calls at once must be between 1 and 10: Mailchimp allows 10 connections per key."))

    @api.constrains("report_email")
    def _check_report_email(self):
        for account in self.filtered("report_email"):
            if not report_addresses(account.report_email):
                raise ValidationError(self.env._(
                    "The sync report email “%(email)s” is not an email address (several are separated by commas).",
                    email=account.report_email))

    def _sync_blocker(self):
        """Why no sync of this account runs, in the user's words; False when runs can start.

        The report email is mandatory: every run reports there (the settings refuse to be saved without
        it once the account is connected, see ``res_config_settings.py``).
        """
        self.ensure_one()
        if not self.report_email:
            return self.env._("No sync runs: set the sync report email in Settings → Mailchimp first, every run "
                              "sends its report there.")
        return False

    # ------------------------------------------------------------ the backend's hooks

    def _credentials(self):
        """The stored credentials; raises :class:`MailchimpConfigError` before any call when unusable."""
        self.ensure_one()
        account = self.sudo()
        if account.auth_method == AUTH_OAUTH:
            return Credentials.from_oauth(account.oauth_token, account.oauth_dc, base_url=account.base_url)
        return Credentials.from_api_key(account.api_key, base_url=account.base_url)

    def _new_client(self, credentials, interactive=False):
        return MailchimpClient(credentials, **self._client_options(interactive))

    def _verify(self, credentials):
        """A ping, then the account's name as Mailchimp gives it."""
        with self._new_client(credentials, interactive=True) as client:
            client.ping()
            remote = client.get_account()
        return remote.get("account_name") or remote.get("account_id") or ""

    def _credential_values(self, credentials):
        return {
            "auth_method": credentials.kind,
            "api_key": credentials.secret if credentials.kind == AUTH_API_KEY else False,
            "oauth_token": credentials.secret if credentials.kind == AUTH_OAUTH else False,
            "oauth_dc": credentials.dc,
            "base_url": credentials.base_url_override or False,
        }

    def _connect_wizard_defaults(self):
        return {"auth_method": self.auth_method, "oauth_dc": self.oauth_dc, "base_url": self.sudo().base_url}

    @api.model
    def _personal_data_models(self):
        return ["mailchimp.member", "mailchimp.panel.cache", "mailchimp.webhook.event",
                "mailchimp.campaign.recipient", "mailchimp.campaign.activity", "mailchimp.consent",
                "mailchimp.sync.run.line", "mailchimp.remote.operation",
                "mailchimp.campaign.exclusion"]

    # ------------------------------------------------------------ the customer's panel

    def _panel_section(self):
        return {**super()._panel_section(), "lists_label": self.env._("Audiences"),
                "empty_label": self.env._("Not in any audience"), "locked_statuses": list(LOCKED_STATUSES)}

    def _panel_statuses(self):
        return {
            const.STATUS_SUBSCRIBED: self.env._("Subscribed"),
            const.STATUS_UNSUBSCRIBED: self.env._("Unsubscribed"),
            const.STATUS_PENDING: self.env._("Waiting for confirmation"),
            const.STATUS_CLEANED: self.env._("Cleaned (bounced)"),
            const.STATUS_ARCHIVED: self.env._("Archived"),
            const.STATUS_DELETED: self.env._("Deleted"),
            const.STATUS_TRANSACTIONAL: self.env._("Transactional"),
        }

    def _panel_shown(self):
        """Always shown: the section itself says when Mailchimp is not connected."""
        return True

    def _panel_data(self, partner, email=None, refresh=False):
        return partner.mailchimp_panel(email=email, refresh=refresh)

    def _panel_apply(self, partner, email, original, wanted):
        return partner.mailchimp_panel_save(email, original, wanted)


def report_addresses(text):
    """The addresses of a report email setting as Odoo's mail reads them; [] if any part is not one."""
    parts = [part for part in (text or "").split(",") if part.strip()]
    addresses = [email_split(part) for part in parts]
    if not parts or any(len(found) != 1 for found in addresses):
        return []
    return [found[0] for found in addresses]

