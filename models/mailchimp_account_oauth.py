"""Connect an account with a registered Mailchimp app (OAuth2 authorization code), and "Reconnect needed".

The flow's rules (state, token exchange, metadata) are the core's
(:mod:`~..mailchimp_sync.oauth`); here they meet the account: the client ID and
secret typed by a system administrator, the one pending state's nonce, the
token and data centre Mailchimp gave, and the flag a revoked credential raises
so that nothing calls Mailchimp again with it until someone reconnects.
"""
import hashlib
import logging
import time

import psycopg2.errors

from odoo import api, fields, models
from odoo.http import request
from odoo.tools import SQL

from ..mailchimp_sync.credentials import Credentials
from ..mailchimp_sync.errors import MailchimpConfigError, MailchimpError
from ..mailchimp_sync.oauth import (
    MailchimpOAuthClient,
    OAuthCallbackError,
    OAuthStateError,
    authorize_url,
    check_callback,
    make_state,
    new_nonce,
    nonce_matches,
    read_state,
    redirect_uri,
)
from . import mailchimp_messages
from .mailchimp_account import AUTH_OAUTH
from .mailchimp_transaction import commits_allowed

_logger = logging.getLogger(__name__)

AUTH_OAUTH_APP = "oauth_app"
OAUTH_METHODS = (AUTH_OAUTH, AUTH_OAUTH_APP)


PENDING_APP_FIELDS = ["oauth_pending_client_id", "oauth_pending_client_secret", "oauth_pending_server_url"]


