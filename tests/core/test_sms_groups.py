"""Audience → SMS group rules: group names, phone numbers, live changes, finding sent contacts."""
from datetime import datetime

import pytest

from mailchimp_sync.sms_groups import (
    ADD,
    INVALID_PHONE,
    NO_PHONE,
    NOT_MOBILE,
    NOTHING,
    REMOVE,
    UPDATE,
    KnownContact,
    PartnerPhones,
    SmsContact,
    chunks,
    contact_for_member,
    group_name,
    match_group_contacts,
    plan_live_change,
    sms_number,
)


def member(email="jan@acme-example.com", phone="", **merges):
    return {"email_address": email, "status": "subscribed", "merge_fields": {"PHONE": phone, **merges}}


def test_group_name_carries_the_audience_and_the_moment():
    assert group_name("Newsletter PL", datetime(2026, 11, 27, 9, 5, 7)) == "MC_Newsletter PL_20261127_090507"
    assert group_name("  Two   blanks ", datetime(2026, 1, 2, 3, 4, 5)) == "MC_Two blanks_20260102_030405"


@pytest.mark.parametrize("number, region, expected", [
    ("+48 500 600 700", None, "+48500600700"),
    ("500600700", "PL", "+48500600700"),
    ("500-600-700", "PL", "+48500600700"),
    ("0048 500 600 700", "PL", "+48500600700"),
    ("(+48) 500-600-700", "DE", "+48500600700"),
    ("+49 1512 3456789", "PL", "+4915123456789"),
])
def test_mobile_numbers_are_normalized_to_e164(number, region, expected):
    assert sms_number(number, region) == (expected, None)


@pytest.mark.parametrize("number, region, reason", [
    ("22 123 45 67", "PL", NOT_MOBILE),      # Warsaw landline
    ("+48 22 123 45 67", None, NOT_MOBILE),
    ("800 123 456", "PL", NOT_MOBILE),       # toll-free
    ("500 600", "PL", INVALID_PHONE),
    ("500600700", None, INVALID_PHONE),      # no country to read it with
    ("call me", "PL", INVALID_PHONE),
    ("", "PL", NO_PHONE),
])
def test_numbers_that_cannot_receive_sms_are_refused_with_a_reason(number, region, reason):
    assert sms_number(number, region) == (None, reason)


def test_the_phone_merge_field_comes_first_then_the_customers_mobile_then_phone():
    partner = PartnerPhones(mobile="600 100 200", phone="601 100 200", country_code="PL")
    assert contact_for_member(member(phone="+48 500 600 700"), partner).contact.phone == "+48500600700"
    assert contact_for_member(member(), partner).contact.phone == "+48600100200"
    landline_mobile = PartnerPhones(mobile="22 123 45 67", phone="601 100 200", country_code="PL")
    assert contact_for_member(member(), landline_mobile).contact.phone == "+48601100200"


def test_the_customers_country_else_the_companys_reads_a_national_number():
    assert contact_for_member(member(phone="500600700"), PartnerPhones(country_code="PL")).contact.phone \
        == "+48500600700"
    assert contact_for_member(member(phone="500600700"), None, company_country="PL").contact.phone \
        == "+48500600700"
    assert contact_for_member(member(phone="500600700")).reason == INVALID_PHONE


def test_a_member_without_a_usable_number_says_why():
    assert contact_for_member(member()).reason == NO_PHONE
    outcome = contact_for_member(member(phone="22 123 45 67"), company_country="PL")
    assert (outcome.contact, outcome.reason, outcome.number) == (None, NOT_MOBILE, "22 123 45 67")


def test_names_come_from_mailchimp_else_from_the_customer():
    contact = contact_for_member(member(phone="+48500600700", FNAME="Jan", LNAME="van der Berg")).contact
    assert (contact.first_name, contact.last_name, contact.email) == ("Jan", "van der Berg", "jan@acme-example.com")
    contact = contact_for_member(member(phone="+48500600700"), PartnerPhones(name="Anna Maria Nowak")).contact
    assert (contact.first_name, contact.last_name) == ("Anna", "Maria Nowak")


JAN = SmsContact("jan@acme-example.com", "+48500600700", "Jan", "Kowalski")


@pytest.mark.parametrize("status, wanted, known, action", [
    ("subscribed", JAN, None, ADD),                                   # new subscriber
    ("subscribed", JAN, KnownContact(None, JAN), ADD),                # removed before: back in the group
    ("subscribed", JAN, KnownContact(7, JAN), NOTHING),
    ("subscribed", JAN, KnownContact(7, SmsContact(JAN.email, "+48500600701", "Jan", "Kowalski")), UPDATE),
    ("subscribed", None, KnownContact(7, JAN), REMOVE),               # phone removed
    ("unsubscribed", JAN, KnownContact(7, JAN), REMOVE),
    ("cleaned", JAN, KnownContact(7, JAN), REMOVE),
    ("archived", JAN, KnownContact(7, JAN), REMOVE),
    ("pending", JAN, KnownContact(7, JAN), REMOVE),
    (None, None, KnownContact(7, JAN), REMOVE),                       # gone from the audience
    ("unsubscribed", JAN, None, NOTHING),
    ("unsubscribed", JAN, KnownContact(None, JAN), NOTHING),
])
def test_live_changes(status, wanted, known, action):
    assert plan_live_change(status, wanted, known) == action


def test_unsubscribe_then_subscribe_again_puts_the_contact_back():
    in_group = KnownContact(7, JAN)
    assert plan_live_change("unsubscribed", JAN, in_group) == REMOVE
    removed = KnownContact(None, JAN)
    assert plan_live_change("subscribed", JAN, removed) == ADD


def test_sent_contacts_are_found_by_number_and_address():
    sent = [JAN, SmsContact("eva@acme-example.com", "+48500600700"), SmsContact("refused@acme-example.com", "+4850")]
    items = [{"id": 11, "phone": "48500600700", "email": "JAN@acme-example.com"},
             {"id": 12, "phone": "+48500600700", "email": "eva@acme-example.com"},
             {"id": 13, "phone": "+48500600700", "email": "eva@acme-example.com"},
             {"id": 14, "phone": "+48999999999", "email": "stranger@acme-example.com"}]
    found = match_group_contacts(sent, items)
    assert found == {("48500600700", "jan@acme-example.com"): 11, ("48500600700", "eva@acme-example.com"): 12}


def test_chunks():
    assert list(chunks(list(range(5)), 2)) == [[0, 1], [2, 3], [4]]
