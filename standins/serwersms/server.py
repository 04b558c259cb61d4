"""HTTP front end of the SerwerSMS stand-in: ``POST /<action>.json`` on loopback, faults, control routes.

Errors come as the gateway sends them: HTTP 200 with ``{"error": {code, type,
message}}``. HTTP-level faults (5xx, 429, delays, dropped connections) are
armed with :attr:`SmsStandinServer.faults` (the Mailchimp stand-in's injector);
gateway errors with :meth:`Store.arm_error`.
"""
import contextlib
import json
import logging
import socket
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

from ..mailchimp.faults import FaultInjector
from .store import GatewayError, Store

_log = logging.getLogger(__name__)
CONTROL_PREFIX = "/_standin"
SECRET_FIELDS = ("username", "password")


class LoggedCall(NamedTuple):
    """An entry of ``SmsStandinServer.request_log``: the action and its body without credentials."""

    action: str
    body: dict


class SmsStandinServer:
    """A local, stateful SerwerSMS HTTPS API v2 (``base_url`` is what the client's base URL override takes)."""

    def __init__(self, port=0, host="127.0.0.1"):
        self.store = Store()
        self.faults = FaultInjector()
        self.request_log = []
        self.lost_answers = {}  # action -> how many answers to lose after acting
        self._httpd = _HttpServer((host, port), self)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = None

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

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"serwersms-standin-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.close_open_connections()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

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


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, standin):
        self.standin = standin
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection, open_):
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def handle_error(self, request, client_address):
        _log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_open_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format, *args):
        _log.debug("%s - %s", self.address_string(), format % args)

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
            self._send(status, payload)
            return
        if not path.endswith(".json"):
            self._send(200, GatewayError(1000).as_body())
            return
        action = path.strip("/")[:-len(".json")]
        standin.request_log.append(LoggedCall(action, {key: value for key, value in (body or {}).items()
                                                        if key not in SECRET_FIELDS}))
        fault = standin.faults.take("POST", path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                self._drop()
                return
            if fault.status:
                self._send(fault.status, {"message": fault.detail or HTTPStatus(fault.status).phrase},
                           {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None)
                return
        if not isinstance(body, dict):
            self._send(200, GatewayError(1006, "Incorrect data format", "InvalidData").as_body())
            return
        try:
            payload = standin.store.handle(action, body, self.headers.get("Authorization"))
        except GatewayError as error:
            payload = error.as_body()
        if standin._take_lost_answer(action):
            self._drop()
            return
        self._send(200, payload)

    do_GET = do_DELETE = do_POST

    def _send(self, status, payload, headers=None):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head + data)  # one write: no Nagle stall on kept-alive connections

    def _drop(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
