"""The customer's Mailchimp panel without Odoo: addresses, statuses, campaigns, rates, the dialog's changes."""
import pytest
import requests

from mailchimp_sync.campaign_monitor import (
    STATE_ACTIVE,
    STATE_BOUNCED,
    STATE_DELETED,
    STATE_UNCONFIRMED,
    STATE_UNSUBSCRIBED,
)
from mailchimp_sync.campaign_monitor_panel import CampaignMonitorPanelProvider
from mailchimp_sync.const import MEMBER_STATUSES, STATUS_DELETED
from mailchimp_sync.errors import MailchimpError
from mailchimp_sync.panel import (
    MailchimpPanelProvider,
    PanelAddress,
    address_panel,
    average_rates,
    last_campaigns,
    panel_addresses,
    split_addresses,
    subscription_changes,
)
from mailchimp_sync.panel_providers import (
    NOT_A_MEMBER,
    StatusWord,
    provider_panel,
    status_word,
    status_words_payload,
)
from mailchimp_sync.sync_plan import (
    REFUSED_CLEANED,
    REFUSED_DELETED,
    manual_subscription_fallback,
    manual_subscription_status,
)

AUDIENCES = [("news", "Newsletter"), ("b2b", "Wholesale"), ("events", "Events"), ("old", "Old list")]


def event(action, campaign_id, timestamp, title=""):
    return {"action": action, "campaign_id": campaign_id, "timestamp": timestamp, "title": title or campaign_id}


# ------------------------------------------------------------------ addresses

def test_an_email_field_with_several_addresses_gives_each_once_in_mailchimps_form():
    field = 'jan@acme.pl, "Jan Kowalski" <Jan@ACME.pl>; biuro@münchen.de;  ; not an address, anna@acme.pl'
    assert split_addresses(field) == ["jan@acme.pl", "biuro@xn--mnchen-3ya.de", "anna@acme.pl"]


def test_an_empty_field_has_no_address():
    assert split_addresses(None) == []
    assert split_addresses("  ;, ") == []


def test_contacts_add_their_own_addresses_after_the_customers():
    addresses = panel_addresses(1, "Acme", "office@acme.pl; sales@acme.pl",
                                [(2, "Jan", "jan@acme.pl"), (3, "Copy", "OFFICE@acme.pl"), (4, "None", False)])
    assert addresses == [PanelAddress("office@acme.pl", 1, "Acme"), PanelAddress("sales@acme.pl", 1, "Acme"),
                         PanelAddress("jan@acme.pl", 2, "Jan")]
    assert addresses[0].key == "office@acme.pl"


# ------------------------------------------------------------------ the panel of one address

def test_every_audience_is_listed_with_its_status_colour():
    members = {"news": {"status": "subscribed"}, "b2b": {"status": "unsubscribed"},
               "events": {"status": "pending"}, "old": {"status": "cleaned"}}
    panel = address_panel("jan@acme.pl", AUDIENCES, members)
    assert [(row["name"], row["status"], row["css"], row["wanted"]) for row in panel["audiences"]] == [
        ("Newsletter", "subscribed", "text-success", True),
        ("Wholesale", "unsubscribed", "text-danger", False),
        ("Events", "pending", "text-warning", True),
        ("Old list", "cleaned", "text-muted", False),
    ]
    assert panel["in_any_audience"] is True
    assert panel["subscribed_count"] == 1


@pytest.mark.parametrize("status", ["archived", "deleted", "transactional"])
def test_gone_statuses_are_grey(status):
    [row] = address_panel("a@acme.pl", [("news", "N")], {"news": {"status": status}})["audiences"]
    assert row["css"] == "text-muted"


def test_an_address_in_no_audience_has_no_campaigns_and_no_rates():
    panel = address_panel("new@acme.pl", AUDIENCES, {"news": None})
    assert panel["in_any_audience"] is False
    assert all(row["status"] is None for row in panel["audiences"])
    assert panel["campaigns"] == []
    assert panel["activity"] is None


