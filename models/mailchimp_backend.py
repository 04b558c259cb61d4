"""The service backend: what every connected service (Mailchimp, SerwerSMS, Campaign Monitor, …) shares.

Each service is a concrete model that inherits this abstract one (as Odoo's
``payment.provider`` add-ons and OCA's connector backends do): one record per
company holding the service's credentials, readable by system administrators
only, kept apart by a company record rule. The backend owns:

* verify before storing: :meth:`_connect` asks the service with the typed
  credentials (:meth:`_verify`, the service's one cheap authenticated call)
  and stores them (:meth:`_credential_values`) only when it accepted them;
  :meth:`action_disconnect` forgets them;
* rights before the first request: :meth:`_check_credentials_access` (system
  administrators, on a record their companies' rule lets them write: no
  ``sudo()`` that skips the rule); :meth:`_check_manager` / :meth:`_check_system`
  for the other buttons;
* the shared client (:meth:`_client`), cached per database, model and record;
* remote errors as one readable :class:`UserError` (:meth:`_user_errors`);
* the customer panel's section (:meth:`_panel_section`, :meth:`_panel_data`,
  :meth:`_panel_apply`) and the models holding personal data
  (:meth:`_personal_data_models`).

Its helpers also serve the rest of the module as ``env["mailchimp.backend"]``.
"""
import logging
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..mailchimp_sync.client_cache import ClientCache
from ..mailchimp_sync.json_http import INTERACTIVE_OPTIONS, ServiceError
from . import mailchimp_messages

_logger = logging.getLogger(__name__)

GROUP_MANAGER = "mailchimp_sync.group_mailchimp_manager"
GROUP_SYSTEM = "base.group_system"

# One client per database, service and record, for the credentials it had when it was made.
_clients = ClientCache()


