"""HTTP front end of the SerwerSMS stand-in: ``POST /<action>.json`` on loopback, faults, control routes.

Errors come as the gateway sends them: HTTP 200 with ``{"error": {code, type,
message}}``. HTTP-level faults (5xx, 429, delays, dropped connections) are
armed with :attr:`SmsStandinServer.faults` (the Mailchimp stand-in's injector);
gateway errors with :meth:`Store.arm_error`.
"""
import json
import urllib.parse
from typing import NamedTuple

from ..mailchimp.server import ServedOnLoopback
from ..mailchimp.server import _Handler as MailchimpHandler
from .store import GatewayError, Store

CONTROL_PREFIX = "/_standin"
SECRET_FIELDS = ("username", "password")


class LoggedCall(NamedTuple):
    """An entry of ``SmsStandinServer.request_log``: the action and its body without credentials."""

    action: str
    body: dict


class SmsStandinServer(ServedOnLoopback):
    """A local, stateful SerwerSMS HTTPS API v2 (``base_url`` is what the client's base URL override takes)."""

    thread_name = "serwersms-standin"

    def __init__(self, port=0, host="127.0.0.1"):
        self.store = Store()
        self.lost_answers = {}  # action -> how many answers to lose after acting
        self.base_url = self._serve_on(host, port, _Handler)

    @property
    def token(self):
        return self.store.tokens[0]

    @property
    def user(self):
        """``(user name, password)`` of the API user."""
        return next(iter(self.store.users.items()))

    def reset(self):
        """Back to an empty account (same credentials), no faults, no log: a test's fresh start."""
        self.store = Store(tokens=list(self.store.tokens), users=dict(self.store.users))
        self.faults.clear()
        self.lost_answers.clear()
        self.request_log.clear()

    def lose_answer(self, action, times=1):
        """Carry out the next ``times`` calls of ``action``, then drop the connection instead of answering.

        What a timeout or a network failure after the gateway acted looks like to a client.
        """
        self.lost_answers[action] = self.lost_answers.get(action, 0) + times

    def _take_lost_answer(self, action):
        with self.store.lock:
            if self.lost_answers.get(action):
                self.lost_answers[action] -= 1
                return True
            return False

    def calls(self, action=None):
        """The logged calls, of ``action`` only when given."""
        return [call for call in list(self.request_log) if action is None or call.action == action]

    def control(self, method, path, body):
        """``/_standin/...``: ``(status, payload)``."""
        if (method, path) == ("GET", "/state"):
            return 200, self.store.snapshot()
        if (method, path) == ("GET", "/requests"):
            return 200, {"requests": [call._asdict() for call in self.calls()]}
        if (method, path) == ("POST", "/faults"):
            self.faults.add(**body)
            return 200, {"faults": self.faults.pending}
        if (method, path) == ("DELETE", "/faults"):
            self.faults.clear()
            with self.store.lock:
                self.store.armed.clear()
                self.lost_answers.clear()
            return 200, {"faults": []}
        if (method, path) == ("POST", "/errors"):
            self.store.arm_error(**body)
            return 200, {"armed": len(self.store.armed)}
        if (method, path) == ("POST", "/blacklist"):
            with self.store.lock:
                self.store.blacklist.update(body.get("phones") or [])
            return 200, {"blacklist": sorted(self.store.blacklist)}
        return 404, {"error": "unknown control route"}


class _Handler(MailchimpHandler):
    """The Mailchimp stand-in's handler (keep-alive, no Nagle, one write per answer, drops), SerwerSMS's routes."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        standin = self.server.standin
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except ValueError:
            body = None
        if path.startswith(CONTROL_PREFIX + "/"):
            status, payload = standin.control(self.command, path[len(CONTROL_PREFIX):], body or {})
            self._send_json(status, payload)
            return
        if not path.endswith(".json"):
            self._send_json(200, GatewayError(1000).as_body())
            return
        action = path.strip("/")[:-len(".json")]
        standin.request_log.append(LoggedCall(action, {key: value for key, value in (body or {}).items()
                                                        if key not in SECRET_FIELDS}))
        fault = standin.faults.take("POST", path)
        if fault is not None and self._answer_fault(fault, lambda _status, message: {"message": message}):
            return
        if not isinstance(body, dict):
            self._send_json(200, GatewayError(1006, "Incorrect data format", "InvalidData").as_body())
            return
        try:
            payload = standin.store.handle(action, body, self.headers.get("Authorization"))
        except GatewayError as error:
            payload = error.as_body()
        if standin._take_lost_answer(action):
            self._drop_connection()
            return
        self._send_json(200, payload)

    do_GET = do_DELETE = do_POST