def test_the_three_latest_campaigns_with_opened_and_clicked_marks():
    events = [
        event("sent", "c1", "2026-01-01T10:00:00+00:00", "January"),
        event("open", "c1", "2026-01-01T12:00:00+00:00"),
        event("sent", "c2", "2026-02-01T10:00:00+00:00", "February"),
        event("click", "c2", "2026-02-03T09:00:00+00:00"),
        event("open", "c2", "2026-02-02T09:00:00+00:00"),
        event("open", "c2", "2026-02-01T11:00:00+00:00"),
        event("sent", "c3", "2026-03-01T10:00:00+00:00", "March"),
        event("sent", "c4", "2026-04-01T10:00:00+00:00", "April"),
        event("bounce", "c4", "2026-04-01T10:01:00+00:00"),
    ]
    campaigns = last_campaigns(events)
    assert [campaign["title"] for campaign in campaigns] == ["April", "March", "February"]
    april, march, february = campaigns
    assert (april["opened"], april["clicked"]) == (False, False)
    assert (march["opened"], march["clicked"]) == (False, False)
    assert february == {"campaign_id": "c2", "title": "February", "sent_at": "2026-02-01 10:00:00",
                        "opened": True, "opened_at": "2026-02-01 11:00:00",
                        "clicked": True, "clicked_at": "2026-02-03 09:00:00"}


def test_a_campaign_seen_in_two_audiences_counts_once():
    sent = event("sent", "c1", "2026-01-01T10:00:00+00:00", "January")
    panel = address_panel("jan@acme.pl", AUDIENCES[:2], {"news": {"status": "subscribed"}},
                          {"news": [sent], "b2b": [sent]})
    assert [campaign["campaign_id"] for campaign in panel["campaigns"]] == ["c1"]


def test_a_campaign_whose_sent_event_is_gone_is_dated_by_its_first_event():
    [campaign] = last_campaigns([event("click", "c9", "2026-05-02T10:00:00+00:00"),
                                 event("open", "c9", "2026-05-01T10:00:00+00:00")])
    assert campaign["sent_at"] == "2026-05-01 10:00:00"
    assert campaign["opened"] and campaign["clicked"]


def test_rates_are_mailchimps_member_stats_weighted_by_campaigns_received():
    members = {"news": {"status": "subscribed", "stats": {"avg_open_rate": 0.5, "avg_click_rate": 0.25}},
               "b2b": {"status": "subscribed", "stats": {"avg_open_rate": 1.0, "avg_click_rate": 0.0}},
               "events": {"status": "subscribed", "stats": {"avg_open_rate": 0, "avg_click_rate": 0}}}
    activities = {"news": [event("sent", "n1", "2026-01-01T10:00:00+00:00"),
                           event("sent", "n2", "2026-01-02T10:00:00+00:00"),
                           event("sent", "n3", "2026-01-03T10:00:00+00:00")],
                  "b2b": [event("sent", "b1", "2026-01-04T10:00:00+00:00")],
                  "events": []}
    assert average_rates(members, activities) == {"avg_open_rate": 0.625, "avg_click_rate": 0.1875}


def test_no_campaign_received_hides_the_rates():
    members = {"news": {"status": "subscribed", "stats": {"avg_open_rate": 0, "avg_click_rate": 0}}}
    assert average_rates(members, {"news": []}) is None


# ------------------------------------------------------------------ the dialog

def test_save_sends_only_the_boxes_that_changed():
    original = {"news": True, "b2b": False, "events": False}
    wanted = {"news": True, "b2b": True, "events": False, "unknown": True}
    assert subscription_changes(original, wanted) == [("b2b", True)]
    assert subscription_changes(original, {"news": False}) == [("news", False)]
    assert subscription_changes(original, dict(original)) == []


@pytest.mark.parametrize("current, subscribe, double_optin, expected", [
    (None, True, False, "subscribed"),
    (None, True, True, "pending"),
    ("archived", True, False, "subscribed"),
    ("unsubscribed", True, False, "pending"),
    ("unsubscribed", True, True, "pending"),
    ("subscribed", True, False, None),
    ("pending", True, False, None),
    ("subscribed", False, False, "unsubscribed"),
    ("pending", False, False, "unsubscribed"),
    ("unsubscribed", False, False, None),
    (None, False, False, None),
    ("cleaned", False, False, None),
])
def test_a_ticked_box_never_subscribes_who_left_only_asks_them_to_confirm(current, subscribe, double_optin, expected):
    assert manual_subscription_status(current, subscribe, double_optin) == expected


@pytest.mark.parametrize("current, reason", [("cleaned", REFUSED_CLEANED), ("deleted", REFUSED_DELETED)])
def test_cleaned_and_erased_addresses_cannot_be_ticked(current, reason):
    with pytest.raises(ValueError) as refused:
        manual_subscription_status(current, True)
    assert str(refused.value) == reason


