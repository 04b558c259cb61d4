"""Campaigns, reports, member activity and interest/segment resources of the stand-in."""

import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from standins.mailchimp import DEMO_SEED
from standins.mailchimp.seed import read_seed, seed_time
from standins.mailchimp.store import Store

LIST_ID = "a1b2c3d4e5"
CATEGORY_ID = "c0ffee0001"
WHOLESALE = "1a2b3c4d01"
SEEDED_SENT = 7  # sent campaigns of the demo seed


def create_campaign(http, srv, segment_opts=None):
    recipients = {"list_id": LIST_ID}
    if segment_opts:
        recipients["segment_opts"] = segment_opts
    campaign = http.post(f"{srv.base_url}/campaigns", json={
        "type": "regular", "recipients": recipients,
        "settings": {"subject_line": "Autumn offer", "preview_text": "Only now", "title": "Autumn 2026",
                     "from_name": "Acme Demo", "reply_to": "newsletter@acme-demo.pl"}}).json()
    http.put(f"{srv.base_url}/campaigns/{campaign['id']}/content", json={"html": "<p>Hi *|FNAME|*</p>"
        "<p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"})
    return campaign


def test_campaign_lifecycle_and_report(http, srv):
    campaign = create_campaign(http, srv)
    assert campaign["status"] == "save" and campaign["recipients"]["recipient_count"] == 7
    test = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/test",
                     json={"test_emails": ["boss@acme-demo.pl"], "send_type": "html"})
    assert test.status_code == 204 and test.content == b""
    assert http.get(f"{srv.base_url}/reports/{campaign['id']}").status_code == 404
    sent = http.post(f"{srv.base_url}/campaigns/{campaign['id']}/actions/send")
    assert sent.status_code == 204 and sent.content == b""
    campaign = http.get(f"{srv.base_url}/campaigns/{campaign['id']}").json()
    assert campaign["status"] == "sent" and campaign["emails_sent"] == 7 and campaign["send_time"]
    srv.store.record_activity(campaign["id"], "jan.kowalski@acme-demo.pl", "open")
    srv.store.record_activity(campaign["id"], "jan.kowalski@acme-demo.pl", "open")
    requests.post(f"{srv.root_url}/_standin/campaigns/{campaign['id']}/activity",
                  json={"email": "jan.kowalski@acme-demo.pl", "action": "click", "url": "https://acme.pl/x"})
    report = http.get(f"{srv.base_url}/reports/{campaign['id']}").json()
    assert report["emails_sent"] == 7 and report["list_id"] == LIST_ID
    assert report["opens"]["opens_total"] == 2 and report["opens"]["unique_opens"] == 1
    assert report["opens"]["open_rate"] == pytest.approx(1 / 7, abs=1e-3)
    assert report["clicks"]["clicks_total"] == 1
    assert report["clicks"]["click_rate"] == pytest.approx(1 / 7, abs=1e-3)
    activity = http.get(f"{srv.base_url}/reports/{campaign['id']}/email-activity").json()
    assert activity["total_items"] == 7
    jan = next(e for e in activity["emails"] if e["email_address"] == "jan.kowalski@acme-demo.pl")
    assert [a["action"] for a in jan["activity"]] == ["open", "open", "click"]
    assert jan["activity"][2]["url"] == "https://acme.pl/x"
    member_activity = http.get(
        f"{srv.base_url}/lists/{LIST_ID}/members/jan.kowalski@acme-demo.pl/activity").json()
    assert {"sent", "open", "click"} <= {a["action"] for a in member_activity["activity"]}
    assert http.get(f"{srv.base_url}/reports").json()["total_items"] == SEEDED_SENT + 1
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
    assert http.get(f"{srv.base_url}/campaigns/{campaign['id']}").json()["emails_sent"] == 3
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
    assert interests["interests"][0]["subscriber_count"] == "3"
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


# -- the demo seed's sent campaigns ---------------------------------------------------------------