class MailchimpBackend(models.AbstractModel):
    _name = "mailchimp.backend"
    _description = "Connected service (backend)"

    #: The service's name in messages and in the customer's panel.
    _service_name = "Mailchimp"
    #: The model of the service's "Connect" dialog (a ``mailchimp.credentials.wizard``).
    _connect_wizard = None
    #: Fields forgotten by "Disconnect".
    _secret_fields = ()
    #: The field holding what the service called the account when it accepted the credentials.
    _label_field = "account_name"
    #: The key of the service's section in the customer's panel; None: the service has no section.
    _panel_key = None

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, ondelete="cascade", index=True)
    is_connected = fields.Boolean(string="Connected", readonly=True, copy=False)
    verified_date = fields.Datetime(string="Verified on", readonly=True, copy=False)

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one account per service."),
    ]

    # ------------------------------------------------------------ rights

    @api.model
    def _check_group(self, xmlid, message):
        if not self.env.su and not self.env.user.has_group(xmlid):
            raise AccessError(message)

    @api.model
    def _check_manager(self):
        """Mailchimp managers (and administrators) run what changes Mailchimp."""
        self._check_group(GROUP_MANAGER, self.env._("Only Mailchimp managers may change data in Mailchimp."))

    @api.model
    def _check_system(self):
        """Credentials and settings are for system administrators."""
        self._check_group(GROUP_SYSTEM, self.env._(
            "Only system administrators may change the Mailchimp connection or settings."))

    def _check_credentials_access(self):
        """System administrators, on accounts of the companies they are allowed in; before any request."""
        self._check_system()
        self.check_access("write")

    # ------------------------------------------------------------ which account

    @api.model
    def _for_company(self, company=None, create=False):
        """The account of ``company`` (default: the current one); an empty recordset when it has none yet.

        Reads (computes, the customer's panel) never write: only where writing is expected
        (opening the settings, a button or dialog that acts on the account) does ``create=True``
        make the company's empty account on first use.
        """
        company = company or self.env.company
        account = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not account and create:
            account = self.sudo().create({"company_id": company.id})
        return account.with_env(self.env)

    # ------------------------------------------------------------ the service's hooks

    def _credentials(self):
        """The stored credentials (a core credentials object); the service's config error when unusable."""
        raise NotImplementedError

    def _new_client(self, credentials, interactive=False):
        """A core client for ``credentials``, with :meth:`_client_options` (``interactive``: a person waits)."""
        raise NotImplementedError

    def _verify(self, credentials):
        """Ask the service with ``credentials`` (one cheap authenticated call); the account's label.

        Raises the service's error when it refused them; nothing is stored then.
        """
        raise NotImplementedError

    def _credential_values(self, credentials):
        """The values :meth:`_connect` writes for accepted ``credentials``."""
        raise NotImplementedError

    def _connect_wizard_defaults(self):
        """What the "Connect" dialog starts with (no secret): ``{field: value}``."""
        return {}

    @api.model
    def _personal_data_models(self):
        """The models where the service's data about people is kept (erasure, privacy lookup)."""
        return []

    # ------------------------------------------------------------ the shared client

    def _client(self, interactive=False):
        """The account's shared client: connections stay open between calls.

        Keyed by database, model and record, and made again when the stored
        credentials changed (the replaced one is never closed under another thread).
        ``interactive`` (a person waits: the customer's panel, a dialog) gives the
        short-timeout client of :data:`INTERACTIVE_OPTIONS`, with a pool of its own
        that batch work cannot fill.
        """
        self.ensure_one()
        key = (*self._client_cache_key(), "interactive") if interactive else self._client_cache_key()
        return _clients.get(key, self._credentials(), lambda credentials: self._new_client(credentials, interactive))

    def _client_cache_key(self):
        return (self.env.cr.dbname, self._name, self.id)

    @api.model
    def _client_options(self, interactive=False):
        """Keyword arguments of the core clients (timeouts, retries); tests shorten the backoff.

        ``interactive``: for a person waiting (short timeouts, one quick retry, a few seconds in all);
        else batch work's (long timeouts, patient retries).
        """
        return dict(INTERACTIVE_OPTIONS) if interactive else {}

    # ------------------------------------------------------------ connect and disconnect

    def _connect(self, credentials):
        """Verify ``credentials`` with the service; store them only if it accepted them.

        Rights are checked first; returns the account's label; raises the service's
        error (nothing stored) otherwise.
        """
        self.ensure_one()
        self._check_credentials_access()
        label = self._verify(credentials)
        self.write({
            **self._credential_values(credentials),
            "is_connected": True,
            self._label_field: label,
            "verified_date": fields.Datetime.now(),
        })
        return label

    def action_open_connect_wizard(self):
        """Button: the dialog where the credentials are typed, verified and only then saved."""
        self.ensure_one()
        self._check_credentials_access()
        defaults = {f"default_{name}": value for name, value in self._connect_wizard_defaults().items()}
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to %s", self._service_name),
            "res_model": self._connect_wizard,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_account_id": self.id, **defaults},
        }

    def action_disconnect(self):
        """Button: forget the stored credentials (the service is not called)."""
        self._check_credentials_access()
        self.write({**dict.fromkeys(self._secret_fields, False), "is_connected": False, self._label_field: False,
                    "verified_date": False})
        return self._notification(self.env._("%s credentials removed.", self._service_name),
                                  title=self._service_name, reload=True)

    # ------------------------------------------------------------ the customer's panel

    def _panel_section(self):
        """The section of the customer's panel: ``{key, name, lists_label, empty_label, statuses, locked_statuses}``.

        ``statuses`` maps the service's own status words to ``{label}`` (what the
        panel and the dialog show); ``locked_statuses`` are those only the contact can change.
        """
        self.ensure_one()
        return {"key": self._panel_key, "name": self._service_name, "lists_label": self.env._("Lists"),
                "empty_label": self.env._("Not in any list"), "statuses": self._panel_statuses(),
                "none_label": self.env._("Not a member"), "locked_statuses": []}

    def _panel_statuses(self):
        return {}

    def _panel_shown(self):
        """Whether the customer's panel shows the section (by default: when the service is connected)."""
        self.ensure_one()
        return self.is_connected

    def _panel_data(self, partner, email=None, refresh=False):
        """The section's data for ``partner``: its addresses and what the service says of one."""
        raise NotImplementedError

    def _panel_apply(self, partner, email, original, wanted):
        """Apply the dialog's changed boxes for ``email``: ``{results, panel}``."""
        raise NotImplementedError

    # ------------------------------------------------------------ answers

    @api.model
    @contextmanager
    def _user_errors(self, hint=None):
        """Turn a service's error into a :class:`UserError` carrying the service's own message.

        ``hint`` is a sentence added to an error the service answered (4xx), e.g. the likely cause.
        """
        try:
            yield
        except ServiceError as error:
            _logger.info("%s call failed: %s", error.service, error)
            message = mailchimp_messages.error_text(self.env, error)
            reconnect = self.env["mailchimp.account"]._for_company()._flag_refused_credentials(
                error, keep_on_rollback=True)
            if reconnect:
                message = f"{message} {reconnect}"
            if hint and error.status and 400 <= error.status < 500:
                message = f"{message} {hint}"
            raise UserError(message) from None

    @api.model
    def _notification(self, message, kind="success", title=None, sticky=False, reload=False, close=False):
        """A ``display_notification`` client action, the answer of our buttons.

        ``reload`` reloads the current view afterwards, to show what the button changed;
        ``close`` closes the dialog the button was in (its opener then reloads).
        """
        params = {
            "title": title or self.env._("Mailchimp"),
            "message": message,
            "type": kind,
            "sticky": sticky,
        }
        if close:
            params["next"] = {"type": "ir.actions.act_window_close"}
        elif reload:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
