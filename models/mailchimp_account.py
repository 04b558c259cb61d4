"""A company's Mailchimp account: credentials, report and archive settings, the shared client.

Secrets (API key, OAuth token) are fields readable by system administrators
only (``groups="base.group_system"``): Odoo checks field groups on ``read``,
``search_read``, ``web_read``, export and on every fetch from the database, so
they do not leak the way ``ir.config_parameter`` settings do through
``res.config.settings.default_get``. Credentials are only ever written by
:meth:`_connect`, after Mailchimp accepted them.
"""
import logging
import threading

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_split

from ..mailchimp_sync.client import MailchimpClient
from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.sync_plan import ON_ARCHIVE_ARCHIVE, ON_ARCHIVE_UNSUBSCRIBE

_logger = logging.getLogger(__name__)

AUTH_API_KEY = "api_key"
AUTH_OAUTH = "oauth"
REPORT_ALWAYS = "always"
REPORT_CHANGES = "changes"
REPORT_FAILURES = "failures"

# One client per account, for the credentials it had when the client was made.
_clients = {}
_clients_lock = threading.Lock()


class MailchimpAccount(models.Model):
    _name = "mailchimp.account"
    _description = "Mailchimp account"
    _order = "company_id, id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, ondelete="cascade", index=True)
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
    is_connected = fields.Boolean(string="Connected", readonly=True, copy=False)
    mailchimp_account_name = fields.Char(string="Mailchimp account", readonly=True, copy=False)
    verified_date = fields.Datetime(string="Verified on", readonly=True, copy=False)
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

    # ------------------------------------------------------------ which account

    @api.model
    def _for_company(self, company=None):
        """The account of ``company`` (default: the current one), created empty on first use."""
        company = company or self.env.company
        account = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not account:
            account = self.sudo().create({"company_id": company.id})
        return account.with_env(self.env)

    # ------------------------------------------------------------ credentials and client

    def _credentials(self):
        """The stored credentials; raises :class:`MailchimpConfigError` before any call when unusable."""
        self.ensure_one()
        account = self.sudo()
        if account.auth_method == AUTH_OAUTH:
            return Credentials.from_oauth(account.oauth_token, account.oauth_dc, base_url=account.base_url)
        return Credentials.from_api_key(account.api_key, base_url=account.base_url)

    def _client(self):
        """The account's shared Mailchimp client (see :meth:`_shared_client`)."""
        return self._shared_client(MailchimpClient, self._credentials())

    def _shared_client(self, client_class, credentials):
        """The account's shared ``client_class`` client: connections stay open between calls.

        Keyed by account, service and credentials: rotated credentials replace (and
        close) the old client at the next call, in every worker.
        """
        self.ensure_one()
        key = (self.id, client_class)
        with _clients_lock:
            known = _clients.get(key)
            if known and known[0] == credentials:
                return known[1]
            client = client_class(credentials, **self._client_options())
            _clients[key] = (credentials, client)
        if known:
            known[1].close()
        return client

    @api.model
    def _client_options(self):
        """Keyword arguments of :class:`MailchimpClient` (timeouts, retries); tests shorten the backoff."""
        return {}

    def _connect(self, credentials):
        """Verify ``credentials`` with Mailchimp; store them only if Mailchimp accepted them.

        Returns the account name Mailchimp gave; raises :class:`MailchimpError`
        (nothing stored) otherwise.
        """
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        with MailchimpClient(credentials, **self._client_options()) as client:
            client.ping()
            remote = client.get_account()
        name = remote.get("account_name") or remote.get("account_id") or ""
        self.sudo().write({
            "auth_method": credentials.kind,
            "api_key": credentials.secret if credentials.kind == AUTH_API_KEY else False,
            "oauth_token": credentials.secret if credentials.kind == AUTH_OAUTH else False,
            "oauth_dc": credentials.dc,
            "base_url": credentials.base_url_override or False,
            "is_connected": True,
            "mailchimp_account_name": name,
            "verified_date": fields.Datetime.now(),
        })
        return name

    # ------------------------------------------------------------ buttons

    def action_open_connect_wizard(self):
        """Button: the dialog where a key or token is typed, verified and only then saved."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to Mailchimp"),
            "res_model": "mailchimp.connect.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_account_id": self.id, "default_auth_method": self.auth_method,
                        "default_oauth_dc": self.oauth_dc, "default_base_url": self.sudo().base_url},
        }

    def action_disconnect(self):
        """Button: forget the stored credentials (Mailchimp is not called)."""
        self.env["mailchimp.backend"]._check_system()
        self.sudo().write({"api_key": False, "oauth_token": False, "is_connected": False,
                           "mailchimp_account_name": False, "verified_date": False})
        return self.env["mailchimp.backend"]._notification(
            self.env._("Mailchimp credentials removed."), reload=True)


def report_addresses(text):
    """The addresses of a report email setting as Odoo's mail reads them; [] if any part is not one."""
    parts = [part for part in (text or "").split(",") if part.strip()]
    addresses = [email_split(part) for part in parts]
    if not parts or any(len(found) != 1 for found in addresses):
        return []
    return [found[0] for found in addresses]

