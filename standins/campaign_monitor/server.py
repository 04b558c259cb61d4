"""HTTP front end of the Campaign Monitor stand-in: ``/api/v3.3/...`` on loopback, faults, control routes.

The Mailchimp stand-in's server and handler pieces (keep-alive, no Nagle, one
write per answer, dropped connections, loopback serving) with Campaign
Monitor's routes, Basic authentication with the API key as user name, and
its error documents ``{"Code", "Message"}``.
"""
import base64
import binascii
import json
import urllib.parse

from ..mailchimp.server import LoggedRequest, ServedOnLoopback
from ..mailchimp.server import _Handler as MailchimpHandler
from .demo import seed_demo
from .store import ApiError, Store, invalid_key

API_PREFIX = "/api/v3.3"
CONTROL_PREFIX = "/_standin"


class CampaignMonitorStandinServer(ServedOnLoopback):
    """A local, stateful Campaign Monitor API (``base_url`` is what the account's base URL override takes)."""

    thread_name = "campaign-monitor-standin"

    def __init__(self, port=0, host="127.0.0.1", demo=False):
        self.store = Store()
        if demo:
            seed_demo(self.store)
        self.root_url = self._serve_on(host, port, _Handler)
        self.base_url = f"{self.root_url}{API_PREFIX}"

    @property
    def api_key(self):
        return self.store.api_keys[0]

    @property
    def client_id(self):
        return self.store.client_id

    def reset(self):
        """Back to an empty client (same key and client ID), no faults, no log: a test's fresh start."""
        self.store = Store(api_keys=list(self.store.api_keys))
        self.faults.clear()
        self.request_log.clear()

    def calls(self, method=None, path_contains=""):
        return [call for call in list(self.request_log)
                if (method is None or call.method == method) and path_contains in call.path]

    def control(self, method, path, body):
        """``/_standin/...``: ``(status, payload)``."""
        if (method, path) == ("GET", "/state"):
            return 200, self.store.snapshot()
        if (method, path) == ("POST", "/faults"):
            self.faults.add(**body)
            return 200, {"faults": [fault.as_dict() for fault in self.faults.pending]}
        if (method, path) == ("DELETE", "/faults"):
            self.faults.clear()
            return 200, {"faults": []}
        if (method, path) == ("POST", "/subscribers"):
            self.store.put_subscriber(body["list_id"], body["email"], body.get("state", "Active"),
                                      history=body.get("history") or ())
            return 200, self.store.snapshot()
        return 404, {"Code": 404, "Message": "unknown control route"}


class _Handler(MailchimpHandler):
    """The Mailchimp stand-in's handler with Campaign Monitor's routes."""

    def _dispatch(self):
        raw = self._read_body()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        standin = self.server.standin
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except ValueError:
            self._send_json(400, {"Code": 400, "Message": "Failed to deserialize your request."})
            return
        if url.path.startswith(CONTROL_PREFIX + "/"):
            self._send_json(*standin.control(self.command, url.path[len(CONTROL_PREFIX):], body or {}))
            return
        if not url.path.startswith(API_PREFIX + "/"):
            self._send_json(404, {"Code": 404, "Message": "Not found"})
            return
        standin.request_log.append(LoggedRequest(self.command, url.path, query))
        fault = standin.faults.take(self.command, self.path)  # with the query: a fault can aim at one address
        if fault is not None and self._answer_fault(fault, _error_document):
            return
        try:
            standin.store.authenticate(self._api_key())
            status, payload = standin.store.handle(self.command, url.path[len(API_PREFIX):], query, body)
        except ApiError as error:
            status, payload = error.status, error.as_body()
        self._send_json(status, payload)

    def _api_key(self):
        """The Basic user name (Campaign Monitor's API key); a missing or unreadable header is refused."""
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            raise invalid_key()
        try:
            user, _, _password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise invalid_key() from None
        return user


def _error_document(status, message):
    """Campaign Monitor's error body."""
    return {"Code": status, "Message": message}