class MailchimpAccount(models.Model):
    _inherit = "mailchimp.account"

    auth_method = fields.Selection(selection_add=[(AUTH_OAUTH_APP, "OAuth app")],
                                   ondelete={AUTH_OAUTH_APP: "set default"})
    oauth_client_id = fields.Char(string="Client ID", groups="base.group_system", copy=False)
    oauth_client_secret = fields.Char(string="Client secret", groups="base.group_system", copy=False)
    oauth_server_url = fields.Char(
        string="OAuth server", groups="base.group_system",
        help="Empty for login.mailchimp.com/oauth2; a local stand-in's URL for tests and demos.")
    oauth_redirect_uri = fields.Char(
        string="Redirect URI", compute="_compute_oauth_redirect_uri",
        help="Paste it into the app's registration in Mailchimp (Account → Extras → Registered apps).")
    oauth_state_nonce = fields.Char(groups="base.group_system", copy=False, readonly=True)
    # The app typed for a "Connect" in progress: it becomes the account's only once Mailchimp accepted it.
    oauth_pending_client_id = fields.Char(groups="base.group_system", copy=False, readonly=True)
    oauth_pending_client_secret = fields.Char(groups="base.group_system", copy=False, readonly=True)
    oauth_pending_server_url = fields.Char(groups="base.group_system", copy=False, readonly=True)
    reconnect_needed = fields.Boolean(string="Reconnect needed", readonly=True, copy=False)
    reconnect_message = fields.Char(readonly=True, copy=False)

    def _compute_oauth_redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        self.oauth_redirect_uri = redirect_uri(base_url)

    @api.depends("api_key", "oauth_token", "auth_method", "oauth_dc")
    def _compute_credential_hint(self):
        result = super()._compute_credential_hint()
        for account in self.filtered(lambda account: account.auth_method == AUTH_OAUTH_APP and account.oauth_token):
            account.credential_hint = self.env._("token …%(end)s, data centre %(dc)s",
                                                 end=account.oauth_token[-4:], dc=account.oauth_dc)
        return result

    # ------------------------------------------------------------ credentials

    def _credentials(self):
        """A flagged account calls nothing: a revoked credential would only be refused again; a disconnected
        one says so in the user's words (not “the token is empty”)."""
        self.ensure_one()
        if self.reconnect_needed:
            raise MailchimpConfigError(self.reconnect_message or self._reconnect_sentence())
        if not self.is_connected:
            raise MailchimpConfigError(self.env._(
                "Mailchimp is not connected for %(company)s: nothing is sent to Mailchimp until a system "
                "administrator connects it in Settings → Mailchimp (“Connect”).",
                company=self.company_id.display_name))
        if self.auth_method == AUTH_OAUTH_APP:
            account = self.sudo()
            return Credentials.from_oauth(account.oauth_token, account.oauth_dc, base_url=account.base_url)
        return super()._credentials()

    def _connect(self, credentials):
        name = super()._connect(credentials)
        self.sudo().write({"reconnect_needed": False, "reconnect_message": False})
        return name

    def action_disconnect(self):
        result = super().action_disconnect()
        self.sudo().write({"reconnect_needed": False, "reconnect_message": False, "oauth_state_nonce": False})
        return result

    def _reconnect_sentence(self):
        return self.env._(
            "Reconnect needed: Mailchimp no longer accepts this account's %(what)s (revoked or deleted in "
            "Mailchimp). Nothing is sent to Mailchimp until a system administrator presses “Reconnect” in "
            "Settings → Mailchimp.",
            what=self.env._("OAuth token") if self.auth_method in OAUTH_METHODS else self.env._("API key"))

    def _flag_refused_credentials(self, error, keep_on_rollback=False):
        """After a 401: flag the account, so that nothing calls Mailchimp with the refused token again.

        ``keep_on_rollback`` is for callers that roll their transaction back (a button raising the
        error to the user): the flag is then recorded in a transaction of its own
        (:meth:`_write_kept_on_rollback`). Returns the sentence that says so, or None when ``error``
        is not a refusal of an OAuth token (a refused API key keeps its own message: it is replaced
        in the same dialog it was typed in).
        """
        if not isinstance(error, MailchimpError) or error.status != 401 or self.auth_method not in OAUTH_METHODS:
            return None
        self.ensure_one()
        message = self._reconnect_sentence()
        values = {"reconnect_needed": True, "reconnect_message": message}
        _logger.warning("Mailchimp refused the credentials of account %s (401): flagged as reconnect needed",
                        self.id)
        if keep_on_rollback:
            self._write_kept_on_rollback(values)
        else:
            self.sudo().write(values)
        return message

    def _write_kept_on_rollback(self, values):
        """Write ``values`` (what a refusal taught) so that the caller's rollback keeps them.

        They are committed at once by a cursor of their own; this transaction, which cannot see them,
        forgets its cached values. Should this request hold the row already, the new transaction would
        wait for it: after a short wait they are written here instead (kept only if this one commits).

        Odoo's tests share one connection, where a cursor of its own is a savepoint inside the caller's
        and would be undone with it: there they are written in this transaction and again right after
        its rollback (a test cursor runs its rollback hooks; Odoo's HTTP layer does not). A test without
        test cursors keeps this transaction's write.
        """
        self.ensure_one()
        registry, table, record_id = self.env.registry, self._table, self.id

        def write_in_own_transaction(lock_timeout=None):
            assignments = SQL(", ").join(SQL("%s = %s", SQL.identifier(name), value) for name, value in values.items())
            with registry.cursor() as cr:
                if lock_timeout:
                    cr.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
                cr.execute(SQL("UPDATE %s SET %s, write_date = now() AT TIME ZONE 'UTC' WHERE id = %s",
                               SQL.identifier(table), assignments, record_id))

        if registry.in_test_mode():
            self.sudo().write(values)
            self.env.cr.postrollback.add(write_in_own_transaction)
            return
        if not commits_allowed():
            self.sudo().write(values)
            return
        try:
            write_in_own_transaction(lock_timeout="2s")
        except psycopg2.errors.LockNotAvailable:
            _logger.warning("Account %s is locked by this request: its flag is kept only if the request commits",
                            record_id)
            self.sudo().write(values)
            return
        self.invalidate_recordset(list(values))

    # ------------------------------------------------------------ the OAuth app flow

    def _oauth_start(self, client_id, client_secret, server_url=None):
        """Keep the app's client ID and secret as pending, then send the browser to Mailchimp's authorize page.

        They become the account's only when the callback got a token with them (a wrong secret is
        stored nowhere). A new state replaces any earlier pending one: only the last "Connect" can complete.
        """
        self.ensure_one()
        self._check_credentials_access()
        client_id, client_secret = (client_id or "").strip(), (client_secret or "").strip()
        if not client_id or not client_secret:
            raise MailchimpConfigError(
                self.env._("Type the client ID and the client secret of the app registered in Mailchimp."))
        nonce = new_nonce()
        self.sudo().write({"oauth_pending_client_id": client_id, "oauth_pending_client_secret": client_secret,
                           "oauth_pending_server_url": (server_url or "").strip() or False,
                           "oauth_state_nonce": nonce})
        state = make_state(self._oauth_key(), self.id, nonce, self._oauth_session_binding(), time.time())
        url = authorize_url(client_id, self.oauth_redirect_uri, state, server_url=server_url)
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _oauth_complete(self, params):
        """The callback: check the state, exchange the code, read the metadata, verify and store.

        Returns ``(account or None, message)``; nothing is stored unless everything succeeded.
        The state's nonce is spent whatever happens after it matched: a state works once.
        """
        try:
            account_id, nonce = read_state(self._oauth_key(), params.get("state"), self._oauth_session_binding(),
                                           time.time())
        except OAuthStateError as refused:
            return None, mailchimp_messages.oauth_error(self.env, refused)
        account = self.browse(account_id).exists()
        if not account or not nonce_matches(account.sudo().oauth_state_nonce, nonce):
            return None, self.env._("This answer from Mailchimp was used already or replaced by a newer “Connect”: "
                                    "nothing was stored. Start again from the settings.")
        account._check_credentials_access()
        pending = account.sudo().read(PENDING_APP_FIELDS)[0]
        account.sudo().write(dict.fromkeys(("oauth_state_nonce", *PENDING_APP_FIELDS), False))
        try:
            code = check_callback(params)
            credentials = account._oauth_credentials(code, pending)
            name = account._connect(credentials)
        except (OAuthCallbackError, MailchimpConfigError) as refused:
            return None, mailchimp_messages.oauth_error(self.env, refused)
        except MailchimpError as error:
            return None, self.env._("Mailchimp refused the connection: %s Nothing was stored.",
                                    mailchimp_messages.oauth_error(self.env, error))
        account.sudo().write({"auth_method": AUTH_OAUTH_APP, "oauth_client_id": pending["oauth_pending_client_id"],
                              "oauth_client_secret": pending["oauth_pending_client_secret"],
                              "oauth_server_url": pending["oauth_pending_server_url"]})
        return account, self.env._("Connected to %s", name)

    def _oauth_credentials(self, code, app):
        """The access token for ``code`` (``app``: the pending client ID, secret and server URL), with the
        data centre and API endpoint Mailchimp's metadata gives."""
        secret = app["oauth_pending_client_secret"]
        with MailchimpOAuthClient(app["oauth_pending_server_url"], secrets=(secret,),
                                  **self._client_options(interactive=True)) as oauth:
            token = oauth.exchange_code(app["oauth_pending_client_id"], secret, self.oauth_redirect_uri, code)
            metadata = oauth.metadata(token)
        return Credentials.from_oauth(token, metadata.dc, base_url=metadata.api_base_url)

    def _oauth_key(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    def _oauth_session_binding(self):
        """The user and their browser session: a state made in one session is refused in any other."""
        sid = request.session.sid if request and request.session else ""
        return hashlib.sha256(f"{self.env.uid}:{sid}".encode()).hexdigest()

    def action_open_connect_wizard(self):
        action = super().action_open_connect_wizard()
        account = self.sudo()
        action["context"].update({"default_oauth_client_id": account.oauth_client_id,
                                  "default_oauth_server_url": account.oauth_server_url})
        return action
