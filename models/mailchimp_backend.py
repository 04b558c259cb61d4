"""Where the add-on gets its Mailchimp client: credentials from the settings, one client each.

Every model that calls Mailchimp asks ``env['mailchimp.backend']`` for the
client and wraps the call in :meth:`_user_errors`, so that a Mailchimp error
reaches the user as Mailchimp's own sentence and never as a traceback.
"""
import logging
import threading
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import UserError

from ..mailchimp_sync.client import MailchimpClient
from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.errors import MailchimpError

_logger = logging.getLogger(__name__)

PARAM_AUTH_METHOD = "mailchimp_sync.auth_method"
PARAM_API_KEY = "mailchimp_sync.api_key"
PARAM_OAUTH_TOKEN = "mailchimp_sync.oauth_token"
PARAM_OAUTH_DC = "mailchimp_sync.oauth_dc"
PARAM_BASE_URL = "mailchimp_sync.base_url"
PARAM_REPORT_EMAIL = "mailchimp_sync.report_email"
PARAM_DEFAULT_AUDIENCE = "mailchimp_sync.default_audience_id"
PARAM_ON_ARCHIVE = "mailchimp_sync.on_archive"

_clients = {}
_clients_lock = threading.Lock()


class MailchimpBackend(models.AbstractModel):
    _name = "mailchimp.backend"
    _description = "Mailchimp connection"

    @api.model
    def _credentials(self, auth_method=None, api_key=None, oauth_token=None, oauth_dc=None, base_url=None):
        """Credentials from the given values, or else from the stored settings.

        Raises :class:`MailchimpError` (a :class:`MailchimpConfigError`) when
        they are missing or malformed, before anything is sent.
        """
        params = self.env["ir.config_parameter"].sudo()
        auth_method = auth_method or params.get_param(PARAM_AUTH_METHOD) or "api_key"
        base_url = base_url if base_url is not None else params.get_param(PARAM_BASE_URL)
        if auth_method == "oauth":
            return Credentials.from_oauth(
                oauth_token if oauth_token is not None else params.get_param(PARAM_OAUTH_TOKEN),
                oauth_dc if oauth_dc is not None else params.get_param(PARAM_OAUTH_DC),
                base_url=base_url,
            )
        return Credentials.from_api_key(
            api_key if api_key is not None else params.get_param(PARAM_API_KEY), base_url=base_url)

    @api.model
    def _client(self, credentials=None):
        """The shared client of these credentials: its connections are kept alive between calls."""
        credentials = credentials or self._credentials()
        with _clients_lock:
            client = _clients.get(credentials)
            if client is None:
                client = _clients[credentials] = MailchimpClient(credentials, **self._client_options())
            return client

    @api.model
    def _client_options(self):
        """Keyword arguments of :class:`MailchimpClient` (timeouts, retries); tests shorten the backoff."""
        return {}

    @api.model
    def _verify(self, credentials):
        """Ping Mailchimp and read the account root; returns the account."""
        client = self._client(credentials)
        client.ping()
        return client.get_account()

    @api.model
    @contextmanager
    def _user_errors(self):
        """Turn a Mailchimp error into a :class:`UserError` carrying Mailchimp's own message."""
        try:
            yield
        except MailchimpError as error:
            _logger.info("Mailchimp call failed: %s", error)
            raise UserError(str(error)) from None

    @api.model
    def _notification(self, message, kind="success", title=None, sticky=False, reload=False):
        """A ``display_notification`` client action, the answer of our buttons.

        ``reload`` reloads the current view afterwards, to show what the button changed.
        """
        params = {
            "title": title or self.env._("Mailchimp"),
            "message": message,
            "type": kind,
            "sticky": sticky,
        }
        if reload:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