DEMO_CUSTOMERS = ("wood.corner26@example.com", "deco_addict@yourcompany.example.com",
                  "gemini_furniture@fake.geminifurniture.com", "azure.Interior24@example.com")


def all_pages(http, url, key, **params):
    items, offset = [], 0
    while True:
        page = http.get(url, params={**params, "count": 1000, "offset": offset}).json()
        items += page[key]
        offset += 1000
        if offset >= page["total_items"]:
            return items


def seeded_sent(http, srv):
    campaigns = all_pages(http, f"{srv.base_url}/campaigns", "campaigns", status="sent")
    return sorted(campaigns, key=lambda c: c["send_time"])


def test_demo_seed_has_campaigns_sent_over_three_months_with_opens_clicks_and_bounces(http, srv):
    campaigns = seeded_sent(http, srv)
    assert len(campaigns) == SEEDED_SENT
    assert len({c["send_time"][:7] for c in campaigns}) >= 3, "a bar in each of three months of the chart"
    first, last = (datetime.fromisoformat(campaigns[i]["send_time"]) for i in (0, -1))
    assert (last - first).days >= 60 and last <= srv.store.now() - timedelta(days=1)
    drafts = http.get(f"{srv.base_url}/campaigns", params={"status": "save"}).json()
    assert drafts["total_items"] == 1
    actions = Counter()
    for campaign in campaigns:
        for entry in all_pages(http, f"{srv.base_url}/reports/{campaign['id']}/email-activity", "emails"):
            for event in entry["activity"]:
                actions[event["action"], event.get("type", "")] += 1
                if event["action"] == "click":
                    assert event["url"].startswith("https://acme-demo.pl/")
                assert event["timestamp"] >= campaign["send_time"]
    assert actions["open", ""] > 30 and actions["click", ""] > 10
    assert actions["bounce", "soft"] and actions["bounce", "hard"] == 1


def test_demo_reports_agree_with_the_seeded_email_activity(http, srv):
    for campaign in seeded_sent(http, srv):
        report = http.get(f"{srv.base_url}/reports/{campaign['id']}").json()
        entries = all_pages(http, f"{srv.base_url}/reports/{campaign['id']}/email-activity", "emails")
        events = [(e["email_address"], a) for e in entries for a in e["activity"]]
        opens = [email for email, a in events if a["action"] == "open"]
        clicks = [(email, a["url"]) for email, a in events if a["action"] == "click"]
        assert len(entries) == report["emails_sent"] == campaign["emails_sent"]
        assert (report["opens"]["opens_total"], report["opens"]["unique_opens"]) == (len(opens), len(set(opens)))
        assert report["opens"]["open_rate"] == pytest.approx(len(set(opens)) / len(entries), abs=1e-4)
        assert (report["clicks"]["clicks_total"], report["clicks"]["unique_clicks"],
                report["clicks"]["unique_subscriber_clicks"]) == (
            len(clicks), len(set(clicks)), len({email for email, _url in clicks}))
        bounces = Counter(a["type"] for _email, a in events if a["action"] == "bounce")
        assert (report["bounces"]["hard_bounces"], report["bounces"]["soft_bounces"]) == (
            bounces["hard"], bounces["soft"])
        assert campaign["report_summary"]["opens"] == len(opens)


