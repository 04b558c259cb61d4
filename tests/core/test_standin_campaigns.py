"""Campaigns, reports, member activity and interest/segment resources of the stand-in."""

import pytest
import requests


LIST_ID = "a1b2c3d4e5"
CATEGORY_ID = "c0ffee0001"
WHOLESALE = "1a2b3c4d01"


def create_campaign(http, srv, segment_opts=None):
    recipients = {"list_id": LIST_ID}
    if segment_opts:
        recipients["segment_opts"] = segment_opts
    campaign = http.post(f"{srv.base_url}/campaigns", json={
        "type": "regular", "recipients": recipients,
        "settings": {"subject_line": "Autumn offer", "preview_text": "Only now", "title": "Autumn 2026",
                     "from_name": "Acme Demo", "reply_to": "newsletter@acme-demo.pl"}}).json()
    http.put(f"{srv.base_url}/campaigns/{campaign['id']}/content", json={"html": "<p>Hi *|FNAME|*</p>"})
    return campaign


def test_campaign_lifecycle_and_report(http, srv):
    campaign = create_campaign(http, srv)
    assert campaign["status"] == "save" and campaign["recipients"]["recipient_count"] == 3
    test = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/test",
                     json={"test_emails": ["boss@acme-demo.pl"], "send_type": "html"})
    assert test.status_code == 204 and test.content == b""
    assert http.get(f"{srv.base_url}/reports/{campaign['id']}").status_code == 404
    sent = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert sent.status_code == 204 and sent.content == b""
    campaign = http.get(f"{srv.base_url}/campaigns/{campaign['id']}").json()
    assert campaign["status"] == "sent" and campaign["emails_sent"] == 3 and campaign["send_time"]
    srv.store.record_activity(campaign["id"], "jan.kowalski@acme-demo.pl", "open")
    srv.store.record_activity(campaign["id"], "jan.kowalski@acme-demo.pl", "open")
    requests.post(f"{srv.root_url}/_standin/campaigns/{campaign['id']}/activity",
                  json={"email": "jan.kowalski@acme-demo.pl", "action": "click", "url": "https://acme.pl/x"})
    report = http.get(f"{srv.base_url}/reports/{campaign['id']}").json()
    assert report["emails_sent"] == 3 and report["list_id"] == LIST_ID
    assert report["opens"]["opens_total"] == 2 and report["opens"]["unique_opens"] == 1
    assert report["opens"]["open_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert report["clicks"]["clicks_total"] == 1
    assert report["clicks"]["click_rate"] == pytest.approx(1 / 3, abs=1e-3)
    activity = http.get(f"{srv.base_url}/reports/{campaign['id']}/email-activity").json()
    assert activity["total_items"] == 3
    jan = next(e for e in activity["emails"] if e["email_address"] == "jan.kowalski@acme-demo.pl")
    assert [a["action"] for a in jan["activity"]] == ["open", "open", "click"]
    assert jan["activity"][2]["url"] == "https://acme.pl/x"
    member_activity = http.get(
        f"{srv.base_url}/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl/activity").json()
    assert {"sent", "open", "click"} <= {a["action"] for a in member_activity["activity"]}
    assert http.get(f"{srv.base_url}/reports").json()["total_items"] == 1
    again = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert again.status_code == 400


def test_email_activity_since(http, srv):
    campaign = create_campaign(http, srv)
    http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    srv.store.record_activity(campaign["id"], "jan.kowalski@acme-demo.pl", "open")
    srv.store.advance_clock(60)
    boundary = srv.store.now().isoformat()
    srv.store.record_activity(campaign["id"], "maria.wisniewska@acme-demo.pl", "open")
    recent = http.get(f"{srv.base_url}/reports/{campaign['id']}/email-activity",
                      params={"since": boundary}).json()
    assert [e["email_address"] for e in recent["emails"]] == ["maria.wisniewska@acme-demo.pl"]
    single = http.get(f"{srv.base_url}/reports/{campaign['id']}/email-activity/"
                      "maria.wisniewska@acme-demo.pl").json()
    assert single["activity"][0]["action"] == "open"


def test_campaign_not_ready_to_send(http, srv):
    campaign = http.post(f"{srv.base_url}/campaigns", json={
        "type": "regular", "recipients": {"list_id": LIST_ID}}).json()
    response = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert response.status_code == 400
    assert response.json()["detail"] == "Your Campaign is not ready to send."


def test_segment_recipients(http, srv):
    conditions = {"match": "any", "conditions": [
        {"condition_type": "Interests", "field": f"interests-{CATEGORY_ID}",
         "op": "interestcontains", "value": [WHOLESALE]}]}
    campaign = create_campaign(http, srv, conditions)
    http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert http.get(f"{srv.base_url}/campaigns/{campaign['id']}").json()["emails_sent"] == 1
    segment = http.post(f"{srv.base_url}/lists/{LIST_ID}/segments", json={
        "name": "Two", "static_segment": ["maria.wisniewska@acme-demo.pl", "piotr.zielinski@acme-demo.pl",
                                          "ewa.lewandowska@acme-demo.pl"]}).json()
    campaign = create_campaign(http, srv, {"saved_segment_id": segment["id"]})
    http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert http.get(f"{srv.base_url}/campaigns/{campaign['id']}").json()["emails_sent"] == 2


def test_interest_categories_and_interests(http, srv):
    base = f"{srv.base_url}/lists/{LIST_ID}/interest-categories"
    categories = http.get(base).json()
    assert categories["total_items"] == 1 and categories["categories"][0]["title"] == "Customer groups"
    interests = http.get(f"{base}/{CATEGORY_ID}/interests").json()
    assert [i["name"] for i in interests["interests"]] == ["Wholesale", "Retail", "Partners"]
    assert interests["interests"][0]["subscriber_count"] == "1"
    created = http.post(base, json={"title": "Regions", "type": "checkboxes"}).json()
    assert set(created) == {"list_id", "id", "title", "display_order", "type", "_links"}
    interest = http.post(f"{base}/{created['id']}/interests", json={"name": "North"}).json()
    assert (interest["category_id"], interest["list_id"], interest["name"]) == (
        created["id"], LIST_ID, "North")
    member = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl").json()
    assert member["interests"][interest["id"]] is False
    duplicate = http.post(base, json={"title": "Regions", "type": "checkboxes"})
    assert duplicate.status_code == 400


def test_merge_field_crud(http, srv):
    base = f"{srv.base_url}/lists/{LIST_ID}/merge-fields"
    created = http.post(base, json={"tag": "NIP", "name": "Tax id", "type": "text",
                                    "options": {"size": 13}}).json()
    assert created["options"]["size"] == 13 and created["list_id"] == LIST_ID
    too_long = http.patch(f"{srv.base_url}/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl",
                          json={"merge_fields": {"NIP": "1" * 14}})
    assert too_long.json()["errors"][0]["field"] == "NIP"
    assert http.post(base, json={"tag": "NIP", "name": "Again", "type": "text"}).status_code == 400
    assert http.post(base, json={"name": "Bad", "type": "colour"}).status_code == 400
    assert http.delete(f"{base}/{created['merge_id']}").status_code == 204
    assert "NIP" not in [f["tag"] for f in http.get(base).json()["merge_fields"]]
