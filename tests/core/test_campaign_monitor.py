"""The Campaign Monitor client and its panel adapter against the stand-in: errors, retries, states, history."""
import logging

import pytest

from mailchimp_sync.campaign_monitor import (
    API_KEY_EMPTY,
    CLIENT_ID_EMPTY,
    CampaignMonitorClient,
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
    CampaignMonitorError,
    CampaignMonitorRetryError,
)
from mailchimp_sync.campaign_monitor_panel import (
    NOTICE_LOCKED,
    NOTICE_RESUBSCRIBED,
    CampaignMonitorPanelProvider,
    campaigns_from_history,
    rates_from_history,
)
from mailchimp_sync.json_http import BASE_URL_NOT_HTTP
from mailchimp_sync.panel_providers import provider_panel
from standins.campaign_monitor import CampaignMonitorStandinServer
from standins.campaign_monitor.demo import DEMO_SUBSCRIBERS, history_entry

EMAIL = "jan@acme-example.com"
LISTS = {"L-active": "Newsletter", "L-unsub": "Offers", "L-unconf": "Webinars", "L-bounced": "Partners",
         "L-deleted": "Old news", "L-none": "Jobs"}


@pytest.fixture(scope="module")
def cm_server():
    with CampaignMonitorStandinServer() as server:
        yield server


@pytest.fixture
def cm(cm_server):
    cm_server.reset()
    for list_id, name in LISTS.items():
        cm_server.store.add_list(list_id, name)
    yield cm_server
    cm_server.faults.clear()


@pytest.fixture
def make_client(cm, sleeps):
    clients = []

    def factory(api_key=None, client_id=None, **options):
        options.setdefault("sleep", sleeps)
        credentials = CampaignMonitorCredentials.from_key(api_key or cm.api_key, client_id or cm.client_id,
                                                          base_url=cm.base_url)
        client = CampaignMonitorClient(credentials, **options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


def put_every_state(cm, history=()):
    for list_id, state in (("L-active", "Active"), ("L-unsub", "Unsubscribed"), ("L-unconf", "Unconfirmed"),
                           ("L-bounced", "Bounced"), ("L-deleted", "Deleted")):
        cm.store.put_subscriber(list_id, EMAIL, state, history=history)


def test_the_client_details_verify_the_key_and_name_the_client(cm, make_client):
    assert make_client().client_name() == "Demo Newsletters"
    [call] = cm.calls("GET")
    assert call.path == f"/api/v3.3/clients/{cm.client_id}.json"


def test_a_wrong_key_is_campaign_monitors_own_message_and_the_key_is_never_shown(cm, make_client, caplog):
    client = make_client(api_key="wrong-secret-key")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CampaignMonitorError) as caught:
        client.client_name()
    assert str(caught.value) == "Campaign Monitor error 100: Invalid API Key."
    assert (caught.value.status, caught.value.code) == (401, 100)
    assert "wrong-secret-key" not in caplog.text


def test_a_wrong_client_id_is_refused(make_client):
    with pytest.raises(CampaignMonitorError, match="error 102: Invalid ClientID"):
        make_client(client_id="not-the-client").client_name()


def test_blank_credentials_are_refused_before_any_call(cm):
    with pytest.raises(CampaignMonitorConfigError, match="API key is empty") as refused:
        CampaignMonitorCredentials.from_key(" ", cm.client_id)
    assert refused.value.reason == API_KEY_EMPTY, "a code the Odoo layer words in the user's language"
    with pytest.raises(CampaignMonitorConfigError, match="client ID is empty") as refused:
        CampaignMonitorCredentials.from_key(cm.api_key, "")
    assert refused.value.reason == CLIENT_ID_EMPTY
    with pytest.raises(CampaignMonitorConfigError, match="http") as refused:
        CampaignMonitorCredentials.from_key(cm.api_key, cm.client_id, base_url="ftp://x")
    assert (refused.value.reason, refused.value.params) == (BASE_URL_NOT_HTTP, {"service": "Campaign Monitor"})
    assert cm.api_key not in repr(CampaignMonitorCredentials.from_key(cm.api_key, cm.client_id))


