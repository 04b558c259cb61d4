"""HTTP behaviour of the stand-in: problem+json, auth, faults, connection limit, control routes."""

import base64
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
import requests

from standins.mailchimp import DEMO_SEED, StandinServer
from standins.mailchimp import server as server_module

LIST_ID = "a1b2c3d4e5"
DEMO_KEY = "0123456789abcdef0123456789abcdef-us6"
LINK = '<https://us6.api.mailchimp.com/schema/3.0/ProblemDetailDocument.json>; rel="describedBy"'
REPO_ROOT = Path(__file__).resolve().parents[2]


def problem(response, status, title):
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    assert response.headers["Link"] == LINK
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["type"] == "https://mailchimp.com/developer/marketing/docs/errors/"
    assert (body["status"], body["title"]) == (status, title)
    return body


class TestProblemDocuments:
    def test_not_found_and_method_not_allowed(self, http, srv):
        body = problem(http.get(f"{srv.base_url}/lists/nope"), 404, "Resource Not Found")
        assert body["detail"] == "The requested resource could not be found."
        assert set(body) == {"type", "title", "status", "detail", "instance"}
        response = http.delete(f"{srv.base_url}/lists")
        problem(response, 405, "Method Not Allowed")
        assert "GET" in response.headers["Allow"]
        problem(http.get(f"{srv.base_url}/no/such/route"), 404, "Resource Not Found")

    def test_ping_root_and_base_url(self, http, srv):
        assert "server" not in srv.base_url and srv.base_url == srv.root_url + "/3.0"
        assert http.get(f"{srv.base_url}/ping").json() == {"health_status": "Everything's Chimpy!"}
        root = http.get(f"{srv.base_url}/").json()
        assert root["account_name"] == "Acme Demo"
        assert {"account_id", "login_id", "email", "contact", "total_subscribers", "_links"} <= set(root)
        assert srv.api_key == DEMO_KEY

    def test_keep_alive_serves_several_requests_on_one_connection(self, srv):
        connection = HTTPConnection("127.0.0.1", srv.port, timeout=5)
        headers = {"Authorization": "Basic " + base64.b64encode(f"u:{srv.api_key}".encode()).decode()}
        try:
            for path in ("/3.0/ping", "/3.0/lists/nope", "/3.0/ping"):
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                assert response.getheader("Connection") != "close"
            connection.request("DELETE", f"/3.0/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl",
                               headers=headers)
            response = connection.getresponse()
            assert (response.status, response.read(), response.getheader("Content-Length")) == (204, b"", "0")
            connection.request("GET", "/3.0/ping", headers=headers)
            assert connection.getresponse().status == 200
        finally:
            connection.close()


class _CountingWriter:
    """Wraps a handler's ``wfile``: records every write (one write = one send())."""

    def __init__(self, inner, writes):
        self._inner = inner
        self._writes = writes

    def write(self, data):
        self._writes.append(bytes(data))
        return self._inner.write(data)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class TestNoNagleStall:
    """Kept-alive requests must not wait ~43 ms each for a delayed ACK.

    A response written in two pieces (headers, then body) on a socket with Nagle's
    algorithm on is held back until the client ACKs the first piece, and clients delay
    that ACK (~40 ms on Linux) -- Nagle's algorithm (RFC 896) meeting delayed ACKs
    (RFC 1122, 4.2.3.2). The stand-in sets TCP_NODELAY on accepted sockets and writes
    each response in one piece (standins/mailchimp/server.py); measured before: 2.2 s
    for the 50 requests below, after: ~0.08 s.
    """

    @pytest.fixture
    def sockets(self, monkeypatch):
        """Per accepted connection: its TCP_NODELAY value and what was written to it."""
        seen = []
        original_setup = server_module._Handler.setup

        def setup(handler):
            original_setup(handler)
            writes = []
            nodelay = handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            seen.append((nodelay, writes))
            handler.wfile = _CountingWriter(handler.wfile, writes)

        monkeypatch.setattr(server_module._Handler, "setup", setup)
        return seen

    def test_nodelay_and_one_write_per_response(self, http, srv, sockets):
        responses = [http.get(f"{srv.base_url}/ping"),
                     http.get(f"{srv.base_url}/lists/nope"),
                     http.delete(f"{srv.base_url}/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl"),
                     http.head(f"{srv.base_url}/ping")]
        assert [r.status_code for r in responses] == [200, 404, 204, 405]
        assert len(sockets) == 1, "one kept-alive connection"
        nodelay, writes = sockets[0]
        assert nodelay != 0
        assert len(writes) == len(responses)
        for written, response in zip(writes, responses):
            assert written.startswith(b"HTTP/1.1 %d " % response.status_code)
            assert written.endswith(b"\r\n\r\n" + response.content)

    def test_fifty_requests_on_one_session_are_fast(self, http, srv):
        http.get(f"{srv.base_url}/ping")
        started = time.monotonic()
        for _ in range(50):
            assert http.get(f"{srv.base_url}/lists/{LIST_ID}/members").status_code == 200
        # ~0.1 s without the stall, ~2.2 s with it (50 x 43 ms); loose bound for a busy 2-core box.
        assert time.monotonic() - started < 1.5


