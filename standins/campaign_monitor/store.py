"""The state of the Campaign Monitor stand-in: one client, its lists, subscribers and their histories.

Answers as API v3.3 does (api-facts, part 3): documents on success,
:class:`ApiError` (sent as ``{"Code", "Message"}`` with its HTTP status) on
failure. Thread-safe: one lock around every call.
"""
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

DEFAULT_API_KEY = "standin-campaign-monitor-key-0123456789"
DEFAULT_CLIENT_ID = "4a397ccaaa55eb4e6aa1221e1e2d7122"
DEFAULT_CLIENT_NAME = "Demo Newsletters"
STATES = ("Active", "Unsubscribed", "Unconfirmed", "Bounced", "Deleted")
INACTIVE = ("Unsubscribed", "Deleted", "Bounced")


class ApiError(Exception):
    """An error answered with ``status`` and ``{"Code": code, "Message": message}``."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def as_body(self):
        return {"Code": self.code, "Message": self.message}


def invalid_key():
    return ApiError(401, 100, "Invalid API Key")


def invalid_client():
    return ApiError(400, 102, "Invalid ClientID")


def invalid_list():
    return ApiError(400, 101, "Invalid ListID")


def not_in_list():
    return ApiError(400, 203, "Subscriber not in list or has already been removed.")


def invalid_email():
    return ApiError(400, 1, "Invalid Email Address")


@dataclass
class Subscriber:
    email: str
    name: str = ""
    state: str = "Active"
    date: str = ""
    consent_to_track: str = "Unchanged"
    history: list = field(default_factory=list)  # [{ID, Type, Name, Actions[{Event, Date, IPAddress, Detail}]}]

    def details(self):
        return {"EmailAddress": self.email, "Name": self.name, "Date": self.date, "ListJoinedDate": self.date,
                "State": self.state, "CustomFields": [], "ReadsEmailWith": "",
                "ConsentToTrack": self.consent_to_track}


@dataclass
class MailingList:
    list_id: str
    name: str
    confirmed_opt_in: bool = False
    subscribers: dict = field(default_factory=dict)  # lower-cased email -> Subscriber


@dataclass
class Store:
    api_keys: list = field(default_factory=lambda: [DEFAULT_API_KEY])
    client_id: str = DEFAULT_CLIENT_ID
    client_name: str = DEFAULT_CLIENT_NAME
    lists: dict = field(default_factory=dict)  # list id -> MailingList
    lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------ set-up (tests, demo)

    def add_list(self, list_id, name, confirmed_opt_in=False):
        with self.lock:
            self.lists[list_id] = MailingList(list_id, name, confirmed_opt_in)
            return self.lists[list_id]

    def put_subscriber(self, list_id, email, state="Active", name="", history=()):
        """Place ``email`` in a list in any of the five states, with its campaign history (newest first)."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        with self.lock:
            subscriber = Subscriber(email, name, state, _now(), history=[dict(entry) for entry in history])
            self.lists[list_id].subscribers[email.lower()] = subscriber
            return subscriber

    def snapshot(self):
        with self.lock:
            return {"client": {"ClientID": self.client_id, "CompanyName": self.client_name},
                    "lists": {list_id: {"Name": item.name, "subscribers": {
                        key: subscriber.details() for key, subscriber in item.subscribers.items()}}
                              for list_id, item in self.lists.items()}}

    # ------------------------------------------------------------ the API

    def authenticate(self, username):
        if username not in self.api_keys:
            raise invalid_key()

    def handle(self, method, path, query, body):
        """``(status, document)`` of an API call, ``path`` without the ``/api/v3.3`` prefix."""
        parts = path.strip("/").removesuffix(".json").split("/")
        with self.lock:
            if parts[0] == "clients" and len(parts) >= 2:
                return self._client_call(method, parts[1], parts[2:], query)
            if parts[0] == "subscribers" and len(parts) >= 2:
                return self._subscriber_call(method, self._list(parts[1]), parts[2:], query, body)
        raise ApiError(404, 404, "Not found")

    def _client_call(self, method, client_id, rest, query):
        if client_id != self.client_id:
            raise invalid_client()
        if method == "GET" and not rest:
            return 200, {"ApiKey": None, "BasicDetails": {"ClientID": self.client_id, "CompanyName": self.client_name,
                                                          "ContactName": "", "EmailAddress": "",
                                                          "Country": "Poland", "TimeZone": "(GMT+01:00) Warsaw"}}
        if method == "GET" and rest == ["lists"]:
            return 200, [{"ListID": item.list_id, "Name": item.name} for item in self.lists.values()]
        if method == "GET" and rest == ["listsforemail"]:
            email = _valid_email(query.get("email"))
            return 200, [{"ListID": item.list_id, "ListName": item.name,
                          "SubscriberState": item.subscribers[email.lower()].state,
                          "DateSubscriberAdded": item.subscribers[email.lower()].date}
                         for item in self.lists.values() if email.lower() in item.subscribers]
        raise ApiError(404, 404, "Not found")

    def _subscriber_call(self, method, mailing_list, rest, query, body):
        if method == "GET" and not rest:
            return 200, self._subscriber(mailing_list, query.get("email")).details()
        if method == "GET" and rest == ["history"]:
            return 200, self._subscriber(mailing_list, query.get("email")).history
        if method == "POST" and not rest:
            return 201, self._add(mailing_list, body)
        if method == "POST" and rest == ["unsubscribe"]:
            subscriber = self._subscriber(mailing_list, (body or {}).get("EmailAddress"))
            subscriber.state = "Unsubscribed"
            return 200, None
        if method == "DELETE" and not rest:
            self._subscriber(mailing_list, query.get("email")).state = "Deleted"
            return 200, None
        raise ApiError(404, 404, "Not found")

    def _add(self, mailing_list, body):
        """Add or update; who left (unsubscribed, deleted, bounced) comes back only with ``Resubscribe``."""
        body = body if isinstance(body, dict) else {}
        email = _valid_email(body.get("EmailAddress"))
        consent = body.get("ConsentToTrack")
        if consent not in ("Yes", "No", "Unchanged"):
            raise ApiError(400, 1, "ConsentToTrack must be Yes, No or Unchanged")
        subscriber = mailing_list.subscribers.get(email.lower())
        new_state = "Unconfirmed" if mailing_list.confirmed_opt_in else "Active"
        if subscriber is None:
            subscriber = Subscriber(email, str(body.get("Name") or ""), new_state, _now())
            mailing_list.subscribers[email.lower()] = subscriber
        elif subscriber.state in INACTIVE and body.get("Resubscribe") is True:
            subscriber.state, subscriber.date = new_state, _now()
        subscriber.name = str(body.get("Name") or subscriber.name)
        if consent != "Unchanged":
            subscriber.consent_to_track = consent
        return subscriber.email

    def _list(self, list_id):
        if list_id not in self.lists:
            raise invalid_list()
        return self.lists[list_id]

    def _subscriber(self, mailing_list, email):
        subscriber = mailing_list.subscribers.get(_valid_email(email).lower())
        if subscriber is None:
            raise not_in_list()
        return subscriber


def _valid_email(email):
    email = str(email or "").strip()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise invalid_email()
    return email


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