def test_503_is_retried_with_backoff_then_gives_up_in_one_sentence(cm, make_client, sleeps):
    cm.faults.add(status=503, times=None)
    with pytest.raises(CampaignMonitorRetryError) as caught:
        make_client(max_retries=2).lists()
    assert len(sleeps.delays) == 2
    assert str(caught.value).endswith("Gave up after 3 attempts.")
    cm.faults.clear()
    cm.faults.add(status=503, times=1)
    assert [item["Name"] for item in make_client().lists()] == list(LISTS.values())


def test_an_unreachable_server_is_said_in_one_sentence(cm_server):
    credentials = CampaignMonitorCredentials.from_key("k", "c", base_url="http://127.0.0.1:9")
    with CampaignMonitorClient(credentials, max_retries=0) as client, \
            pytest.raises(CampaignMonitorError, match="could not be reached at http://127.0.0.1:9"):
        client.lists()


def test_lists_for_an_address_give_the_five_states(cm, make_client):
    put_every_state(cm)
    answer = {item["ListID"]: item["SubscriberState"] for item in make_client().lists_for_email(EMAIL)}
    assert answer == {"L-active": "Active", "L-unsub": "Unsubscribed", "L-unconf": "Unconfirmed",
                      "L-bounced": "Bounced", "L-deleted": "Deleted"}


def test_add_resubscribes_only_when_asked_and_leaves_tracking_consent_unchanged(cm, make_client):
    cm.store.put_subscriber("L-unsub", EMAIL, "Unsubscribed")
    client = make_client()
    client.add_subscriber("L-unsub", EMAIL, name="Jan")
    assert client.subscriber("L-unsub", EMAIL)["State"] == "Unsubscribed"
    client.add_subscriber("L-unsub", EMAIL, resubscribe=True)
    details = client.subscriber("L-unsub", EMAIL)
    assert (details["State"], details["ConsentToTrack"], details["Name"]) == ("Active", "Unchanged", "Jan")
    client.unsubscribe("L-unsub", EMAIL)
    assert client.subscriber("L-unsub", EMAIL)["State"] == "Unsubscribed"


def test_an_unknown_subscriber_is_campaign_monitors_error(make_client):
    with pytest.raises(CampaignMonitorError, match="error 203: Subscriber not in list"):
        make_client().subscriber("L-active", "nobody@acme-example.com")


# ------------------------------------------------------------------ the panel's adapter


def test_the_panel_shows_every_state_in_its_colour_and_ticks_active_and_unconfirmed(cm, make_client):
    put_every_state(cm)
    panel = provider_panel(CampaignMonitorPanelProvider(make_client()), EMAIL)
    rows = {row["list_id"]: (row["status"], row["css"], row["wanted"], row["locked"]) for row in panel["audiences"]}
    assert rows == {
        "L-active": ("Active", "text-success", True, False),
        "L-unsub": ("Unsubscribed", "text-danger", False, False),
        "L-unconf": ("Unconfirmed", "text-warning", True, False),
        "L-bounced": ("Bounced", "text-muted", False, True),
        "L-deleted": ("Deleted", "text-muted", False, False),
        "L-none": (None, "text-muted", False, False),
    }
    assert panel["members_only"] and panel["in_any_audience"] and panel["subscribed_count"] == 1


def test_an_address_in_no_list_has_no_campaigns_and_no_activity(cm, make_client):
    panel = provider_panel(CampaignMonitorPanelProvider(make_client()), EMAIL)
    assert not panel["in_any_audience"]
    assert panel["campaigns"] == [] and panel["activity"] is None