class TestAuthentication:
    def test_missing_key(self, srv):
        body = problem(requests.get(f"{srv.base_url}/ping"), 401, "API Key Missing")
        assert body["detail"] == "Your request did not include an API key."

    def test_invalid_key(self, srv):
        response = requests.get(f"{srv.base_url}/ping", auth=("u", "f" * 32 + "-us6"))
        problem(response, 401, "API Key Invalid")

    def test_wrong_datacenter(self, srv):
        response = requests.get(f"{srv.base_url}/ping", auth=("u", DEMO_KEY.replace("-us6", "-us10")))
        problem(response, 403, "Wrong Datacenter")

    def test_any_username_and_bearer_token(self, srv):
        assert requests.get(f"{srv.base_url}/ping", auth=("whatever", DEMO_KEY)).status_code == 200
        bearer = {"Authorization": f"Bearer {srv.oauth_token}"}
        assert requests.get(f"{srv.base_url}/ping", headers=bearer).status_code == 200
        problem(requests.get(f"{srv.base_url}/ping", headers={"Authorization": "Bearer nope"}),
                401, "API Key Invalid")

    def test_oauth_metadata_on_root_url(self, srv):
        response = requests.get(f"{srv.root_url}/oauth2/metadata",
                                headers={"Authorization": f"OAuth {srv.oauth_token}"})
        assert response.status_code == 200
        metadata = response.json()
        assert metadata["dc"] == "us6" and metadata["accountname"] == "Acme Demo"
        assert metadata["api_endpoint"] == srv.root_url
        assert {"login_name", "email"} <= set(metadata["login"])
        assert {"role", "user_id", "login_url"} <= set(metadata)
        assert requests.get(f"{srv.root_url}/oauth2/metadata",
                            headers={"Authorization": "OAuth wrong"}).status_code == 401

    def test_built_in_account_has_random_key_for_its_dc(self):
        with StandinServer(dc="us10") as server:
            assert server.api_key.endswith("-us10") and len(server.api_key) == 37
            lists = requests.get(f"{server.base_url}/lists", auth=("u", server.api_key)).json()
            assert lists["total_items"] == 1


