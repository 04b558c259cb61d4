"""Mailchimp credentials: an API key, or an OAuth access token with its data centre.

An API key looks like ``<32 hex>-<dc>`` (e.g. ``…-us6``); the data centre picks
the host ``https://<dc>.api.mailchimp.com/3.0``. The secret never shows in
``repr()``, in error messages or in logs.
"""
import re
from dataclasses import dataclass, field

from .errors import MailchimpConfigError
from .json_http import clean_base_url, redact

API_KEY_RE = re.compile(r"^(?P<secret>[0-9a-f]{32})-(?P<dc>[a-z]{2,4}[0-9]{1,3})$")
DC_RE = re.compile(r"^[a-z]{2,4}[0-9]{1,3}$")
API_KEY_FORM = "32 hexadecimal characters, a dash and the data centre, like 5f3e…9a1c-us6"
API_HOST_TEMPLATE = "https://{dc}.api.mailchimp.com/3.0"
# Why credentials are unusable (:meth:`~.json_http.ServiceError.of_reason`; the Odoo layer words them).
API_KEY_MISSING = "api_key_missing"
API_KEY_MALFORMED = "api_key_malformed"
TOKEN_EMPTY = "oauth_token_empty"
DC_MALFORMED = "oauth_dc_malformed"


@dataclass(frozen=True)
class Credentials:
    """What the client needs to authenticate: kind, secret, data centre, base URL."""

    kind: str
    secret: str = field(repr=False)
    dc: str
    base_url_override: str = ""

    @classmethod
    def from_api_key(cls, api_key, base_url=None):
        """Parse an API key; raise :class:`MailchimpConfigError` if it is malformed."""
        api_key = (api_key or "").strip()
        if not api_key:
            raise MailchimpConfigError.of_reason(API_KEY_MISSING,
                                                f"The Mailchimp API key is missing: expected {API_KEY_FORM}.")
        match = API_KEY_RE.match(api_key)
        if not match:
            raise MailchimpConfigError.of_reason(API_KEY_MALFORMED,
                                                f"The Mailchimp API key is malformed: expected {API_KEY_FORM}.")
        return cls("api_key", match.group(0), match.group("dc"), clean_base_url(base_url, MailchimpConfigError))

    @classmethod
    def from_oauth(cls, access_token, dc, base_url=None):
        """OAuth access tokens carry no data centre: the caller gives it (``dc`` of Mailchimp's OAuth metadata)."""
        token = (access_token or "").strip()
        if not token:
            raise MailchimpConfigError.of_reason(TOKEN_EMPTY, "The Mailchimp OAuth access token is empty.")
        dc = (dc or "").strip()
        if not DC_RE.match(dc):
            raise MailchimpConfigError.of_reason(
                DC_MALFORMED, "The Mailchimp data centre of the OAuth token is malformed: expected e.g. us6.")
        return cls("oauth", token, dc, clean_base_url(base_url, MailchimpConfigError))

    @property
    def base_url(self):
        return self.base_url_override or API_HOST_TEMPLATE.format(dc=self.dc)

    def auth_headers(self):
        if self.kind == "oauth":
            return {"Authorization": f"Bearer {self.secret}"}
        return {}

    def basic_auth(self):
        """HTTP Basic pair for API keys (any user name; the key is the password)."""
        return ("mailchimp_sync", self.secret) if self.kind == "api_key" else None

    @property
    def secrets(self):
        """What must never be shown: the secret and, for an API key, its part before the data centre."""
        if self.kind == "api_key":
            return (self.secret, self.secret.split("-")[0])
        return (self.secret,)

    def redact(self, text):
        """``text`` with the secret (or any part of the key) replaced by ``***``."""
        return redact(text, self.secrets)