def test_last_three_campaigns_and_rates_come_from_the_history_once_per_campaign(cm, make_client):
    from datetime import datetime
    anchor = datetime(2026, 11, 20, 10, 0)
    history = [history_entry(("c4", "Fourth", 1), anchor, True, True),
               history_entry(("c3", "Third", 10), anchor, True, False),
               history_entry(("c2", "Second", 20), anchor, False, False),
               history_entry(("c1", "First", 30), anchor, False, False)]
    cm.store.put_subscriber("L-active", EMAIL, "Active", history=history)
    cm.store.put_subscriber("L-unsub", EMAIL, "Unsubscribed", history=history[1:])
    panel = provider_panel(CampaignMonitorPanelProvider(make_client()), EMAIL)
    assert [(row["title"], row["opened"], row["clicked"]) for row in panel["campaigns"]] == [
        ("Fourth", True, True), ("Third", True, False), ("Second", False, False)]
    assert panel["campaigns"][0]["opened_at"] == "2026-11-19 11:00:00"
    assert panel["campaigns"][0]["clicked_at"] == "2026-11-19 12:00:00"
    assert panel["activity"] == {"avg_open_rate": 0.5, "avg_click_rate": 0.25}


def test_history_helpers_without_history():
    assert campaigns_from_history([[], []]) == []
    assert rates_from_history([]) is None


def test_changes_resubscribe_who_unsubscribed_and_say_so(cm, make_client):
    put_every_state(cm)
    provider = CampaignMonitorPanelProvider(make_client())
    results = {row["list_id"]: row for row in provider.apply_changes(
        EMAIL, [("L-unsub", True), ("L-active", False), ("L-bounced", True), ("L-none", True)], name="Jan")}
    assert results["L-unsub"]["status"] == "Active"
    assert results["L-unsub"]["notice"] == NOTICE_RESUBSCRIBED and results["L-unsub"]["previous"] == "Unsubscribed"
    assert (results["L-active"]["status"], results["L-active"]["css"]) == ("Unsubscribed", "text-danger")
    assert results["L-bounced"]["error"] == NOTICE_LOCKED and results["L-bounced"]["status"] == "Bounced"
    assert results["L-none"]["status"] == "Active" and not results["L-none"]["message"]
    added = [call for call in cm.calls("POST") if call.path.endswith("/subscribers/L-bounced.json")]
    assert added == []


def test_one_lists_failure_does_not_stop_the_others(cm, make_client):
    put_every_state(cm)
    cm.faults.add(status=500, times=None, path_contains="L-unsub")
    results = CampaignMonitorPanelProvider(make_client(max_retries=0)).apply_changes(
        EMAIL, [("L-unsub", True), ("L-active", False)])
    assert "error 500" in results[0]["error"]
    assert results[1]["status"] == "Unsubscribed" and not results[1]["error"]


def test_the_demo_shows_every_state_and_a_history_for_the_demo_customers():
    with CampaignMonitorStandinServer(demo=True) as demo:
        credentials = CampaignMonitorCredentials.from_key(demo.api_key, demo.client_id, base_url=demo.base_url)
        with CampaignMonitorClient(credentials) as client:
            states = {item["SubscriberState"] for email in DEMO_SUBSCRIBERS
                      for item in client.lists_for_email(email)}
            panel = provider_panel(CampaignMonitorPanelProvider(client), "wood.corner26@example.com")
    assert states == {"Active", "Unsubscribed", "Unconfirmed", "Bounced", "Deleted"}
    assert len(panel["campaigns"]) == 3 and panel["activity"] == {"avg_open_rate": 0.75, "avg_click_rate": 0.5}


def test_delete_subscriber_is_what_the_stand_in_does_and_idempotent(cm, make_client):
    from mailchimp_sync.campaign_monitor import CODE_NOT_IN_LIST
    from mailchimp_sync.gdpr import already_gone

    cm.store.put_subscriber("L-active", EMAIL, "Active", name="Jan")
    client = make_client()
    client.delete_subscriber("L-active", EMAIL)
    assert cm.calls("DELETE", "/subscribers/L-active.json")[-1].query == {"email": EMAIL}
    assert client.subscriber("L-active", EMAIL)["State"] == "Deleted"
    client.delete_subscriber("L-active", EMAIL)  # again: still deleted, no error
    assert client.subscriber("L-active", EMAIL)["State"] == "Deleted"
    with pytest.raises(CampaignMonitorError) as refused:
        client.delete_subscriber("L-none", EMAIL)
    assert refused.value.code == CODE_NOT_IN_LIST
    assert already_gone("campaign_monitor", refused.value.status, refused.value.code)
