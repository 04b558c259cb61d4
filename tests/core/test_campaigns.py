"""Campaigns, reports and email activity as rows (``mailchimp_sync.campaigns``), also against the stand-in."""
from datetime import datetime, timedelta

import pytest
import requests

from mailchimp_sync import campaigns as core
from mailchimp_sync.client import MailchimpClient
from mailchimp_sync.credentials import Credentials
from mailchimp_sync.errors import MailchimpError
from standins.mailchimp import DEMO_SEED, StandinServer

WITH_FOOTER = "<p>x</p><p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"

T0 = datetime(2026, 3, 1, 10, 0, 0)


def test_campaign_values_and_link():
    campaign = {"id": "abc123", "web_id": 42, "type": "regular", "status": "sent",
                "send_time": "2026-03-01T10:00:00+00:00", "emails_sent": 3,
                "recipients": {"list_id": "L1", "segment_opts": {"saved_segment_id": 77}},
                "settings": {"title": "Spring", "subject_line": "Hello", "from_name": "Acme",
                             "reply_to": "news@acme.pl"}}
    values = core.campaign_values(campaign, "us6")
    assert values == {"mailchimp_id": "abc123", "list_id": "L1", "web_id": "42", "title": "Spring",
                      "subject": "Hello", "preview_text": "", "from_name": "Acme", "reply_to": "news@acme.pl",
                      "segment_id": "77", "type": "regular", "status": "sent", "send_time": T0,
                      "emails_sent": 3, "url": "https://us6.admin.mailchimp.com/campaigns/show?id=42"}
    assert core.campaign_url({**campaign, "long_archive_url": "https://x/long"}, "us6") == "https://x/long"
    assert core.campaign_url({**campaign, "archive_url": "http://eepurl.com/a", "long_archive_url": "b"},
                             "us6") == "http://eepurl.com/a"
    draft = core.campaign_values({"id": "d", "status": "save", "send_time": ""}, "us6")
    assert draft["send_time"] is None and draft["url"] == "" and draft["title"] == ""
    assert draft["segment_id"] == "" and draft["reply_to"] == ""


def test_draft_settings_are_the_columns_mailchimp_names():
    assert core.draft_settings({"subject": "Hi", "preview_text": False, "title": "", "from_name": "Acme",
                                "reply_to": "news@acme.pl"}) == {
        "subject_line": "Hi", "preview_text": "", "title": "Hi", "from_name": "Acme", "reply_to": "news@acme.pl"}


def test_report_values_in_percent():
    report = {"emails_sent": 3, "abuse_reports": 1, "unsubscribed": 2,
              "bounces": {"hard_bounces": 1, "soft_bounces": 2},
              "opens": {"opens_total": 5, "unique_opens": 2, "open_rate": 0.6667},
              "clicks": {"clicks_total": 4, "unique_clicks": 3, "unique_subscriber_clicks": 1, "click_rate": 0.3333}}
    assert core.report_values(report) == {
        "emails_sent": 3, "opens_total": 5, "unique_opens": 2, "open_rate": 66.67, "clicks_total": 4,
        "unique_clicks": 3, "unique_subscriber_clicks": 1, "click_rate": 33.33, "unsubscribed": 2,
        "hard_bounces": 1, "soft_bounces": 2, "abuse_reports": 1}
    assert core.report_values({})["open_rate"] == 0.0


def test_report_refreshed_for_30_days_then_frozen():
    sent = T0
    assert core.report_is_due("sent", sent, None, sent + timedelta(days=400))
    assert core.report_is_due("sent", sent, sent + timedelta(days=29), sent + timedelta(days=31))
    assert not core.report_is_due("sent", sent, sent + timedelta(days=30, minutes=1), sent + timedelta(days=40))
    assert not core.report_is_due("save", None, None, sent)


def test_activity_since_takes_the_earlier_moment_less_a_margin():
    assert core.activity_since(None, None) is None
    assert core.activity_since(T0, T0 + timedelta(hours=5)) == "2026-03-01T09:00:00+00:00"
    assert core.activity_since(None, T0.replace(microsecond=5), timedelta(0)) == "2026-03-01T10:00:00+00:00"


def test_activity_rows_rank_events_of_the_same_second():
    entry = {"email_address": "Jan@Acme.pl", "activity": [
        {"action": "open", "timestamp": "2026-03-01T10:00:00+00:00"},
        {"action": "open", "timestamp": "2026-03-01T10:00:00+00:00"},
        {"action": "click", "timestamp": "2026-03-01T10:01:00+00:00", "url": "https://a"},
        {"action": "bounce", "timestamp": "2026-03-01T10:02:00+00:00", "type": "soft"},
        {"action": "unsub", "timestamp": "2026-03-01T10:03:00+00:00"},
        {"action": "open", "timestamp": "bad"},
    ]}
    rows = core.activity_rows(entry)
    assert [(r.action, r.rank) for r in rows] == [("open", 0), ("open", 1), ("click", 0), ("bounce", 0)]
    assert rows[2].url == "https://a" and rows[3].bounce_type == "soft" and rows[0].url == ""
    assert len({r.key for r in rows}) == 4
    assert core.activity_rows(entry)[1].key == rows[1].key  # same data, same key
    assert core.activity_rows({"email_address": "", "activity": entry["activity"]}) == []


@pytest.fixture(scope="module")
def server():
    with StandinServer(seed=DEMO_SEED, validate_webhook_urls=False) as srv:
        yield srv


