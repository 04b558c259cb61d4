"""The JSON-over-HTTP helper on its own: backoff, retry rules, secrets, messages, plug-in hooks.

A service whose errors arrive as HTTP 200 with ``{"error": {...}}`` (as the SMS
gateway's do) is played by a scripted loopback server; the Mailchimp stand-in
provides dropped connections.
"""
import email.utils
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import urllib3

from mailchimp_sync.json_http import (
    UNREACHABLE,
    JsonHttpClient,
    ServiceError,
    backoff_delay,
    made_no_connection,
    may_retry_after_exception,
    parse_retry_after,
)

TOKEN = "sms-t0ken-5ecret"


class GatewayError(ServiceError):
    service = "Gateway"

    def __init__(self, message=None, *, code=None, **parts):
        self.code = code
        super().__init__(message, **parts)

    def parts(self):
        return {**super().parts(), "code": self.code}


class GatewayConnectionError(GatewayError):
    pass


class GatewayRetryError(GatewayError):
    pass


class GatewayClient(JsonHttpClient):
    """How a client of an API that answers errors with HTTP 200 plugs into the helper."""

    service = "Gateway"
    error_class = GatewayError
    connection_error_class = GatewayConnectionError
    retry_error_class = GatewayRetryError

    def error_from_response(self, response, body):
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            return GatewayError(status=response.status_code, code=error.get("code"),
                                title=error.get("type") or "", detail=error.get("message") or "")
        return super().error_from_response(response, body)


class ScriptedServer:
    """Loopback HTTP server answering each request with the next scripted ``(status, headers, body)``."""

    def __init__(self):
        self.script = []
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append((self.command, self.path, self.rfile.read(length)))
                status, headers, body = server.script.pop(0) if server.script else (200, {}, {})
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def scripted_server():
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def gateway(scripted_server, sleeps):
    scripted_server.script.clear()
    scripted_server.requests.clear()
    client = GatewayClient(scripted_server.url, headers={"Authorization": f"Bearer {TOKEN}"},
                           secrets=(TOKEN,), max_retries=2, sleep=sleeps)
    yield client
    client.close()


def exception_of(call):
    try:
        call()
    except requests.RequestException as exc:
        return exc
    raise AssertionError("the call did not fail")


# ------------------------------------------------------------------ backoff


