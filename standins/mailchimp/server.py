"""HTTP front end: ``StandinServer`` on loopback, HTTP/1.1 keep-alive, faults, limits."""

import base64
import contextlib
import functools
import json
import logging
import signal
import socket
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

from . import errors
from .app import Api
from .batches import RESULTS_PREFIX
from .control import Control
from .faults import FaultInjector
from .messages import ApiRequest
from .store import Store

_log = logging.getLogger(__name__)
API_PREFIX = "/3.0"
CONTROL_PREFIX = "/_standin"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
DEFAULT_MAX_CONNECTIONS = 10


class LoggedRequest(NamedTuple):
    """An entry of ``StandinServer.request_log``: full URL path, query as a flat dict."""

    method: str
    path: str
    query: dict


class ServedOnLoopback:
    """Serving a stand-in's ``_httpd`` in a daemon thread, and stopping it (shared by the stand-ins).

    A subclass calls :meth:`_serve_on` at construction and sets ``thread_name``.
    """

    thread_name = "standin"

    def _serve_on(self, host, port, handler=None):
        """Bind to ``host:port`` (0: a free port) with no fault armed and an empty request log; the root URL.

        The socket is bound at once, so the URL is usable before :meth:`start`.
        """
        self.faults = FaultInjector()
        self.request_log = []
        self._httpd = _HttpServer((host, port), self, handler)
        self.port = self._httpd.server_address[1]
        self._thread = None
        return f"http://{host}:{self.port}"

    def start(self):
        """Serve in a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"{self.thread_name}-{self.port}", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self):
        """Serve in the calling thread (the CLI)."""
        self._httpd.serve_forever(poll_interval=0.2)

    def serve_until_signalled(self, banner):
        """The command line's loop: serve, print ``banner`` (tools/run reads it), stop on SIGINT or SIGTERM."""
        stopped = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopped.set())
        self.start()
        print(banner, flush=True)
        stopped.wait()
        self.stop()

    def stop(self):
        """Stop serving and close idle keep-alive connections."""
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


