"""Mailchimp's OAuth2 authorization-code flow: the authorize URL, a CSRF-safe ``state``, the token.

The ``state`` sent to Mailchimp is ``<account id>.<nonce>.<expiry>.<signature>``:
the signature (HMAC-SHA256 with the database secret) covers the account, the
nonce, the expiry, the user and the user's session, so a state made for another
session, user or account, a forged one or an expired one is refused. The
account keeps the nonce of its one pending state: the callback consumes it, so
a state works once (a replayed callback finds no nonce to match).

Mailchimp's tokens do not expire (api-facts 1.1): there is no refresh token;
a revoked one answers 401 until the account is connected again.
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from .credentials import DC_RE
from .errors import MailchimpError
from .json_http import HTTP_URL_RE, JsonHttpClient

OAUTH_SERVER_URL = "https://login.mailchimp.com/oauth2"
STATE_TTL_SECONDS = 600
CALLBACK_PATH = "/mailchimp/oauth/callback"


class OAuthError(ValueError):
    """What went wrong, as a code (``str()`` of the error) and its parameters; the Odoo layer words it."""

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(code)


class OAuthStateError(OAuthError):
    """The callback's ``state`` is not one this session asked for (:data:`STATE_INVALID`, :data:`STATE_MISMATCH`,
    :data:`STATE_EXPIRED`)."""


class OAuthCallbackError(OAuthError):
    """Mailchimp's redirect carries no usable code: :data:`ACCESS_DENIED`, :data:`REFUSED` (``error``,
    ``description``) or :data:`NO_CODE`."""


STATE_INVALID = "state_invalid"
STATE_MISMATCH = "state_mismatch"
STATE_EXPIRED = "state_expired"
ACCESS_DENIED = "access_denied"
REFUSED = "refused"
NO_CODE = "no_code"


@dataclass(frozen=True)
class OAuthMetadata:
    """What ``/oauth2/metadata`` tells about the token's account."""

    dc: str
    api_endpoint: str
    account_name: str
    login_email: str = ""

    @property
    def api_base_url(self):
        """The Marketing API's base URL of the account (``<api_endpoint>/3.0``)."""
        return f"{self.api_endpoint.rstrip('/')}/3.0"


def redirect_uri(base_url):
    """The callback URL to register in Mailchimp's app: ``<web.base.url>/mailchimp/oauth/callback``."""
    return f"{(base_url or '').rstrip('/')}{CALLBACK_PATH}"


def authorize_url(client_id, redirect_to, state, server_url=None):
    """Where the user's browser goes to let Odoo in (Mailchimp asks them to log in and allow)."""
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_to,
                       "state": state})
    return f"{_server(server_url)}/authorize?{query}"


def new_nonce():
    return secrets.token_urlsafe(24)


def make_state(key, account_id, nonce, session_binding, now, ttl=STATE_TTL_SECONDS):
    """A state for ``account_id`` valid ``ttl`` seconds from ``now`` (epoch seconds), in this session only."""
    expiry = int(now) + ttl
    payload = f"{int(account_id)}.{nonce}.{expiry}"
    return f"{payload}.{_sign(key, payload, session_binding)}"