def test_backoff_grows_exponentially_with_jitter_between_half_and_full_step():
    for attempt, step in ((1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0)):
        delays = [backoff_delay(attempt, 0.5, 30.0) for _ in range(200)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert len(set(delays)) > 1, "no jitter: parallel workers would retry in lockstep"


def test_backoff_never_exceeds_the_cap():
    assert all(7.5 <= backoff_delay(20, 0.5, 15.0) <= 15.0 for _ in range(100))


def test_retry_after_replaces_the_backoff_but_not_the_cap():
    assert backoff_delay(1, 0.5, 30.0, retry_after=7.0) == 7.0
    assert backoff_delay(4, 0.5, 30.0, retry_after=0.0) == 0.0
    assert backoff_delay(1, 0.5, 30.0, retry_after=600.0) == 30.0


def test_retry_after_in_seconds_or_as_http_date():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("-3") == 0.0
    in_90_seconds = email.utils.formatdate(1_000_090, usegmt=True)
    assert parse_retry_after(in_90_seconds, now=1_000_000) == pytest.approx(90.0)
    assert parse_retry_after(in_90_seconds, now=2_000_000) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_the_servers_retry_after_is_slept(gateway, scripted_server, sleeps):
    in_4_seconds = email.utils.formatdate(time.time() + 4, usegmt=True)  # whole seconds, read a moment later
    scripted_server.script += [(429, {"Retry-After": "4"}, {}), (429, {"Retry-After": in_4_seconds}, {}),
                               (200, {}, {"success": True})]
    assert gateway.request("POST", "messages/send_sms.json", json_body={"text": "hi"}) == {"success": True}
    assert sleeps.delays[0] == 4.0
    assert 2.0 < sleeps.delays[1] <= 4.0


# ------------------------------------------------------------- retry rules


def test_refused_connection_means_no_request_was_made(unreachable_url):
    exc = exception_of(lambda: requests.post(unreachable_url, timeout=2))
    assert made_no_connection(exc)
    assert may_retry_after_exception(exc, idempotent=False)


def test_dropped_connection_means_the_request_may_have_been_acted_on(standin):
    standin.faults.add(drop=True, times=1)
    exc = exception_of(lambda: requests.post(f"{standin.base_url}/lists", json={}, timeout=5,
                                             auth=("any", standin.api_key)))
    assert not made_no_connection(exc)
    assert not may_retry_after_exception(exc, idempotent=False)
    assert may_retry_after_exception(exc, idempotent=True)


def test_connect_timeout_means_no_request_was_made():
    """Built as requests builds it: a real one needs an address that swallows packets."""
    reason = urllib3.exceptions.ConnectTimeoutError(None, "Connection to 10.255.255.1 timed out.")
    exc = requests.ConnectTimeout(urllib3.exceptions.MaxRetryError(None, "/", reason))
    assert may_retry_after_exception(exc, idempotent=False)


def test_the_decision_reads_types_not_messages():
    look_alike = requests.ConnectionError("NewConnectionError('<conn>: Failed to establish a new connection')")
    assert not made_no_connection(look_alike)
    assert not may_retry_after_exception(look_alike, idempotent=False)


def test_refused_post_is_retried_then_gives_up_with_the_plugged_in_class(sleeps, unreachable_url):
    with GatewayClient(unreachable_url, max_retries=2, sleep=sleeps) as client, \
            pytest.raises(GatewayRetryError) as caught:
        client.request("POST", "messages/send_sms.json", json_body={"text": "hi"})
    assert len(sleeps.delays) == 2
    assert caught.value.status is None
    assert str(caught.value).endswith("Connection refused. Gave up after 3 attempts.")


def test_5xx_on_a_plain_post_is_not_repeated_but_an_idempotent_one_is(gateway, scripted_server, sleeps):
    scripted_server.script += [(503, {}, {})]
    with pytest.raises(GatewayError) as caught:
        gateway.request("POST", "messages/send_sms.json", json_body={"text": "hi"})
    assert caught.value.status == 503
    assert sleeps.delays == []
    scripted_server.script += [(503, {}, {}), (200, {}, {"items": []})]
    assert gateway.request("POST", "messages/reports.json", json_body={}, idempotent=True) == {"items": []}
    assert len(sleeps.delays) == 1


def test_retries_run_out_into_the_retry_class_with_the_last_answer(gateway, scripted_server, sleeps):
    scripted_server.script += [(503, {}, {})] * 3
    with pytest.raises(GatewayRetryError) as caught:
        gateway.request("GET", "groups/index.json")
    assert caught.value.status == 503
    assert len(scripted_server.requests) == 3
    assert str(caught.value) == "Gateway error 503: Service Unavailable. Gave up after 3 attempts."


# --------------------------------------------------------- errors in a 200


def test_an_error_document_in_a_200_answer_is_raised_by_the_hook(gateway, scripted_server, sleeps):
    scripted_server.script += [(200, {}, {"error": {"code": 1001, "type": "AuthorizationError",
                                                    "message": "Invalid credentials"}})]
    with pytest.raises(GatewayError) as caught:
        gateway.request("POST", "messages/send_sms.json", json_body={"text": "hi"})
    assert caught.value.code == 1001
    assert str(caught.value) == "Gateway error 200 (AuthorizationError): Invalid credentials."
    assert sleeps.delays == []


def test_a_body_that_is_not_json_is_an_error_not_a_result(gateway, scripted_server):
    scripted_server.script += [(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")]
    with pytest.raises(GatewayError) as caught:
        gateway.request("GET", "groups/index.json")
    assert str(caught.value) == "Gateway error 200 (Invalid Response): Gateway answered with a body that is not JSON."


# ---------------------------------------------------------------- messages


def test_errors_are_one_readable_sentence():
    assert str(ServiceError(status=502, title="Bad Gateway", detail="upstream died.")) == (
        "HTTP error 502 (Bad Gateway): upstream died.")
    assert str(ServiceError(status=500)) == "HTTP error 500."


def test_a_refused_connection_reads_as_one_sentence(sleeps, unreachable_url):
    url = unreachable_url
    with GatewayClient(url, max_retries=0, sleep=sleeps) as client, \
            pytest.raises(GatewayError) as caught:
        client.request("GET", "ping")
    message = str(caught.value)
    assert message.startswith(f"Gateway error (Connection Failed): Gateway could not be reached at {url}: ")
    assert message.endswith("Connection refused. Gave up after 1 attempt.")
    assert "object at 0x" not in message and "\n" not in message
    error = caught.value
    assert (error.attempts, error.failure.reason) == (1, UNREACHABLE), "parts the Odoo layer words, translated"
    assert error.failure.params["url"] == url and error.failure.params["cause"].endswith("Connection refused.")


def test_a_dropped_connection_names_the_drop_not_library_internals(standin, sleeps):
    standin.faults.add(drop=True, times=1)
    with GatewayClient(standin.base_url, auth=("any", standin.api_key), sleep=sleeps) as client, \
            pytest.raises(GatewayConnectionError) as caught:
        client.request("POST", "lists", json_body={})
    assert sleeps.delays == []
    assert str(caught.value).endswith("Remote end closed connection without response.")
    assert "object at 0x" not in str(caught.value)


def test_a_read_timeout_says_how_long_it_waited(standin, sleeps):
    standin.faults.add(delay=1.0, times=1)
    with JsonHttpClient(standin.base_url, auth=("any", standin.api_key), timeout=0.2, max_retries=0,
                        sleep=sleeps) as client, pytest.raises(ServiceError) as caught:
        client.request("GET", "ping")
    assert "The server did not answer within 0.2 seconds." in str(caught.value)


# ----------------------------------------------------------------- secrets


def test_secrets_are_masked_in_errors_and_logs(gateway, scripted_server, caplog):
    caplog.set_level(logging.DEBUG)
    scripted_server.script += [
        (429, {}, {}),
        (200, {}, {"error": {"code": 1002, "type": "AuthorizationError", "message": f"Token {TOKEN} revoked"}}),
    ]
    with pytest.raises(GatewayError) as caught:
        gateway.request("POST", "messages/send_sms.json", json_body={"text": "hi"})
    texts = [str(caught.value), caught.value.detail, *map(str, caught.value.args)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "nothing was logged: the check would prove nothing"
    assert not [text for text in texts if TOKEN in text]
    assert "Token *** revoked" in str(caught.value)


def test_secrets_are_masked_in_connection_errors(sleeps, unreachable_url):
    url = f"{unreachable_url}/{TOKEN}"
    with JsonHttpClient(url, secrets=(TOKEN,), max_retries=0, sleep=sleeps) as client, \
            pytest.raises(ServiceError) as caught:
        client.request("GET", "ping")
    assert TOKEN not in str(caught.value)
    assert "could not be reached" in str(caught.value)
    assert TOKEN not in str(caught.value.failure.params), "the parameters are masked too"