class StandinServer(ServedOnLoopback):
    """A local, stateful Mailchimp Marketing API v3.

    ``seed`` is None (built-in minimal account), a dict or a JSON file path
    (format in :mod:`standins.mailchimp.seed`). The socket is bound at
    construction, so ``base_url`` and ``store`` are usable before :meth:`start`.
    """

    thread_name = "mailchimp-standin"

    def __init__(self, seed=None, port=0, host="127.0.0.1", dc="us6",
                 validate_webhook_urls=True, max_connections=DEFAULT_MAX_CONNECTIONS):
        if "server" in host:
            raise ValueError("the SDK rewrites 'server' anywhere in the URL; choose another host name")
        self.max_connections = max_connections
        self._in_flight = {}
        self._peak_in_flight = {}  # credential -> most requests in flight at once, since the last reset
        self._refused = {}  # credential -> requests answered 429 for the limit, since the last reset
        self._in_flight_lock = threading.Lock()
        self.host = host
        self.root_url = self._serve_on(host, port)
        self.base_url = self.root_url + API_PREFIX
        self.store = Store(seed, dc, self.base_url, self.root_url, validate_webhook_urls)
        self.api = Api(self.store)
        self.control = Control(self)
        self._issued_codes = {}
        self.oauth_apps = {}
        self.deny_next_authorization = False

    @property
    def dc(self):
        return self.store.dc

    @property
    def api_key(self):
        return self.store.api_keys[0]

    @property
    def oauth_token(self):
        return self.store.oauth_tokens[0]

    def in_flight(self):
        """Current in-flight API requests per credential (for tests of the limit)."""
        with self._in_flight_lock:
            return dict(self._in_flight)

    def connections(self, reset=False):
        """``{in_flight, peak, refused}``, each per credential: requests in flight now, the most at once and
        those answered 429 for the limit (since the start or the last ``reset``, which zeroes the last two)."""
        with self._in_flight_lock:
            counts = {"in_flight": dict(self._in_flight), "peak": dict(self._peak_in_flight),
                      "refused": dict(self._refused)}
            if reset:
                self._peak_in_flight.clear()
                self._refused.clear()
            return counts

    # -- used by the request handler -----------------------------------------

    def authenticate(self, header):
        """Return the credential of an ``Authorization`` header or raise the 401/403."""
        if not header:
            raise errors.api_key_missing()
        scheme, _, value = header.strip().partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                raise errors.api_key_invalid() from None
            key = decoded.partition(":")[2]
            if not key:
                raise errors.api_key_missing()
            return self.store.check_api_key(key).partition("-")[0]
        if scheme in ("bearer", "oauth"):
            return self.store.check_oauth_token(value.strip())
        raise errors.api_key_invalid()

    def acquire_slot(self, credential):
        with self._in_flight_lock:
            if self._in_flight.get(credential, 0) >= self.max_connections:
                self._refused[credential] = self._refused.get(credential, 0) + 1
                return False
            self._in_flight[credential] = self._in_flight.get(credential, 0) + 1
            self._peak_in_flight[credential] = max(self._peak_in_flight.get(credential, 0),
                                                   self._in_flight[credential])
            return True

    def release_slot(self, credential):
        with self._in_flight_lock:
            self._in_flight[credential] -= 1
            if not self._in_flight[credential]:
                del self._in_flight[credential]

    def register_oauth_app(self, client_id=None, client_secret=None):
        """Register an OAuth app (as Mailchimp's "Registered apps" page does); returns ``(id, secret)``."""
        client_id = client_id or self.store.new_hex_id(12)
        client_secret = client_secret or self.store.new_hex_id(32)
        self.oauth_apps[client_id] = client_secret
        return client_id, client_secret

    def issue_oauth_code(self, client_id=None, redirect_uri=None):
        """A single-use code for the app ``client_id`` (None: any app, the demo's shortcut)."""
        code = self.store.new_hex_id(32)
        self._issued_codes[code] = (client_id, redirect_uri)
        return code

    def redeem_oauth_code(self, code, client_id=None, client_secret=None, redirect_uri=None):
        """A new access token for ``code``, or ``(error, status)`` as Mailchimp's token endpoint answers."""
        issued = self._issued_codes.get(code)
        if issued is None:
            return "invalid_grant", 400
        issued_to, issued_redirect = issued
        if issued_to is not None and (self.oauth_apps.get(issued_to) != client_secret or client_id != issued_to):
            return "invalid_client", 401
        if issued_redirect is not None and redirect_uri != issued_redirect:
            return "invalid_grant", 400
        del self._issued_codes[code]
        return self.store.add_oauth_token(), 200


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, standin, handler=None):
        self.standin = standin
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler or _Handler)

    def track(self, connection, open_):
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def handle_error(self, request, client_address):
        """Clients hanging up mid-request are normal here (drops, timeouts): log, don't print."""
        _log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_open_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "openresty"

    def setup(self):
        super().setup()
        # No Nagle on accepted sockets: a response written in more than one send()
        # on a kept-alive connection otherwise waits for the client's delayed ACK
        # (~40 ms on Linux) before its last piece leaves -- every request on a
        # requests.Session took ~43 ms (Nagle, RFC 896, meeting delayed ACKs, RFC 1122
        # 4.2.3.2). Responses are also written in one piece
        # (see _finish); either fix alone removes the stall, both keep it removed.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format, *args):
        _log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- dispatch --------------------------------------------------------------

    def _dispatch(self):
        body = self._read_body()
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        standin = self.server.standin
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            standin.request_log.append(LoggedRequest(self.command, path, query))
            self._api(standin, path[len(API_PREFIX):] or "/", query, body)
        elif path.startswith(RESULTS_PREFIX) and path.endswith(".tar.gz"):
            self._batch_results(standin, path[len(RESULTS_PREFIX):-len(".tar.gz")])
        elif path.startswith(CONTROL_PREFIX + "/"):
            self._control(standin, path[len(CONTROL_PREFIX):], body)
        elif path.startswith("/oauth2/"):
            standin.request_log.append(LoggedRequest(self.command, path, query))
            self._oauth(standin, path, query, body)
        else:
            self._send_problem(errors.not_found())

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _api(self, standin, path, query, body):
        try:
            credential = standin.authenticate(self.headers.get("Authorization"))
        except errors.ApiError as problem:
            self._send_problem(problem)
            return
        if not standin.acquire_slot(credential):
            self._send_problem(errors.too_many_connections(standin.max_connections))
            return
        try:
            reply = self._api_reply(standin, path, query, body)
        finally:
            # Free the slot before the client sees the answer: a client that
            # starts its next request on receipt must not be counted twice.
            standin.release_slot(credential)
        reply()

    def _api_reply(self, standin, path, query, body):
        """Compute the answer (faults first); return a callable that sends it."""
        fault = standin.faults.take(self.command, API_PREFIX + path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                return self._drop_connection
            if fault.status:
                return functools.partial(self._send_problem, _fault_problem(fault))
        request = ApiRequest(self.command, path, query, body, dict(self.headers))
        try:
            response = standin.api.handle(request)
        except errors.ApiError as problem:
            return functools.partial(self._send_problem, problem)
        except Exception:  # noqa: BLE001 - any bug must still answer like Mailchimp's 500
            _log.exception("stand-in failed on %s %s", self.command, self.path)
            return functools.partial(self._send_problem, errors.ApiError(500, *errors.FAULT_TITLES[500]))
        return functools.partial(self._send_json, response.status, response.payload, response.headers)

    def _control(self, standin, path, raw_body):
        try:
            text = raw_body.decode("utf-8").strip()
            body = json.loads(text) if text else {}
        except ValueError:
            self._send_problem(errors.json_parse_error())
            return
        try:
            status, payload = standin.control.handle(self.command, path, body)
        except errors.ApiError as problem:
            self._send_problem(problem)
            return
        except Exception as failure:  # noqa: BLE001 - report bad control input over HTTP
            _log.exception("control route %s failed", path)
            self._send_problem(errors.ApiError(500, "Internal Server Error", repr(failure)))
            return
        self._send_json(status, payload)

    def _batch_results(self, standin, batch_id):
        try:
            archive = standin.api.batches.results_archive(batch_id)
        except errors.ApiError as problem:
            self._send_problem(problem)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-gzip")
        self._finish(archive, None)

    def _oauth(self, standin, path, query, raw_body):
        """Just enough of login.mailchimp.com: authorize redirect, token, metadata."""
        route = path.rstrip("/")
        if route == "/oauth2/metadata":
            scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
            if scheme.lower() in ("oauth", "bearer") and token.strip() in standin.store.oauth_tokens:
                self._send_json(200, standin.store.oauth_metadata())
            else:
                self._send_json(401, {"error": "invalid_token"})
        elif route == "/oauth2/authorize":
            self._oauth_authorize(standin, query)
        elif route == "/oauth2/token" and self.command == "POST":
            form = dict(urllib.parse.parse_qsl(raw_body.decode("utf-8", "replace")))
            token, status = standin.redeem_oauth_code(form.get("code", ""), form.get("client_id"),
                                                      form.get("client_secret"), form.get("redirect_uri"))
            if status != 200:
                self._send_json(status, {"error": token})
            else:
                self._send_json(200, {"access_token": token, "expires_in": 0, "scope": None})
        else:
            self._send_problem(errors.not_found())

    def _oauth_authorize(self, standin, query):
        """The user logged in and pressed "Allow" (or "Deny" after ``/_standin/oauth/deny``): back to the app."""
        client_id = query.get("client_id", "")
        target = query.get("redirect_uri", "")
        if standin.oauth_apps and client_id not in standin.oauth_apps:
            self._send_json(400, {"error": "invalid_client", "error_description": "Unknown client_id."})
            return
        if standin.deny_next_authorization:
            standin.deny_next_authorization = False
            params = {"error": "access_denied"}
        else:
            params = {"code": standin.issue_oauth_code(client_id if standin.oauth_apps else None, target)}
        if "state" in query:
            params["state"] = query["state"]
        separator = "&" if "?" in target else "?"
        self._send_json(302, None, {"Location": target + separator + urllib.parse.urlencode(params)})

    # -- writing ---------------------------------------------------------------

    def _answer_fault(self, fault, error_document):
        """Play an armed fault in the API's place: its delay, then a dropped connection or its error status.

        ``error_document(status, message)`` is the service's error body. False when the fault only
        delayed the call (the API answers it after all). Used by the SerwerSMS and Campaign Monitor
        stand-ins; the Mailchimp API path frees its connection slot before answering (:meth:`_api_reply`).
        """
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            self._drop_connection()
            return True
        if fault.status:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
            self._send_json(fault.status, error_document(fault.status, fault.detail or HTTPStatus(fault.status).phrase),
                            headers)
            return True
        return False

    def _send_json(self, status, payload, headers=None):
        body = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self._finish(body, headers)

    def _send_problem(self, problem):
        body = json.dumps(problem.to_problem()).encode("utf-8")
        self.send_response(problem.status)
        self.send_header("Content-Type", errors.PROBLEM_CONTENT_TYPE)
        self.send_header("Link", errors.PROBLEM_LINK_HEADER)
        self._finish(body, problem.headers)

    def _finish(self, body, headers):
        """Status line, headers and body in ONE write (one send() on the socket).

        ``end_headers()`` followed by ``wfile.write(body)`` sends two segments; with
        Nagle on, the second waits for the ACK of the first, which the client delays
        (Nagle meeting delayed ACKs: ~43 ms per kept-alive request). This mirrors
        ``end_headers``/``flush_headers`` of :class:`BaseHTTPRequestHandler`, which
        keeps the pending header lines in ``_headers_buffer``.
        """
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head + body if self.command != "HEAD" else head)

    def _drop_connection(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _fault_problem(fault):
    title, detail = errors.FAULT_TITLES.get(fault.status, (None, None))
    try:
        default_title = HTTPStatus(fault.status).phrase
    except ValueError:
        default_title = "Error"
    headers = {}
    if fault.retry_after is not None:
        retry_after = fault.retry_after
        headers["Retry-After"] = str(int(retry_after) if float(retry_after).is_integer() else retry_after)
    return errors.ApiError(fault.status, fault.title or title or default_title,
                           fault.detail or detail or default_title, headers=headers)