def read_state(key, state, session_binding, now):
    """``(account id, nonce)`` of a state this session made and that has not expired; else :class:`OAuthStateError`.

    Whether the nonce is still the pending one (single use) is for the caller to check.
    """
    parts = (state or "").split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        raise OAuthStateError(STATE_INVALID)
    account_id, nonce, expiry, signature = parts
    expected = _sign(key, f"{account_id}.{nonce}.{expiry}", session_binding)
    if not hmac.compare_digest(expected, signature):
        raise OAuthStateError(STATE_MISMATCH)
    if int(expiry) < now:
        raise OAuthStateError(STATE_EXPIRED, minutes=STATE_TTL_SECONDS // 60)
    return int(account_id), nonce


def nonce_matches(pending, nonce):
    """Constant-time check that ``nonce`` is the account's pending one (None or empty: already used)."""
    return bool(pending) and hmac.compare_digest(pending.encode(), (nonce or "").encode())


def check_callback(params):
    """The authorization code of Mailchimp's redirect, or :class:`OAuthCallbackError` saying why there is none."""
    error = (params.get("error") or "").strip()
    if error == "access_denied":
        raise OAuthCallbackError(ACCESS_DENIED)
    if error:
        raise OAuthCallbackError(REFUSED, error=error, description=(params.get("error_description") or "").strip())
    code = (params.get("code") or "").strip()
    if not code:
        raise OAuthCallbackError(NO_CODE)
    return code


def parse_metadata(body):
    """:class:`OAuthMetadata` of a metadata answer; :class:`MailchimpError` when it lacks the data centre."""
    body = body if isinstance(body, dict) else {}
    dc = str(body.get("dc") or "").strip()
    endpoint = str(body.get("api_endpoint") or "").strip()
    if not DC_RE.match(dc) or not HTTP_URL_RE.match(endpoint):
        raise MailchimpError(title="Invalid Response",
                             detail="Mailchimp's OAuth metadata has no data centre or API endpoint.")
    login = body.get("login") if isinstance(body.get("login"), dict) else {}
    return OAuthMetadata(dc=dc, api_endpoint=endpoint, account_name=str(body.get("accountname") or ""),
                         login_email=str(login.get("email") or login.get("login_email") or ""))


class MailchimpOAuthClient(JsonHttpClient):
    """``login.mailchimp.com/oauth2``: the token exchange (a form POST) and the metadata of a token."""

    service = "Mailchimp"
    error_class = MailchimpError

    def __init__(self, server_url=None, *, secrets=(), **options):
        super().__init__(_server(server_url), secrets=secrets, max_retries=options.pop("max_retries", 2), **options)

    def error_from_response(self, response, body):
        """OAuth errors are ``{"error": …, "error_description": …}``, not problem documents."""
        if response.status_code < 300:
            return None
        body = body if isinstance(body, dict) else {}
        code = str(body.get("error") or "")
        detail = str(body.get("error_description") or "") or response.reason or f"HTTP {response.status_code}"
        return MailchimpError(status=response.status_code, title=code, detail=detail)

    def _send(self, method, url, params, json_body, timeout):
        if method == "POST":  # the token endpoint takes a form, not JSON
            return self.session.request(method, url, params=params, data=json_body, timeout=timeout)
        return super()._send(method, url, params, json_body, timeout)

    def exchange_code(self, client_id, client_secret, redirect_to, code):
        """The access token for ``code``; :class:`MailchimpError` for a wrong code or client secret."""
        self.secrets += (client_secret, code)
        body = self.request("POST", "token", json_body={
            "grant_type": "authorization_code", "client_id": client_id, "client_secret": client_secret,
            "redirect_uri": redirect_to, "code": code})
        token = str((body or {}).get("access_token") or "").strip()
        if not token:
            raise MailchimpError(title="Invalid Response", detail="Mailchimp's token answer has no access token.")
        return token

    def metadata(self, token):
        """:class:`OAuthMetadata` of ``token`` (its data centre, API endpoint and account name)."""
        self.secrets += (token,)
        self.session.headers["Authorization"] = f"OAuth {token}"
        try:
            return parse_metadata(self.request("GET", "metadata"))
        finally:
            del self.session.headers["Authorization"]


# The OAuth error codes (the error's ``title``) the Odoo layer words itself, in the user's language.
OAUTH_ERRORS = ("invalid_grant", "invalid_client", "invalid_token")


def _server(server_url):
    return (server_url or OAUTH_SERVER_URL).strip().rstrip("/")


def _sign(key, payload, session_binding):
    message = f"{payload}|{session_binding}".encode()
    return hmac.new(key.encode() if isinstance(key, str) else key, message, hashlib.sha256).hexdigest()
