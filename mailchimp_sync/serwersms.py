"""The one SerwerSMS.pl client of the add-on (HTTPS API v2), with its credentials and errors.

Every action is ``POST <base>/<action>.json`` with a JSON body (api-facts,
part 2). Authentication is an API token (``Authorization: Bearer``, the
gateway's recommendation) or the user name and password of an API user, sent
in the body. The gateway answers its errors with **HTTP 200** and a body
``{"error": {"code", "type", "message"}}``: :meth:`SerwerSmsClient.error_from_response`
turns those into :class:`SerwerSmsError`, so a caller never mistakes an error
for a success.

The transport is :class:`~.json_http.JsonHttpClient`'s, with the Mailchimp
client's rules: pooled session, ``(connect, read)`` timeouts, retries with
backoff on 429/5xx and connection failures (a call that changes data only when
the gateway certainly did not act on it), secrets masked in every message and
log line, errors as one sentence.
"""
import logging
from dataclasses import dataclass, field

from .json_http import (
    CodedServiceError,
    JsonHttpClient,
    ServiceConnectionError,
    ServiceRetryError,
    clean_base_url,
    redact,
)

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api2.serwersms.pl"
SYSTEM_NAME = "mailchimp_sync_odoo"  # the "system" field official clients send (client_python, …)
MAX_CONNECTIONS = 4
PAGE_LIMIT = 500  # contacts per page when listing a group

KIND_TOKEN = "token"
KIND_LOGIN = "login"
# Why credentials are unusable (:meth:`~.json_http.ServiceError.of_reason`; the Odoo layer words them).
TOKEN_EMPTY = "sms_token_empty"
TOKEN_HAS_BLANKS = "sms_token_has_blanks"
LOGIN_INCOMPLETE = "sms_login_incomplete"

# Error codes of the gateway (https://dev.serwersms.pl/en/https-api-v2/general-communications).
CODE_INVALID_ID = 1004
AUTH_ERROR_CODES = frozenset({1001, 1002, 1003, 1005, 1007})


class SerwerSmsError(CodedServiceError):
    """An error answered by SerwerSMS (HTTP 200 with an ``error`` object, or an HTTP error), or no answer.

    ``code`` and ``error_type`` are the gateway's (``1001``, ``InvalidUser``);
    ``str(error)`` is one sentence with the gateway's own message.
    """

    service = "SerwerSMS"

    def __init__(self, message=None, *, status=None, title="", detail="", code=None, error_type=""):
        self.error_type = error_type or ""
        super().__init__(message, status=status, title=title, detail=detail, code=code)

    @classmethod
    def from_body(cls, error):
        """The error of a body's ``error`` object (``{code, type, message}``)."""
        return cls(status=200, code=error.get("code"), error_type=str(error.get("type") or ""),
                   detail=str(error.get("message") or "no message"))

    @property
    def is_auth_error(self):
        """The credentials (or the API user's rights) were refused."""
        return self.code in AUTH_ERROR_CODES

    def parts(self):
        return {**super().parts(), "error_type": self.error_type}

    def code_label(self):
        return f"{self.code}, {self.error_type}" if self.error_type else str(self.code)


class SerwerSmsConfigError(SerwerSmsError):
    """The credentials or the base URL are unusable; raised before any call is made."""


class SerwerSmsConnectionError(SerwerSmsError, ServiceConnectionError):
    """SerwerSMS could not be reached, dropped the connection or did not answer in time."""


class SerwerSmsRetryError(SerwerSmsError, ServiceRetryError):
    """SerwerSMS kept answering 429/5xx (or kept failing) until the retries ran out."""