def test_against_the_standin_report_and_incremental_activity(server):
    client = MailchimpClient(Credentials.from_api_key(server.api_key, base_url=server.base_url))
    list_id = "a1b2c3d4e5"  # the demo audience
    emails = [m.email_address for m in server.store.audiences[list_id].members.values() if m.status == "subscribed"]
    campaign = client.request("POST", "campaigns", json_body={
        "type": "regular", "recipients": {"list_id": list_id},
        "settings": {"subject_line": "Hi", "title": "T", "from_name": "A", "reply_to": "a@acme-example.com"}})
    client.request("PUT", f"campaigns/{campaign['id']}/content", json_body={"html": WITH_FOOTER})
    client.request("POST", f"campaigns/{campaign['id']}/actions/send")
    server.store.record_activity(campaign["id"], emails[0], "open")
    requests.post(f"{server.root_url}/_standin/campaigns/{campaign['id']}/activity",
                  json={"email": emails[0], "action": "click", "url": "https://acme.pl/x"}, timeout=5)
    listed = [c for c in client.iter_campaigns(list_id) if c["id"] == campaign["id"]]
    assert core.campaign_values(listed[0], "us6")["status"] == "sent"
    stats = core.report_values(client.get_campaign_report(campaign["id"]))
    assert (stats["opens_total"], stats["clicks_total"], stats["emails_sent"]) == (1, 1, len(emails))
    everything = list(client.iter_email_activity(campaign["id"]))
    assert len(everything) == len(emails)
    rows = [row for entry in everything for row in core.activity_rows(entry)]
    assert sorted(r.action for r in rows) == ["click", "open"]
    since = core.activity_since(max(r.timestamp for r in rows), None, timedelta(0))
    again = [row for entry in client.iter_email_activity(campaign["id"], since=since)
             for row in core.activity_rows(entry)]
    assert {r.key for r in again} <= {r.key for r in rows} and again
    client.close()


def test_sent_to_is_read_once_the_campaign_is_sent_and_until_one_read_went_through():
    assert core.sent_to_is_due("sent", False)
    assert not core.sent_to_is_due("sent", True), "a sent campaign's recipients are final: read once"
    assert not core.sent_to_is_due("sending", False), "while sending the list still grows"
    assert not core.sent_to_is_due("save", False)


def test_recipient_and_unsubscribe_rows():
    assert core.recipient_row({"email_address": " Jan@Acme.pl ", "status": "hard"}) == core.RecipientRow(
        "Jan@Acme.pl", "hard")
    assert core.recipient_row({"email_address": "a@acme.pl", "status": "sent"}).bounce_type == ""
    assert core.recipient_row({"email_address": "a@acme.pl", "status": "soft"}).bounce_type == "soft"
    assert core.recipient_row({"email_address": "a@acme.pl", "status": "new-thing"}).delivery == "sent"
    assert core.recipient_row({"status": "sent"}) is None
    row = core.unsubscribe_row({"email_address": "a@acme.pl", "timestamp": "2026-03-01T10:00:00+00:00",
                                "reason": "No longer interested"})
    assert row == core.UnsubscribeRow("a@acme.pl", T0, "No longer interested")
    assert core.unsubscribe_row({"email_address": ""}) is None


def test_client_and_standin_agree_on_the_sent_to_and_unsubscribed_reports_page_by_page(server):
    client = MailchimpClient(Credentials.from_api_key(server.api_key, base_url=server.base_url))
    list_id = "a1b2c3d4e5"  # the demo audience
    emails = [m.email_address for m in server.store.audiences[list_id].members.values() if m.status == "subscribed"]
    assert len(emails) > 3
    campaign = client.request("POST", "campaigns", json_body={
        "type": "regular", "recipients": {"list_id": list_id},
        "settings": {"subject_line": "Hi", "title": "T", "from_name": "A", "reply_to": "a@acme-example.com"}})
    client.request("PUT", f"campaigns/{campaign['id']}/content", json_body={"html": WITH_FOOTER})
    client.request("POST", f"campaigns/{campaign['id']}/actions/send")
    server.store.record_activity(campaign["id"], emails[0], "open")
    server.store.record_activity(campaign["id"], emails[1], "bounce", bounce_type="soft")
    server.store.user_unsubscribe(list_id, emails[2], campaign_id=campaign["id"])
    before = len(server.request_log)
    entries = list(client.iter_sent_to(campaign["id"], page_size=2))
    pages = [entry for entry in server.request_log[before:] if entry[1].endswith("/sent-to")]
    assert len(pages) == -(-len(emails) // 2), "every page asked for, once"
    page = client.request("GET", f"reports/{campaign['id']}/sent-to", params={"count": 2})
    assert (page["total_items"], len(page["sent_to"]), page["campaign_id"]) == (len(emails), 2, campaign["id"])
    rows = {row.email: row for row in map(core.recipient_row, entries)}
    assert set(rows) == set(emails)
    assert (rows[emails[0]].delivery, rows[emails[1]].delivery, rows[emails[1]].bounce_type) == ("sent", "soft", "soft")
    assert next(e for e in entries if e["email_address"] == emails[0])["open_count"] == 1
    unsubscribed = [core.unsubscribe_row(entry) for entry in client.iter_unsubscribed(campaign["id"], page_size=1)]
    assert [row.email for row in unsubscribed] == [emails[2]] and unsubscribed[0].timestamp
    draft = client.request("POST", "campaigns", json_body={"type": "regular", "recipients": {"list_id": list_id}})
    with pytest.raises(MailchimpError) as refused:
        list(client.iter_sent_to(draft["id"]))
    assert refused.value.status == 404, "a campaign not sent has no report"
    client.close()
