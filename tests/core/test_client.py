"""The Mailchimp client against the stand-in: success, retries, errors, secrets."""
import logging
import threading
import time

import pytest

from mailchimp_sync.batch_result import parse_batch_response
from mailchimp_sync.client import MailchimpClient, subscriber_hash
from mailchimp_sync.credentials import Credentials
from mailchimp_sync.json_http import INTERACTIVE_OPTIONS
from mailchimp_sync.panel import MailchimpPanelProvider
from mailchimp_sync.errors import (
    MailchimpComplianceError,
    MailchimpConnectionError,
    MailchimpError,
    MailchimpForgottenError,
    MailchimpRetryError,
)
from standins.mailchimp import StandinServer


def test_subscriber_hash_is_md5_of_lowercased_email():
    assert subscriber_hash("Urist.McVankab@freddiesjokes.com") == "62eeb292278cc15f5817cb78f7790b08"


def test_ping_and_account(make_client):
    client = make_client()
    assert client.ping() == {"health_status": "Everything's Chimpy!"}
    account = client.get_account()
    assert account["account_name"]
    assert account["account_id"]


def test_oauth_token_works_like_a_key(standin):
    credentials = Credentials.from_oauth(standin.oauth_token, "us6", base_url=standin.base_url)
    with MailchimpClient(credentials) as client:
        assert client.ping()["health_status"] == "Everything's Chimpy!"


def test_unknown_key_gives_mailchimps_own_error(make_client):
    client = make_client(api_key="ffffffffffffffffffffffffffffffff-us6")
    with pytest.raises(MailchimpError) as caught:
        client.ping()
    assert caught.value.status == 401
    assert caught.value.title == "API Key Invalid"
    assert str(caught.value).startswith("Mailchimp did not accept the API key (error 401): ")


def test_key_of_another_data_centre_is_refused(make_client, standin):
    other_dc_key = standin.api_key.rsplit("-", 1)[0] + "-us7"
    with pytest.raises(MailchimpError) as caught:
        make_client(api_key=other_dc_key).ping()
    assert caught.value.status == 403
    assert caught.value.title == "Wrong Datacenter"


def test_missing_resource_is_a_problem_document(make_client):
    with pytest.raises(MailchimpError) as caught:
        make_client().get_list("doesnotexist")
    assert caught.value.status == 404
    assert caught.value.title == "Resource Not Found"
    assert caught.value.detail


def test_429_is_retried_with_growing_backoff(make_client, standin, sleeps):
    standin.faults.add(status=429, times=3)
    assert make_client().ping()["health_status"]
    assert len(sleeps.delays) == 3
    assert sleeps.delays[0] < sleeps.delays[2]
    assert all(delay > 0 for delay in sleeps.delays)


def test_retry_after_is_honoured(make_client, standin, sleeps):
    standin.faults.add(status=429, times=1, retry_after=7)
    make_client().ping()
    assert sleeps.delays == [7.0]


def test_503_is_retried_for_reads(make_client, standin, sleeps):
    standin.faults.add(status=503, times=2)
    assert make_client().get_lists() is not None
    assert len(sleeps.delays) == 2


def test_503_on_a_plain_post_is_not_retried(make_client, standin, sleeps):
    """A create may have happened before the 5xx: repeating it could create twice."""
    standin.faults.add(status=503, times=1)
    with pytest.raises(MailchimpError) as caught:
        make_client().create_list({"name": "x"})
    assert caught.value.status == 503
    assert sleeps.delays == []


def test_batch_upsert_is_retried_on_503(make_client, standin, sleeps):
    list_id = make_client().get_lists()[0]["id"]
    standin.faults.add(status=503, times=1)
    result = make_client().batch_subscribe(list_id, [
        {"email_address": "retry.batch@acme-example.com", "status_if_new": "subscribed"}])
    assert result["total_created"] + result["total_updated"] == 1
    assert len(sleeps.delays) == 1


