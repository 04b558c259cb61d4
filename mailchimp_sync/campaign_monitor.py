"""The one Campaign Monitor client of the add-on (API v3.3), with its credentials and errors.

Authentication is HTTP Basic with the **API key as user name** and any
password (``"<key>:x"``, as the official ``createsend`` library sends it); a
company's account also names its **client ID** (Account settings → API keys).
Errors come as ``{"Code": …, "Message": …}`` with a 4xx/5xx status
(api-facts, part 3): :class:`CampaignMonitorError` carries both and reads as
one sentence with Campaign Monitor's own message.

The transport is :class:`~.json_http.JsonHttpClient`'s, as for Mailchimp and
SerwerSMS: pooled session, ``(connect, read)`` timeouts, retries with backoff
on 429/5xx and connection failures (a call that changes data only when it is
safe to repeat), the key masked in every message and log line. The official
``createsend`` library is not used: it has no timeouts or retries of its own,
and it would be a second HTTP stack with its own error types to translate.
"""
import logging
from dataclasses import dataclass, field

from .json_http import (
    CodedServiceError,
    JsonHttpClient,
    ServiceConnectionError,
    ServiceRetryError,
    clean_base_url,
)

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.createsend.com/api/v3.3"
MAX_CONNECTIONS = 4

STATE_ACTIVE = "Active"
STATE_UNSUBSCRIBED = "Unsubscribed"
STATE_UNCONFIRMED = "Unconfirmed"
STATE_BOUNCED = "Bounced"
STATE_DELETED = "Deleted"
# Who left (or was removed from) a list is added back only with ``Resubscribe``.
INACTIVE_STATES = frozenset({STATE_UNSUBSCRIBED, STATE_DELETED})
CONSENT_UNCHANGED = "Unchanged"
# Why credentials are unusable (:meth:`~.json_http.ServiceError.of_reason`; the Odoo layer words them).
API_KEY_EMPTY = "cm_api_key_empty"
CLIENT_ID_EMPTY = "cm_client_id_empty"
KEY_HAS_BLANKS = "cm_key_has_blanks"
# "Subscriber not in list or has already been removed."
CODE_NOT_IN_LIST = 203


class CampaignMonitorError(CodedServiceError):
    """An error answered by Campaign Monitor (``{"Code", "Message"}``), or no answer at all.

    ``code`` is Campaign Monitor's code (e.g. 50 "Must supply a valid HTTP Basic
    Authorization header", 203 "Subscriber not in list"), None when it gave none.
    """

    service = "Campaign Monitor"

    @classmethod
    def from_body(cls, status, body, fallback_text=""):
        body = body if isinstance(body, dict) else {}
        return cls(status=status, code=body.get("Code"),
                   detail=str(body.get("Message") or fallback_text or f"HTTP {status}"))


class CampaignMonitorConfigError(CampaignMonitorError):
    """The key, client ID or base URL are unusable; raised before any call is made."""


class CampaignMonitorConnectionError(CampaignMonitorError, ServiceConnectionError):
    """Campaign Monitor could not be reached, dropped the connection or did not answer in time."""


class CampaignMonitorRetryError(CampaignMonitorError, ServiceRetryError):
    """Campaign Monitor kept answering 429/5xx (or kept failing) until the retries ran out."""


@dataclass(frozen=True)
class CampaignMonitorCredentials:
    """An API key and the client it works for; the key never in ``repr()``."""

    api_key: str = field(repr=False)
    client_id: str
    base_url_override: str = ""

    @classmethod
    def from_key(cls, api_key, client_id, base_url=None):
        api_key, client_id = (api_key or "").strip(), (client_id or "").strip()
        if not api_key:
            raise CampaignMonitorConfigError.of_reason(API_KEY_EMPTY, "The Campaign Monitor API key is empty.")
        if not client_id:
            raise CampaignMonitorConfigError.of_reason(CLIENT_ID_EMPTY, "The Campaign Monitor client ID is empty.")
        if any(char.isspace() for char in api_key + client_id) or "/" in client_id:
            raise CampaignMonitorConfigError.of_reason(
                KEY_HAS_BLANKS, "The Campaign Monitor API key or client ID has blanks or slashes in it.")
        return cls(api_key, client_id, clean_base_url(base_url, CampaignMonitorConfigError))

    @property
    def base_url(self):
        return self.base_url_override or DEFAULT_BASE_URL


