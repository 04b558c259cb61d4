"""Mailchimp's send checklist: read by the core, computed by the stand-in, enforced on send and schedule."""
from datetime import timedelta

import pytest
from standins.mailchimp import checklist as standin_checklist

from mailchimp_sync import campaign_content
from mailchimp_sync.client import MailchimpClient
from mailchimp_sync.credentials import Credentials
from mailchimp_sync.errors import MailchimpError
from mailchimp_sync.send_checklist import (
    NOT_READY_DETAIL,
    ChecklistUnreadable,
    is_not_ready_refusal,
    parse_checklist,
    refusal_text,
)

LIST_ID = "a1b2c3d4e5"
FOOTER = ('<p><a href="*|UNSUB|*">Unsubscribe</a> from this list.<br>'
          "Our mailing address is: *|HTML:LIST_ADDRESS_HTML|*</p>")
SETTINGS = {"subject_line": "Autumn offer", "preview_text": "Only now", "title": "Autumn 2026",
            "from_name": "Acme Demo", "reply_to": "newsletter@acme-demo.pl"}


@pytest.fixture
def client(srv):
    with MailchimpClient(Credentials.from_api_key(srv.api_key, base_url=srv.base_url), max_retries=0) as client:
        yield client


def draft(client, html, **settings):
    campaign = client.create_campaign({"type": "regular", "recipients": {"list_id": LIST_ID},
                                       "settings": {**SETTINGS, **settings}})
    if html is not None:
        client.set_campaign_content(campaign["id"], {"html": html})
    return campaign["id"]


# -- the core's reading -----------------------------------------------------------------------------

def test_errors_block_and_warnings_do_not():
    checklist = parse_checklist({"is_ready": False, "items": [
        {"type": "success", "id": 1, "heading": "From email is set",
         "details": "Your campaign has a valid From email address."},
        {"type": "warning", "id": 2, "heading": "No preview text", "details": "Add preview text."},
        {"type": "error", "id": 3, "heading": "Missing unsubscribe link", "details": "Add *|UNSUB|*."}]})
    assert not checklist.ready
    assert [item.id for item in checklist.blocking] == [3]
    assert [item.id for item in checklist.warnings] == [2]
    assert refusal_text(checklist) == "Missing unsubscribe link: Add *|UNSUB|*."


def test_not_ready_without_an_error_item_still_blocks_with_mailchimps_words():
    checklist = parse_checklist({"is_ready": False, "items": []})
    assert not checklist.ready and refusal_text(checklist) == NOT_READY_DETAIL


def test_an_unknown_item_type_is_kept_as_a_warning():
    checklist = parse_checklist({"is_ready": True, "items": [{"type": "info", "heading": "New check"}]})
    assert checklist.ready and checklist.warnings[0].heading == "New check"


@pytest.mark.parametrize("answer", [None, [], {"items": []}, {"is_ready": "yes"}, {"is_ready": True, "items": {}},
                                    {"is_ready": True, "items": ["text"]}])
def test_an_answer_that_is_no_checklist_is_refused(answer):
    with pytest.raises(ChecklistUnreadable):
        parse_checklist(answer)


def test_the_stand_in_takes_the_footer_tags_the_footer_function_takes():
    """What Odoo counts as the required footer is what the stand-in's checklist counts, tag for tag."""
    assert set(standin_checklist.ADDRESS_TAGS) == {f"*|{name}|*" for name in campaign_content.ADDRESS_TAGS}
    assert standin_checklist.UNSUB_TAG == campaign_content.UNSUB_TAG


# -- the stand-in, through the client -----------------------------------------------------------------

def test_a_body_without_footer_is_blocked_and_not_sent(client):
    campaign_id = draft(client, "<p>Hi *|FNAME|*</p>")
    checklist = client.get_send_checklist(campaign_id)
    assert not checklist.ready
    assert {item.heading for item in checklist.blocking} == {"Missing unsubscribe link", "Missing postal address"}
    with pytest.raises(MailchimpError) as caught:
        client.send_campaign(campaign_id)
    assert caught.value.status == 400 and caught.value.detail == NOT_READY_DETAIL
    assert is_not_ready_refusal(caught.value)
    assert client.get_campaign(campaign_id)["status"] == "save"


def test_a_body_with_footer_passes_and_is_sent(client):
    campaign_id = draft(client, f"<p>Hi *|FNAME|*</p>{FOOTER}")
    checklist = client.get_send_checklist(campaign_id)
    assert checklist.ready and checklist.is_ready
    assert {item.type for item in checklist.items} == {"success"}
    client.send_campaign(campaign_id)
    assert client.get_campaign(campaign_id)["status"] == "sent"


@pytest.mark.parametrize("tag", ["*|LIST:ADDRESS|*", "*|LIST:ADDRESSLINE|*", "*|HTML:LIST_ADDRESS_HTML|*"])
def test_each_address_tag_satisfies_the_address_check(client, tag):
    assert client.get_send_checklist(draft(client, f"<a href='*|UNSUB|*'>Unsubscribe</a> {tag}")).ready


def test_schedule_is_refused_too(client, srv):
    campaign_id = draft(client, "<p>Hi</p>")
    when = (srv.store.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    with pytest.raises(MailchimpError) as caught:
        client.schedule_campaign(campaign_id, when.isoformat())
    assert is_not_ready_refusal(caught.value)
    assert client.get_campaign(campaign_id)["status"] == "save"


def test_a_test_email_needs_no_footer(client, srv):
    campaign_id = draft(client, "<p>Hi</p>")
    client.send_test_email(campaign_id, ["boss@acme-demo.pl"])
    assert srv.store.test_emails_sent[-1] == (campaign_id, ["boss@acme-demo.pl"])


@pytest.mark.parametrize("settings, html, heading", [
    ({"subject_line": ""}, FOOTER, "No subject line"),
    ({"from_name": " "}, FOOTER, "No From name"),
    ({"reply_to": "not-an-email"}, FOOTER, "Invalid reply-to address"),
    ({}, None, "No content"),
])
def test_each_missing_setting_is_an_error(client, settings, html, heading):
    checklist = client.get_send_checklist(draft(client, html, **settings))
    assert [item.heading for item in checklist.blocking] == [heading]


def test_no_preview_text_is_only_a_warning(client):
    checklist = client.get_send_checklist(draft(client, FOOTER, preview_text=""))
    assert checklist.ready and [item.heading for item in checklist.warnings] == ["No preview text"]


def test_a_segment_with_nobody_subscribed_blocks(client, srv):
    segment = client.create_static_segment(LIST_ID, "Nobody")
    campaign = client.create_campaign({"type": "regular", "settings": SETTINGS, "recipients": {
        "list_id": LIST_ID, "segment_opts": {"saved_segment_id": segment["id"]}}})
    client.set_campaign_content(campaign["id"], {"html": FOOTER})
    assert [item.heading for item in client.get_send_checklist(campaign["id"]).blocking] == ["No recipients"]


def test_an_unknown_campaign_is_a_404(client):
    with pytest.raises(MailchimpError) as caught:
        client.get_send_checklist("doesnotexist")
    assert caught.value.status == 404