def test_slow_answer_times_out_and_is_retried(make_client, standin, sleeps):
    standin.faults.add(delay=1.5, times=1)
    client = make_client(timeout=(2.0, 0.3))
    assert client.ping()["health_status"]
    assert len(sleeps.delays) == 1


def test_dropped_connection_is_retried(make_client, standin, sleeps):
    standin.faults.add(drop=True, times=1)
    assert make_client().ping()["health_status"]
    assert len(sleeps.delays) == 1


def test_dropped_connection_on_a_plain_post_is_not_retried(make_client, standin, sleeps):
    """The request was sent: Mailchimp may have created the list before the connection broke."""
    standin.faults.add(drop=True, times=1, method="POST")
    with pytest.raises(MailchimpConnectionError) as caught:
        make_client().create_list({"name": "x"})
    assert sleeps.delays == []
    assert caught.value.status is None
    assert "Remote end closed connection without response" in str(caught.value)


def test_dropped_connection_on_an_upsert_is_retried(make_client, standin, sleeps):
    client = make_client()
    list_id = client.get_lists()[0]["id"]
    standin.faults.add(drop=True, times=1, method="PUT")
    member = client.upsert_member(list_id, "dropped.put@acme-example.com", {
        "email_address": "dropped.put@acme-example.com", "status_if_new": "subscribed"})
    assert member["email_address"] == "dropped.put@acme-example.com"
    assert len(sleeps.delays) == 1


@pytest.fixture
def unreachable_client(sleeps, unreachable_url):
    credentials = Credentials.from_api_key(
        "0123456789abcdef0123456789abcdef-us6", base_url=f"{unreachable_url}/3.0")
    with MailchimpClient(credentials, max_retries=2, sleep=sleeps) as client:
        yield client


def test_refused_connection_on_a_plain_post_is_retried(unreachable_client, sleeps):
    """Nothing listens on the port: no request reached anyone, so repeating the create is safe."""
    with pytest.raises(MailchimpRetryError) as caught:
        unreachable_client.create_list({"name": "x"})
    assert len(sleeps.delays) == 2
    assert "could not be reached" in str(caught.value)
    assert str(caught.value).endswith("Connection refused. Gave up after 3 attempts.")


def test_clear_error_when_retries_run_out(make_client, standin, sleeps):
    standin.faults.add(status=503, times=10)
    with pytest.raises(MailchimpRetryError) as caught:
        make_client(max_retries=2).ping()
    assert caught.value.status == 503
    assert "Gave up after 3 attempts" in str(caught.value)
    assert len(sleeps.delays) == 2


def test_unreachable_host_gives_a_connection_error(unreachable_client):
    with pytest.raises(MailchimpError) as caught:
        unreachable_client.ping()
    assert caught.value.status is None
    assert "could not be reached" in str(caught.value)
    assert isinstance(caught.value, (MailchimpConnectionError, MailchimpRetryError))


def test_never_more_than_ten_connections_at_once(sleeps):
    """30 concurrent calls through one client stay under Mailchimp's limit of 10.

    A stand-in of its own: a slow request left over from another test would
    still hold one of the account's 10 connections.
    """
    with StandinServer() as standin:
        standin.faults.add(delay=0.2, times=30)
        credentials = Credentials.from_api_key(standin.api_key, base_url=standin.base_url)
        with MailchimpClient(credentials, sleep=sleeps) as client:
            failures = _ping_concurrently(client, 30)
    assert failures == []
    assert sleeps.delays == []


def _ping_concurrently(client, count):
    failures = []

    def call():
        try:
            client.ping()
        except MailchimpError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_paging_walks_the_whole_collection(make_client):
    client = make_client()
    list_id = client.get_lists()[0]["id"]
    emails = [f"page{n}@acme-example.com" for n in range(25)]
    client.batch_subscribe(list_id, [{"email_address": e, "status_if_new": "subscribed"} for e in emails])
    seen = {m["email_address"] for m in client.iter_members(list_id, page_size=10)}
    assert set(emails) <= seen