def test_demo_member_stats_and_activity_follow_the_campaigns_they_received(http, srv):
    received, opened, clicked = Counter(), Counter(), Counter()
    for campaign in seeded_sent(http, srv):
        for entry in all_pages(http, f"{srv.base_url}/reports/{campaign['id']}/email-activity", "emails"):
            email = entry["email_address"].lower()
            received[email] += 1
            actions = {a["action"] for a in entry["activity"]}
            opened[email] += "open" in actions
            clicked[email] += "click" in actions
    assert {email.lower() for email in DEMO_CUSTOMERS} <= set(received)
    for email in received:
        member = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/{email}").json()
        assert member["stats"] == {"avg_open_rate": round(opened[email] / received[email], 4),
                                   "avg_click_rate": round(clicked[email] / received[email], 4)}, email
    wood = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/wood.corner26@example.com/activity").json()
    actions = Counter(a["action"] for a in wood["activity"])
    assert actions["sent"] == received["wood.corner26@example.com"] and actions["open"] and actions["click"]
    assert [a["timestamp"] for a in wood["activity"]] == sorted((a["timestamp"] for a in wood["activity"]),
                                                               reverse=True)
    ewa = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/ewa.lewandowska@acme-demo.pl").json()
    ewa_feed = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/ewa.lewandowska@acme-demo.pl/activity").json()
    unsub = next(a for a in ewa_feed["activity"] if a["action"] == "unsub")
    assert ewa["status"] == "unsubscribed" and ewa["last_changed"] >= unsub["timestamp"]
    tomasz = http.get(f"{srv.base_url}/lists/{LIST_ID}/members/tomasz.wojcik@acme-demo.pl/activity").json()
    assert tomasz["activity"][0]["action"] == "bounce", "cleaned after a hard bounce, sent nothing since"
    stats = http.get(f"{srv.base_url}/lists/{LIST_ID}").json()["stats"]
    assert stats["campaign_count"] == SEEDED_SENT and 0 < stats["click_rate"] < stats["open_rate"] <= 100


def test_relative_seed_times_count_back_from_the_anchor_so_a_restart_serves_the_same_times():
    seed = {**read_seed(DEMO_SEED), "anchor": "2026-03-10"}
    first, second = Store(seed=seed), Store(seed=seed)
    assert [(c.id, c.web_id, c.send_time) for c in first.campaigns.values()] == [
        (c.id, c.web_id, c.send_time) for c in second.campaigns.values()]
    autumn = first.campaigns["9f1c0a0001"]
    assert autumn.send_time == datetime(2025, 12, 20, 9, 30, tzinfo=UTC)  # "D-80 09:30"
    assert seed_time("D-3", date(2026, 3, 10), "x") == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert seed_time("2026-01-02T03:04:05+00:00", None, "x") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("event, problem", [
    ({"email": "nobody@acme-demo.pl", "action": "open", "minutes_after_send": 5}, "not a member"),
    ({"email": "piotr.zielinski@acme-demo.pl", "action": "open", "minutes_after_send": 5}, "did not receive"),
    ({"email": "jan.kowalski@acme-demo.pl", "action": "forward", "minutes_after_send": 5}, "unknown action"),
    ({"email": "jan.kowalski@acme-demo.pl", "action": "open", "minutes_after_send": 60 * 24 * 400}, "future"),
])
def test_a_seeded_event_that_could_not_have_happened_is_refused(event, problem):
    seed = read_seed(DEMO_SEED)
    audience = {**seed["lists"][0], "campaigns": [{
        "id": "badbadbad1", "title": "Bad", "send_time": "D-5 09:00", "sent_to": ["jan.kowalski@acme-demo.pl"],
        "activity": [event]}]}
    with pytest.raises(ValueError, match=problem):
        Store(seed={**seed, "lists": [audience]})


def test_cli_seed_anchor_dates_the_demo_campaigns():
    """``tools/run`` passes the demo database's day: the campaigns keep their times across restarts."""
    process = subprocess.Popen(
        [sys.executable, "-m", "standins.mailchimp", "--port", "0", "--seed", str(DEMO_SEED),
         "--seed-anchor", "2026-03-10"],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        base_url, api_key = line.split(" on ")[1].split(" ")[0], line.rsplit(" ", 1)[1].rstrip(")")
        autumn = requests.get(f"{base_url}/campaigns/9f1c0a0001", auth=("cli", api_key), timeout=10).json()
        assert (autumn["send_time"], autumn["web_id"]) == ("2025-12-20T09:30:00+00:00", 418241)
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
