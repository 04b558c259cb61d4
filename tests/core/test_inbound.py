"""What Mailchimp says changed, in one shape for webhooks, reconciliation and import."""
from datetime import datetime, timezone
from urllib.parse import urlencode

from mailchimp_sync.inbound import (
    change_from_answer,
    change_from_event,
    change_from_member,
    full_name,
    phone_update,
)
from mailchimp_sync.webhooks import parse_webhook

GROUPS = {"cat1": {"Wholesale": "int-w", "Retail": "int-r", "Walk, 2015": "int-walk"}}


def event(pairs):
    return parse_webhook(urlencode(pairs).encode("ascii"))


def base(event_type, **data):
    pairs = [("type", event_type), ("fired_at", "2026-11-27 10:00:00"), ("data[list_id]", "L1"),
             ("data[email]", "jan@acme.pl")]
    return pairs + [(f"data[{key}]", value) for key, value in data.items()]


def test_a_member_read_from_the_api():
    change = change_from_member({
        "email_address": "jan@acme.pl", "status": "unsubscribed", "last_changed": "2026-11-27T10:00:00+00:00",
        "merge_fields": {"FNAME": " Jan ", "LNAME": "Kowalski", "PHONE": ""},
        "interests": {"int-w": True, "int-r": False}, "unsubscribe_reason": "N/A (Unsubscribed by the contact)"})
    assert (change.email, change.status, change.phone) == ("jan@acme.pl", "unsubscribed", None)
    assert full_name(change) == "Jan Kowalski"
    assert change.interests == {"int-w": True, "int-r": False}
    assert change.changed_at == datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


def test_the_answer_to_a_dialogs_write_tells_its_status_only():
    change = change_from_answer({
        "email_address": "Ola@Acme.pl", "status": "pending", "last_changed": "2026-11-27T10:00:00+00:00",
        "merge_fields": {"FNAME": "Ola", "LNAME": "Nowak", "PHONE": "+48 600"}, "interests": {"abc": True},
    }, "ola@acme.pl", partner_id=7)
    assert (change.email, change.status, change.partner_id) == ("Ola@Acme.pl", "pending", 7)
    assert change.changed_at == datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    assert (change.first_name, change.last_name, change.phone, change.interests) == (None, None, None, None)
    assert change_from_answer({"status": "unsubscribed"}, "ola@acme.pl").email == "ola@acme.pl"


def test_subscribe_names_its_groups_and_every_known_group_of_the_category_is_decided():
    change = change_from_event(event(base("subscribe", **{
        "merges][FNAME": "Jan", "merges][GROUPINGS][0][id": "cat1", "merges][GROUPINGS][0][name": "Groups",
        "merges][GROUPINGS][0][groups": "Retail, Walk, 2015"})), GROUPS)
    assert change.status == "subscribed"
    assert change.interests == {"int-w": False, "int-r": True, "int-walk": True}


def test_unsubscribe_and_delete_and_cleaned_statuses():
    assert change_from_event(event(base("unsubscribe", action="unsub")), GROUPS).status == "unsubscribed"
    assert change_from_event(event(base("unsubscribe", action="delete")), GROUPS).status == "archived"
    cleaned = change_from_event(event(base("cleaned", reason="hard", campaign_id="c1")), GROUPS)
    assert (cleaned.status, cleaned.reason, cleaned.campaign_id) == ("cleaned", "hard", "c1")


def test_profile_and_upemail_leave_the_status_alone():
    assert change_from_event(event(base("profile", **{"merges][FNAME": "Jan"})), GROUPS).status is None
    upemail = change_from_event(event([
        ("type", "upemail"), ("fired_at", "2026-11-27 10:00:00"), ("data[list_id]", "L1"),
        ("data[new_id]", "x"), ("data[new_email]", "new@acme.pl"), ("data[old_email]", "old@acme.pl")]), GROUPS)
    assert (upemail.email, upemail.new_email, upemail.status) == ("old@acme.pl", "new@acme.pl", None)


def test_a_campaign_event_changes_no_member():
    assert change_from_event(event([("type", "campaign"), ("fired_at", "2026-11-27 10:00:00"),
                                    ("data[list_id]", "L1"), ("data[id]", "c1"), ("data[subject]", "News"),
                                    ("data[status]", "sent"), ("data[reason]", "")]), GROUPS) is None


def test_odoos_own_phone_coming_back_reformatted_is_no_change():
    assert phone_update("+16238537197", None, "(623)-853-7197", "US") is None
    assert phone_update("+48500600700", "500 600 700", None, "PL") is None
    assert phone_update("+48500600700", None, "+48 500-600-700", None) is None
    assert phone_update("+16238537197", "(623)-853-7197", "+1 555 0100", "US") is None, "the mobile was sent"


def test_a_new_number_goes_back_to_the_field_phone_was_built_from():
    assert phone_update("+48501222333", "500 600 700", None, "PL") == ("mobile", "+48501222333"), "mobile only"
    assert phone_update("+48501222333", None, "500 600 700", "PL") == ("phone", "+48501222333")
    assert phone_update("+48501222333", "500 600 700", "22 123 45 67", "PL") == ("mobile", "+48501222333")
    assert phone_update("+48501222333", "not a number", "500 600 700", "PL") == ("phone", "+48501222333")
    assert phone_update("+48501222333", None, None, "PL") == ("phone", "+48501222333")


def test_no_phone_in_mailchimp_changes_nothing():
    assert phone_update(None, "500 600 700", None, "PL") is None
    assert phone_update("", None, None, None) is None