def test_secrets_never_reach_the_logs_or_errors(make_client, standin, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client()
    standin.faults.add(status=429, times=1)
    standin.faults.add(drop=True, times=1)
    client.ping()
    texts = []
    for bad_key in (standin.api_key.rsplit("-", 1)[0] + "-us7", "ffffffffffffffffffffffffffffffff-us6"):
        with pytest.raises(MailchimpError) as caught:
            make_client(api_key=bad_key).ping()
        texts.append(str(caught.value))
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.exc_info) for record in caplog.records if record.exc_info]
    secret = standin.api_key.split("-")[0]
    assert caplog.records, "the client logged nothing: the assertion would prove nothing"
    assert not [text for text in texts if secret in text or "ffffffffffffffffffffffffffffffff" in text]


def test_webhooks_are_created_listed_and_deleted(make_client, standin):
    client = make_client()
    list_id = client.get_lists()[0]["id"] if client.get_lists() else client.create_list({
        "name": "Hooks", "permission_reminder": "x", "email_type_option": False,
        "contact": {"company": "Acme", "address1": "Prosta 1", "city": "Warszawa", "country": "PL"},
        "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme-example.com", "subject": "",
                              "language": "pl"}})["id"]
    standin.store.validate_webhook_urls = False
    try:
        created = client.create_webhook(list_id, "https://odoo.example.com/mailchimp/webhook/1/secret",
                                        {"subscribe": True, "unsubscribe": True}, {"user": True, "api": False})
    finally:
        standin.store.validate_webhook_urls = True
    assert created["sources"]["api"] is False
    assert [hook["id"] for hook in client.get_webhooks(list_id)] == [created["id"]]
    client.delete_webhook(list_id, created["id"])
    assert client.get_webhooks(list_id) == []


def test_members_changed_since_include_the_archived_ones(make_client, standin):
    client = make_client()
    list_id = client.get_lists()[0]["id"]
    for email in ("kept@acme-example.com", "archived@acme-example.com"):
        client.upsert_member(list_id, email, {"email_address": email, "status_if_new": "subscribed"})
    client.archive_member(list_id, "archived@acme-example.com")
    statuses = {member["email_address"]: member["status"]
                for member in client.iter_members_changed_since(list_id, "2000-01-01T00:00:00+00:00")}
    assert statuses["kept@acme-example.com"] == "subscribed"
    assert statuses["archived@acme-example.com"] == "archived"


def test_mailchimps_refusals_of_a_member_write_raise_their_own_classes(make_client, standin, new_list):
    client = make_client()
    list_id = new_list(client, "Refusals")
    standin.store.seed_member(list_id, "left@acme-example.com", status="unsubscribed")
    with pytest.raises(MailchimpComplianceError) as refused:
        client.upsert_member(list_id, "left@acme-example.com",
                             {"email_address": "left@acme-example.com", "status": "subscribed"})
    assert (refused.value.status, refused.value.title) == (400, "Member In Compliance State")
    assert client.upsert_member(list_id, "left@acme-example.com", {
        "email_address": "left@acme-example.com", "status": "pending"})["status"] == "pending"
    client.upsert_member(list_id, "gone@acme-example.com",
                         {"email_address": "gone@acme-example.com", "status_if_new": "subscribed"})
    client.delete_member_permanently(list_id, "gone@acme-example.com")
    with pytest.raises(MailchimpForgottenError):
        client.upsert_member(list_id, "gone@acme-example.com",
                             {"email_address": "gone@acme-example.com", "status_if_new": "subscribed"})


def test_a_batch_subscribe_tells_which_member_mailchimp_refused_for_compliance(make_client, standin, new_list):
    client = make_client()
    list_id = new_list(client, "Batch refusals")
    standin.store.seed_member(list_id, "left@acme-example.com", status="unsubscribed")
    client.upsert_member(list_id, "gone@acme-example.com",
                         {"email_address": "gone@acme-example.com", "status_if_new": "subscribed"})
    client.delete_member_permanently(list_id, "gone@acme-example.com")
    result = parse_batch_response(client.batch_subscribe(list_id, [
        {"email_address": email, "status": "subscribed"}
        for email in ("left@acme-example.com", "gone@acme-example.com", "new@acme-example.com")]))
    assert result.outcomes["left@acme-example.com"].in_compliance_state
    assert "permanently deleted from Mailchimp" in result.outcomes["gone@acme-example.com"].message
    assert not result.outcomes["gone@acme-example.com"].in_compliance_state
    assert not result.outcomes["new@acme-example.com"].failed