class CampaignMonitorClient(JsonHttpClient):
    """A Campaign Monitor session for one :class:`CampaignMonitorCredentials`.

    Keyword options are :class:`~.json_http.JsonHttpClient`'s (``timeout``,
    ``max_retries``, ``backoff_base``, ``backoff_cap``, ``sleep``); every
    reading method also takes ``max_retries`` (a screen waits for the answer).
    """

    service = "Campaign Monitor"
    logger = _logger
    error_class = CampaignMonitorError
    connection_error_class = CampaignMonitorConnectionError
    retry_error_class = CampaignMonitorRetryError

    def __init__(self, credentials, *, max_connections=MAX_CONNECTIONS, **options):
        self.credentials = credentials
        super().__init__(credentials.base_url, auth=(credentials.api_key, "x"), secrets=(credentials.api_key,),
                         max_connections=max_connections, **options)

    def error_from_response(self, response, body):
        if response.status_code < 300:
            return None
        return CampaignMonitorError.from_body(response.status_code, body, response.reason)

    @property
    def client_id(self):
        return self.credentials.client_id

    # ------------------------------------------------------------ client and lists

    def client_details(self, max_retries=None):
        """``GET /clients/{id}.json``: the call that verifies the key and the client ID together."""
        return self.request("GET", f"clients/{self.client_id}.json", max_retries=max_retries) or {}

    def client_name(self, max_retries=None):
        details = self.client_details(max_retries=max_retries)
        basic = details.get("BasicDetails") or {}
        return str(basic.get("CompanyName") or basic.get("ClientID") or self.client_id)

    def lists(self, max_retries=None):
        """The client's lists: ``[{"ListID", "Name"}]``."""
        return self.request("GET", f"clients/{self.client_id}/lists.json", max_retries=max_retries) or []

    def lists_for_email(self, email, max_retries=None):
        """The lists that have ``email``, with its state: ``[{"ListID", "ListName", "SubscriberState", …}]``."""
        return self.request("GET", f"clients/{self.client_id}/listsforemail.json", params={"email": email},
                            max_retries=max_retries) or []

    # ------------------------------------------------------------ subscribers

    def subscriber(self, list_id, email, max_retries=None):
        """The subscriber's details (``EmailAddress, Name, Date, State, CustomFields…``)."""
        return self.request("GET", f"subscribers/{list_id}.json",
                            params={"email": email, "includetrackingpreference": "true"},
                            max_retries=max_retries) or {}

    def history(self, list_id, email, max_retries=None):
        """The campaigns the subscriber got from the list, newest first: ``[{ID, Type, Name, Actions[…]}]``."""
        return self.request("GET", f"subscribers/{list_id}/history.json", params={"email": email},
                            max_retries=max_retries) or []

    def add_subscriber(self, list_id, email, name="", resubscribe=False):
        """Add (or update) ``email``; ``resubscribe`` brings back who unsubscribed or was deleted.

        Tracking consent is left as it is (``ConsentToTrack: Unchanged``); an upsert,
        so repeating it is harmless.
        """
        body = {"EmailAddress": email, "Name": name or "", "CustomFields": [], "Resubscribe": bool(resubscribe),
                "RestartSubscriptionBasedAutoresponders": False, "ConsentToTrack": CONSENT_UNCHANGED}
        return self.request("POST", f"subscribers/{list_id}.json", json_body=body, idempotent=True)

    def unsubscribe(self, list_id, email):
        return self.request("POST", f"subscribers/{list_id}/unsubscribe.json", json_body={"EmailAddress": email},
                            idempotent=True)

    def delete_subscriber(self, list_id, email):
        """``DELETE /subscribers/{listid}.json?email=``: the subscriber's state becomes ``Deleted``.

        Idempotent (deleting again leaves it deleted); an address the list does not have
        is refused with code :data:`CODE_NOT_IN_LIST`.
        """
        return self.request("DELETE", f"subscribers/{list_id}.json", params={"email": email}, idempotent=True)
