"""The official SDK (mailchimp-marketing 3.0.80) against the stand-in behaves as against Mailchimp."""

import json

import pytest

from standins.mailchimp import DEMO_SEED, StandinServer

mailchimp_marketing = pytest.importorskip("mailchimp_marketing")
from mailchimp_marketing.api_client import ApiClientError  # noqa: E402

LIST_ID = "a1b2c3d4e5"


@pytest.fixture(scope="module")
def srv():
    with StandinServer(seed=DEMO_SEED, validate_webhook_urls=False) as server:
        yield server


@pytest.fixture
def client(srv):
    client = mailchimp_marketing.Client()
    client.set_config({"api_key": srv.api_key})
    client.api_client.host = srv.base_url
    return client


def test_ping_root_and_lists(client):
    assert client.ping.get() == {"health_status": "Everything's Chimpy!"}
    assert client.root.get_root()["account_name"] == "Acme Demo"
    lists = client.lists.get_all_lists(fields=["lists.id", "lists.name", "total_items"])
    assert lists == {"lists": [{"id": LIST_ID, "name": "Acme Newsletter"}], "total_items": 1}


def test_404_raises_with_raw_json_text(client):
    with pytest.raises(ApiClientError) as raised:
        client.lists.get_list_member(LIST_ID, "0" * 32)
    assert raised.value.status_code == 404
    assert isinstance(raised.value.text, str)
    assert json.loads(raised.value.text)["title"] == "Resource Not Found"


def test_member_round_trip_and_empty_bodies(client):
    email = "sdk.user@acme-demo.pl"
    member = client.lists.set_list_member(LIST_ID, email, {
        "email_address": email, "status_if_new": "subscribed",
        "merge_fields": {"FNAME": "Sdk"}}, skip_merge_validation=True)
    assert member["status"] == "subscribed"
    response = client.lists.update_list_member_tags(
        LIST_ID, member["id"], {"tags": [{"name": "VIP", "status": "active"}]})
    assert response.status_code == 204
    assert client.lists.delete_list_member(LIST_ID, member["id"]).status_code == 204
    with pytest.raises(ApiClientError) as raised:
        client.lists.add_list_member(LIST_ID, {"email_address": "x@y", "status": "subscribed"})
    assert json.loads(raised.value.text)["detail"] == (
        "x@y looks fake or invalid, please enter a real email address.")


def test_batch_and_oauth_client(srv):
    client = mailchimp_marketing.Client()
    client.set_config({"access_token": srv.oauth_token, "server": "us6"})
    client.api_client.host = srv.base_url
    result = client.lists.batch_list_members(LIST_ID, {"members": [
        {"email_address": "batch.sdk@acme-demo.pl", "status": "subscribed"}]})
    assert result["total_created"] == 1


def test_send_checklist_through_the_sdk(client):
    campaign = client.campaigns.create({"type": "regular", "recipients": {"list_id": LIST_ID}, "settings": {
        "subject_line": "Hi", "from_name": "Acme", "reply_to": "news@acme-demo.pl"}})
    client.campaigns.set_content(campaign["id"], {"html": "<p>Hi</p>"})
    checklist = client.campaigns.get_send_checklist(campaign["id"])
    assert checklist["is_ready"] is False
    assert {item["type"] for item in checklist["items"]} <= {"success", "warning", "error"}
    assert all(set(item) == {"type", "id", "heading", "details"} for item in checklist["items"])
    with pytest.raises(ApiClientError) as raised:
        client.campaigns.send(campaign["id"])
    assert json.loads(raised.value.text)["detail"] == "Your Campaign is not ready to send."