def test_a_batch_answer_narrowed_to_the_outcome_fields_reads_as_the_whole_answer(make_client, standin, new_list):
    """The sync asks Mailchimp for what it reads of a batch answer only (OUTCOME_FIELDS): the same outcomes."""
    from dataclasses import replace

    from mailchimp_sync.batch_result import OUTCOME_FIELDS

    client = make_client()
    results = []
    for fields in (None, OUTCOME_FIELDS):
        list_id = new_list(client, f"Batch answer {fields is None}")
        standin.store.seed_member(list_id, "known@acme-example.com", status="subscribed")
        standin.store.seed_member(list_id, "left@acme-example.com", status="unsubscribed")
        answer = client.batch_subscribe(list_id, [
            {"email_address": "new@acme-example.com", "status_if_new": "subscribed"},
            {"email_address": "known@acme-example.com", "merge_fields": {"FNAME": "Known"}},
            {"email_address": "left@acme-example.com", "status": "subscribed"},
            {"email_address": "fake@example", "status_if_new": "subscribed"},
        ], fields=fields)
        results.append(parse_batch_response(answer))
    whole, narrowed = results
    assert {email: outcome.outcome for email, outcome in whole.outcomes.items()} == {
        "new@acme-example.com": "created", "known@acme-example.com": "updated", "left@acme-example.com": "failed",
        "fake@example": "failed"}
    assert all(outcome.last_changed for outcome in narrowed.outcomes.values() if not outcome.failed)
    assert {email: replace(outcome, last_changed=None) for email, outcome in narrowed.outcomes.items()} == {
        email: replace(outcome, last_changed=None) for email, outcome in whole.outcomes.items()}
    assert replace(narrowed, outcomes={}) == replace(whole, outcomes={})


# ------------------------------------------------------------ a person waiting: short timeouts, a bounded call


def test_an_interactive_read_of_a_hung_mailchimp_fails_within_five_seconds(make_client, standin):
    standin.faults.add(delay=8, times=None)  # Mailchimp accepts the connection and never answers in time
    client = make_client(**INTERACTIVE_OPTIONS, sleep=time.sleep)
    logged_before, started = len(standin.request_log), time.monotonic()
    with pytest.raises(MailchimpConnectionError, match="did not answer within 3.0 seconds"):
        client.ping()
    assert time.monotonic() - started <= 5
    assert len(standin.request_log) - logged_before == 1, "no retry once the budget has no room for one"


def test_a_hung_mailchimp_fails_the_panel_of_many_audiences_within_five_seconds(make_client, standin):
    standin.faults.add(delay=8, times=None)
    audiences = [(f"list{number}", f"Audience {number}") for number in range(9)]
    provider = MailchimpPanelProvider(make_client(**INTERACTIVE_OPTIONS, sleep=time.sleep), audiences, parallel=4)
    started = time.monotonic()
    with pytest.raises(MailchimpConnectionError):
        provider.lists_for("hung@example.com")
    assert time.monotonic() - started <= 5, "the audiences after a failure are not read"


def test_the_budget_stops_a_retry_that_would_pass_it(make_client, standin, sleeps):
    standin.faults.add(status=503, times=3)
    client = make_client(max_retries=4, backoff_base=2.0, budget=0.5)
    with pytest.raises(MailchimpError, match="503"):
        client.ping()
    assert sleeps.delays == [], "the backoff would end past the budget: no retry"


def test_batch_clients_keep_long_timeouts_and_no_budget(make_client):
    client = make_client()
    assert client.timeouts == (5.0, 120.0)
    assert client.budget is None