def test_a_compliance_refusal_of_subscribed_falls_back_to_pending():
    assert manual_subscription_fallback("subscribed") == "pending"
    assert manual_subscription_fallback("pending") is None
    assert manual_subscription_fallback("unsubscribed") is None


# ------------------------------------------------------------------ against the stand-in

def test_the_panel_of_an_address_read_through_the_client(make_client, standin):
    client = make_client()
    list_id = client.create_list({
        "name": "Panel", "permission_reminder": "You are a customer.", "email_type_option": False,
        "contact": {"company": "Acme", "address1": "Ul. Prosta 1", "city": "Warszawa", "country": "PL"},
        "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme.pl", "subject": "", "language": "pl"},
    })["id"]
    client.upsert_member(list_id, "reader@acme.pl", {"email_address": "reader@acme.pl", "status_if_new": "subscribed"})
    campaign = client.request("POST", "campaigns", json_body={
        "type": "regular", "recipients": {"list_id": list_id},
        "settings": {"subject_line": "Hi", "title": "Spring", "from_name": "Acme", "reply_to": "news@acme.pl"}})
    client.request("PUT", f"campaigns/{campaign['id']}/content", json_body={"html": "<p>Hi</p>"
        "<p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"})
    client.request("POST", f"campaigns/{campaign['id']}/actions/send")
    requests.post(f"{standin.root_url}/_standin/campaigns/{campaign['id']}/activity",
                  json={"email": "reader@acme.pl", "action": "open"}, timeout=10).raise_for_status()

    assert client.find_member(list_id, "nobody@acme.pl") is None
    members = {list_id: client.find_member(list_id, "Reader@acme.pl")}
    activities = {list_id: client.get_member_activity(list_id, "reader@acme.pl")}
    panel = address_panel("reader@acme.pl", [(list_id, "Panel")], members, activities)
    assert panel["audiences"][0]["status"] == "subscribed"
    [received] = panel["campaigns"]
    assert (received["title"], received["opened"], received["clicked"]) == ("Spring", True, False)
    assert panel["activity"] == {"avg_open_rate": 1.0, "avg_click_rate": 0.0}

    provider = MailchimpPanelProvider(client, [(list_id, "Panel")], max_retries=0)
    assert provider_panel(provider, "reader@acme.pl") == {**panel, "members_only": False}, \
        "the panel's questions of any provider give Mailchimp's panel"


def test_a_read_with_no_retry_fails_at_the_first_error(make_client, standin, sleeps):
    client = make_client(sleep=sleeps)
    standin.faults.add(status=503, times=3)
    with pytest.raises(MailchimpError) as failed:
        client.find_member("any", "a@acme.pl", max_retries=0)
    assert failed.value.status == 503
    assert sleeps.delays == []


@pytest.mark.parametrize("provider, statuses", [
    (MailchimpPanelProvider, (*MEMBER_STATUSES, STATUS_DELETED)),
    (CampaignMonitorPanelProvider, (STATE_ACTIVE, STATE_UNSUBSCRIBED, STATE_UNCONFIRMED, STATE_BOUNCED, STATE_DELETED)),
])
def test_every_status_a_provider_reports_has_a_word_and_a_colour(provider, statuses):
    assert set(provider.status_words) == set(statuses)
    assert all(word.label and word.css.startswith("text-") for word in provider.status_words.values())


def test_a_status_without_a_word_is_shown_as_it_is_and_no_status_as_not_a_member():
    words = MailchimpPanelProvider.status_words
    assert status_word(words, "pending") == StatusWord("Waiting for confirmation", "text-warning")
    assert status_word(words, "vip") == StatusWord("vip", "text-muted")
    assert status_word(words, None) == NOT_A_MEMBER == StatusWord("Not a member", "text-muted")


def test_the_widget_gets_every_status_word_translated_and_the_not_a_member_word():
    payload = status_words_payload(CampaignMonitorPanelProvider.status_words, translate=str.upper)
    assert payload["statuses"]["Unconfirmed"] == {"label": "NOT CONFIRMED", "css": "text-warning"}
    assert set(payload["statuses"]) == set(CampaignMonitorPanelProvider.status_words)
    assert payload["none"] == {"label": "NOT A MEMBER", "css": "text-muted"}