class TestFaults:
    def test_429_with_and_without_retry_after(self, http, srv):
        srv.faults.add(status=429, times=1, retry_after=3)
        srv.faults.add(status=429, times=1)
        first = http.get(f"{srv.base_url}/ping")
        body = problem(first, 429, "Too Many Requests")
        assert body["detail"] == "You have exceeded the limit of 10 simultaneous connections."
        assert first.headers["Retry-After"] == "3"
        second = http.get(f"{srv.base_url}/ping")
        problem(second, 429, "Too Many Requests")
        assert "Retry-After" not in second.headers
        assert http.get(f"{srv.base_url}/ping").status_code == 200

    def test_503_500_and_path_filter(self, http, srv):
        srv.faults.add(status=503, times=1, path_contains="/members")
        srv.faults.add(status=500, times=1)
        assert http.get(f"{srv.base_url}/lists/{LIST_ID}/members").status_code == 503
        problem(http.get(f"{srv.base_url}/lists"), 500, "Internal Server Error")
        assert http.get(f"{srv.base_url}/lists").status_code == 200

    def test_delay(self, http, srv):
        srv.faults.add(delay=0.3, times=1)
        started = time.monotonic()
        assert http.get(f"{srv.base_url}/ping").status_code == 200
        assert time.monotonic() - started >= 0.3
        with pytest.raises(requests.Timeout):
            srv.faults.add(delay=0.5, times=1)
            http.get(f"{srv.base_url}/ping", timeout=0.1)

    def test_drop(self, http, srv):
        srv.faults.add(drop=True, times=1)
        with pytest.raises(requests.ConnectionError):
            http.get(f"{srv.base_url}/ping")
        assert http.get(f"{srv.base_url}/ping").status_code == 200

    def test_faults_are_not_applied_to_control_routes_and_can_be_cleared(self, http, srv):
        srv.faults.add(status=503, times=None)
        assert requests.get(f"{srv.root_url}/_standin/faults").status_code == 200
        assert http.get(f"{srv.base_url}/ping").status_code == 503
        srv.faults.clear()
        assert http.get(f"{srv.base_url}/ping").status_code == 200

    def test_a_fault_with_a_probability_strikes_about_that_share_of_requests(self, http, srv):
        srv.faults.add(status=503, times=None, probability=0.2)
        statuses = [http.get(f"{srv.base_url}/ping").status_code for _ in range(200)]
        srv.faults.clear()
        assert 20 <= statuses.count(503) <= 60
        assert set(statuses) == {200, 503}

    def test_faults_over_http(self, http, srv):
        assert requests.post(f"{srv.root_url}/_standin/faults",
                             json={"status": 429, "times": 1, "retry_after": 1}).status_code == 200
        assert http.get(f"{srv.base_url}/ping").headers["Retry-After"] == "1"
        requests.post(f"{srv.root_url}/_standin/faults", json={"status": 503, "times": 5})
        assert requests.delete(f"{srv.root_url}/_standin/faults").status_code == 204
        assert http.get(f"{srv.base_url}/ping").status_code == 200

    def test_eleventh_simultaneous_request_is_429(self, srv):
        srv.faults.add(delay=0.5, times=10)
        results = []

        def call():
            results.append(requests.get(f"{srv.base_url}/ping", auth=("u", srv.api_key)).status_code)

        threads = [threading.Thread(target=call) for _ in range(10)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 3
        while sum(srv.in_flight().values()) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        eleventh = requests.get(f"{srv.base_url}/ping", auth=("u", srv.api_key))
        problem(eleventh, 429, "Too Many Requests")
        assert eleventh.json()["detail"] == "You have exceeded the limit of 10 simultaneous connections."
        bearer = requests.get(f"{srv.base_url}/ping", headers={"Authorization": f"Bearer {srv.oauth_token}"})
        assert bearer.status_code == 200
        for thread in threads:
            thread.join()
        assert results == [200] * 10

    def test_most_connections_at_once_and_the_refused_are_counted_per_key(self, srv):
        srv.faults.add(delay=0.5, times=10)
        threads = [threading.Thread(target=requests.get, args=(f"{srv.base_url}/ping",),
                                    kwargs={"auth": ("u", srv.api_key)}) for _ in range(10)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 3
        while sum(srv.in_flight().values()) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert requests.get(f"{srv.base_url}/ping", auth=("u", srv.api_key)).status_code == 429
        requests.get(f"{srv.base_url}/ping", headers={"Authorization": f"Bearer {srv.oauth_token}"})
        for thread in threads:
            thread.join()
        key = srv.api_key.partition("-")[0]
        counted = requests.get(f"{srv.root_url}/_standin/connections").json()
        assert counted == {"in_flight": {}, "peak": {key: 10, srv.oauth_token: 1}, "refused": {key: 1}}
        assert requests.delete(f"{srv.root_url}/_standin/connections").status_code == 204
        requests.get(f"{srv.base_url}/ping", auth=("u", srv.api_key))
        assert srv.connections() == {"in_flight": {}, "peak": {key: 1}, "refused": {}}


class TestRequestLogAndControl:
    def test_request_log(self, http, srv):
        http.get(f"{srv.base_url}/lists", params={"count": "5"})
        http.put(f"{srv.base_url}/lists/{LIST_ID}/members/x@acme-demo.pl",
                 json={"email_address": "x@acme-demo.pl", "status_if_new": "subscribed"})
        requests.get(f"{srv.root_url}/_standin/faults")
        assert srv.request_log == [("GET", "/3.0/lists", {"count": "5"}),
                                   ("PUT", f"/3.0/lists/{LIST_ID}/members/x@acme-demo.pl", {})]
        assert srv.request_log[0].method == "GET"

    def test_control_action_errors(self, srv):
        response = requests.post(f"{srv.root_url}/_standin/lists/{LIST_ID}/actions/unsubscribe",
                                 json={"email": "ghost@acme-demo.pl"})
        assert response.status_code == 404
        response = requests.post(f"{srv.root_url}/_standin/lists/{LIST_ID}/actions/explode",
                                 json={"email": "jan.kowalski@acme-demo.pl"})
        assert response.status_code == 404

    def test_upemail_over_control_route(self, http, srv):
        response = requests.post(f"{srv.root_url}/_standin/lists/{LIST_ID}/actions/upemail",
                                 json={"email": "jan.kowalski@acme-demo.pl", "new_email": "jan@acme-demo.pl"})
        assert response.json()["email_address"] == "jan@acme-demo.pl"
        assert http.get(f"{srv.base_url}/lists/{LIST_ID}/members/jan@acme-demo.pl").status_code == 200


def test_cli_prints_one_line_and_stops_on_sigterm(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "standins.mailchimp", "--port", "0", "--seed", str(DEMO_SEED)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("Mailchimp stand-in on http://127.0.0.1:")
        assert line.endswith(f"/3.0 (API key {DEMO_KEY})")
        base_url = line.split(" on ")[1].split(" ")[0]
        auth = "Basic " + base64.b64encode(f"cli:{DEMO_KEY}".encode()).decode()
        assert requests.get(f"{base_url}/ping", headers={"Authorization": auth}).status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
