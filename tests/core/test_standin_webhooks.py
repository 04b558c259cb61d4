"""Webhook registration, validation GET and the form-encoded deliveries of the stand-in."""

import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from standins.mailchimp import DEMO_SEED, StandinServer

LIST_ID = "a1b2c3d4e5"
ALL_EVENTS = {"subscribe": True, "unsubscribe": True, "profile": True, "cleaned": True,
              "upemail": True, "campaign": False}
USER_AND_ADMIN = {"user": True, "admin": True, "api": False}


class Receiver:
    """A loopback HTTP endpoint that records every request it gets."""

    def __init__(self, get_status=200):
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self, status):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                receiver.requests.append((self.command, self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                self._record(get_status)

            def do_POST(self):
                self._record(200)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/mailchimp/webhook/s3cret"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def posts(self):
        return [r for r in self.requests if r[0] == "POST"]

    def forms(self):
        return [dict(urllib.parse.parse_qsl(body, keep_blank_values=True)) for *_, body in self.posts()]

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def srv():
    with StandinServer(seed=DEMO_SEED) as server:
        yield server


def register(http, srv, url, sources=USER_AND_ADMIN, events=ALL_EVENTS):
    return http.post(f"{srv.base_url}/lists/{LIST_ID}/webhooks",
                     json={"url": url, "events": events, "sources": sources})


class TestRegistration:
    def test_validator_get_then_echo(self, http, srv, receiver):
        response = register(http, srv, receiver.url)
        assert response.status_code == 200
        webhook = response.json()
        assert set(webhook) == {"id", "url", "events", "sources", "list_id", "_links"}
        assert (webhook["url"], webhook["events"], webhook["sources"], webhook["list_id"]) == (
            receiver.url, ALL_EVENTS, USER_AND_ADMIN, LIST_ID)
        method, path, headers, _ = receiver.requests[0]
        assert (method, path) == ("GET", "/mailchimp/webhook/s3cret")
        assert headers["User-Agent"] == "MailChimp.com WebHook Validator"
        listed = http.get(f"{srv.base_url}/lists/{LIST_ID}/webhooks").json()
        assert listed["total_items"] == 1 and listed["webhooks"][0]["id"] == webhook["id"]
        assert http.delete(f"{srv.base_url}/lists/{LIST_ID}/webhooks/{webhook['id']}").status_code == 204

    def test_url_not_answering_200_is_rejected(self, http, srv):
        failing = Receiver(get_status=404)
        try:
            response = register(http, srv, failing.url)
        finally:
            failing.close()
        assert response.status_code == 400
        body = response.json()
        assert body["title"] == "Invalid Resource"
        assert body["detail"].startswith("The resource submitted could not be validated")
        assert body["errors"][0]["field"] == "url"

    def test_validation_can_be_switched_off(self):
        with StandinServer(validate_webhook_urls=False) as server:
            list_id = server.store.list_ids()[0]
            response = requests.post(f"{server.base_url}/lists/{list_id}/webhooks",
                                     auth=("x", server.api_key), json={"url": "http://127.0.0.1:9/nowhere"})
            assert response.status_code == 200


class TestDeliveries:
    def test_user_unsubscribe_form(self, http, srv, receiver):
        register(http, srv, receiver.url)
        srv.store.user_unsubscribe(LIST_ID, "jan.kowalski@acme-demo.pl", source="user",
                                   reason="manual", campaign_id="cb398d21d2")
        (method, path, headers, body), = receiver.posts()
        assert headers["User-Agent"] == "MailChimp.com"
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert "data%5Bmerges%5D%5BFNAME%5D=Jan" in body
        form = receiver.forms()[0]
        assert form["type"] == "unsubscribe"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", form["fired_at"])
        assert form["data[action]"] == "unsub"
        assert form["data[reason]"] == "manual"
        assert form["data[campaign_id]"] == "cb398d21d2"
        assert form["data[list_id]"] == LIST_ID
        assert form["data[email]"] == "jan.kowalski@acme-demo.pl"
        assert form["data[email_type]"] == "html"
        assert form["data[merges][FNAME]"] == "Jan"
        assert form["data[merges][LNAME]"] == "Kowalski"
        assert form["data[merges][INTERESTS]"] == "Wholesale"
        member = srv.store.get_member(LIST_ID, "jan.kowalski@acme-demo.pl")
        assert re.fullmatch(r"[0-9a-f]{10}", form["data[id]"])
        assert form["data[id]"] == member["unique_email_id"] != member["id"]
        assert srv.store.webhook_deliveries[-1].result == 200
        assert member["status"] == "unsubscribed"

    def test_subscribe_profile_upemail_cleaned(self, http, srv, receiver):
        register(http, srv, receiver.url)
        srv.store.user_subscribe(LIST_ID, "new.reader@acme-demo.pl",
                                 merges={"FNAME": "Nowy", "ADDRESS": {
                                     "addr1": "ul. Krótka 2", "city": "Gdańsk", "state": "pomorskie",
                                     "zip": "80-001", "country": "PL"}},
                                 interests={"Retail": True, "Partners": True}, ip="10.20.10.30")
        srv.store.user_update_profile(LIST_ID, "new.reader@acme-demo.pl", merges={"LNAME": "Czytelnik"},
                                      source="admin")
        srv.store.user_change_email(LIST_ID, "new.reader@acme-demo.pl", "reader@acme-demo.pl")
        srv.store.mark_cleaned(LIST_ID, "reader@acme-demo.pl", reason="hard", campaign_id="")
        subscribe, profile, upemail, cleaned = receiver.forms()
        assert subscribe["type"] == "subscribe"
        assert subscribe["data[email]"] == "new.reader@acme-demo.pl"
        assert subscribe["data[merges][EMAIL]"] == "new.reader@acme-demo.pl"
        assert subscribe["data[merges][FNAME]"] == "Nowy"
        assert subscribe["data[merges][ADDRESS][city]"] == "Gdańsk"
        assert subscribe["data[merges][INTERESTS]"] == "Retail, Partners"
        assert subscribe["data[merges][GROUPINGS][0][name]"] == "Customer groups"
        assert subscribe["data[ip_opt]"] == "10.20.10.30"
        assert "data[action]" not in subscribe
        assert profile["type"] == "profile" and profile["data[merges][LNAME]"] == "Czytelnik"
        assert upemail == {"type": "upemail", "fired_at": upemail["fired_at"],
                           "data[list_id]": LIST_ID, "data[new_id]": upemail["data[new_id]"],
                           "data[new_email]": "reader@acme-demo.pl",
                           "data[old_email]": "new.reader@acme-demo.pl"}
        assert cleaned == {"type": "cleaned", "fired_at": cleaned["fired_at"], "data[list_id]": LIST_ID,
                           "data[campaign_id]": "", "data[reason]": "hard",
                           "data[email]": "reader@acme-demo.pl"}

    def test_api_changes_fire_only_when_sources_api(self, http, srv, receiver):
        register(http, srv, receiver.url)
        members_url = f"{srv.base_url}/lists/{LIST_ID}/members"
        http.patch(f"{members_url}/jan.kowalski@acme-demo.pl", json={"status": "unsubscribed"})
        http.post(members_url, json={"email_address": "api.made@acme-demo.pl", "status": "subscribed"})
        assert receiver.posts() == []
        register(http, srv, receiver.url, sources={"user": False, "admin": False, "api": True})
        http.patch(f"{members_url}/piotr.zielinski@acme-demo.pl", json={"merge_fields": {"FNAME": "P"}})
        assert [f["type"] for f in receiver.forms()] == ["profile"]

    def test_disabled_event_and_source_do_not_fire(self, http, srv, receiver):
        register(http, srv, receiver.url, sources={"user": True, "admin": False, "api": False},
                 events={**ALL_EVENTS, "profile": False})
        srv.store.user_update_profile(LIST_ID, "jan.kowalski@acme-demo.pl", merges={"FNAME": "J"})
        srv.store.user_unsubscribe(LIST_ID, "jan.kowalski@acme-demo.pl", source="admin")
        assert receiver.posts() == []

    def test_unreachable_receiver_is_recorded_not_raised(self, srv):
        srv.store.validate_webhook_urls = False
        srv.store.add_webhook(LIST_ID, {"url": "http://127.0.0.1:9/gone"})
        srv.store.user_unsubscribe(LIST_ID, "jan.kowalski@acme-demo.pl")
        delivery = srv.store.webhook_deliveries[-1]
        assert delivery.url == "http://127.0.0.1:9/gone"
        assert isinstance(delivery.result, str) and delivery.form["type"] == "unsubscribe"

    def test_control_route_fires_too(self, http, srv, receiver):
        register(http, srv, receiver.url)
        response = requests.post(f"{srv.root_url}/_standin/lists/{LIST_ID}/actions/unsubscribe",
                                 json={"email": "maria.wisniewska@acme-demo.pl", "source": "user"})
        assert response.status_code == 200 and response.json()["status"] == "unsubscribed"
        assert receiver.forms()[0]["data[email]"] == "maria.wisniewska@acme-demo.pl"
        deliveries = requests.get(f"{srv.root_url}/_standin/webhook-deliveries").json()
        assert deliveries["total_items"] == 1