@dataclass(frozen=True)
class SmsCredentials:
    """An API token, or the user name and password of an API user; secrets never in ``repr()``."""

    kind: str
    token: str = field(default="", repr=False)
    username: str = ""
    password: str = field(default="", repr=False)
    base_url_override: str = ""

    @classmethod
    def from_token(cls, token, base_url=None):
        token = (token or "").strip()
        if not token:
            raise SerwerSmsConfigError.of_reason(TOKEN_EMPTY, "The SerwerSMS API token is empty.")
        if any(char.isspace() for char in token):
            raise SerwerSmsConfigError.of_reason(TOKEN_HAS_BLANKS, "The SerwerSMS API token has blanks in it.")
        return cls(KIND_TOKEN, token=token, base_url_override=clean_base_url(base_url, SerwerSmsConfigError))

    @classmethod
    def from_login(cls, username, password, base_url=None):
        username = (username or "").strip()
        if not username or not password:
            raise SerwerSmsConfigError.of_reason(LOGIN_INCOMPLETE,
                                                "The SerwerSMS API user needs a user name and a password.")
        return cls(KIND_LOGIN, username=username, password=password,
                   base_url_override=clean_base_url(base_url, SerwerSmsConfigError))

    @property
    def base_url(self):
        return self.base_url_override or DEFAULT_BASE_URL

    @property
    def secrets(self):
        return tuple(secret for secret in (self.token, self.password) if secret)

    @property
    def label(self):
        """How the account is named to the user: the API user, or the end of the token."""
        return self.username if self.kind == KIND_LOGIN else f"API token …{self.token[-4:]}"

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.kind == KIND_TOKEN else {}

    def body_fields(self):
        return {"username": self.username, "password": self.password} if self.kind == KIND_LOGIN else {}

    def redact(self, text):
        return redact(text, self.secrets)


class SerwerSmsClient(JsonHttpClient):
    """A SerwerSMS session for one set of :class:`SmsCredentials`.

    Keyword options are :class:`~.json_http.JsonHttpClient`'s (``timeout``,
    ``max_retries``, ``backoff_base``, ``backoff_cap``, ``sleep``).
    """

    service = "SerwerSMS"
    logger = _logger
    error_class = SerwerSmsError
    connection_error_class = SerwerSmsConnectionError
    retry_error_class = SerwerSmsRetryError

    def __init__(self, credentials, *, max_connections=MAX_CONNECTIONS, **options):
        self.credentials = credentials
        super().__init__(credentials.base_url, headers=credentials.headers(), secrets=credentials.secrets,
                         max_connections=max_connections, **options)

    def error_from_response(self, response, body):
        """An ``error`` object in the body (whatever the HTTP status), else a non-2xx status."""
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return SerwerSmsError.from_body(body["error"])
        if response.status_code < 300:
            return None
        return SerwerSmsError(status=response.status_code, detail=response.reason or f"HTTP {response.status_code}")

    def call(self, action, idempotent=False, **params):
        """``POST <action>.json`` with ``params``; returns the decoded body (a dict)."""
        body = {**params, **self.credentials.body_fields(), "system": SYSTEM_NAME}
        answer = self.request("POST", f"{action}.json", json_body=body, idempotent=idempotent)
        return answer if isinstance(answer, dict) else {}

    # ------------------------------------------------------------ account

    def limits(self):
        """The account's message limits: the cheap authenticated call that verifies credentials."""
        return self.call("account/limits", idempotent=True).get("items") or []

    # ------------------------------------------------------------ groups

    def add_group(self, name):
        """Create a group; returns its id."""
        return self.call("groups/add", name=name)["id"]

    def delete_group(self, group_id):
        return self.call("groups/delete", idempotent=True, id=group_id)

    def find_group(self, name):
        """The id of the group named exactly ``name``, or None: finds a group whose ``add_group`` answer was lost."""
        found = self.call("groups/index", idempotent=True, search=name, page=1, limit=PAGE_LIMIT).get("items") or []
        return next((group["id"] for group in found if group.get("name") == name), None)

    # ------------------------------------------------------------ contacts

    def import_contacts(self, group_name, contacts):
        """Bulk import into the group named ``group_name``: ``{success, id, correct, failed}``.

        Not idempotent: a call whose answer was lost may have been imported, so
        it is never repeated blindly (see ``mailchimp_sync.sms_groups``).
        """
        return self.call("contacts/import", group_name=group_name, contact=list(contacts))

    def add_contact(self, group_id, contact):
        """Add one contact to a group; returns its id."""
        return self.call("contacts/add", group_id=group_id, **contact)["id"]

    def edit_contact(self, contact_id, group_id, contact):
        return self.call("contacts/edit", idempotent=True, id=contact_id, group_id=group_id, **contact)

    def delete_contact(self, contact_id):
        return self.call("contacts/delete", idempotent=True, id=contact_id)

    def iter_contacts(self, group_id, search=None, limit=PAGE_LIMIT):
        """Every contact of a group, page after page (``paging.count`` pages)."""
        page = 1
        while True:
            answer = self.call("contacts/index", idempotent=True, group_id=group_id, search=search, page=page,
                               limit=limit)
            yield from answer.get("items") or []
            pages = int((answer.get("paging") or {}).get("count") or 0)
            if page >= pages:
                return
            page += 1

