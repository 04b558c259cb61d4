from datetime import datetime, timedelta

import pytest

from mailchimp_sync.campaign_check import (
    BLACKLISTED,
    BOX_UNTICKED,
    NO_CUSTOMER,
    NOT_SUBSCRIBED,
    SCHEDULE_IN_PAST,
    SCHEDULE_NOT_QUARTER_HOUR,
    Recipient,
    check_recipients,
    schedule_problem,
)
from mailchimp_sync.errors import MailchimpError

RECIPIENTS = [
    Recipient("ok@x.pl", "subscribed", 1, opted_in=True),
    Recipient("unticked@x.pl", "subscribed", 2, opted_in=False),
    Recipient("black@x.pl", "subscribed", 3, opted_in=True, blacklisted=True),
    Recipient("left@x.pl", "unsubscribed", 4, opted_in=True),
    Recipient("stranger@x.pl", "subscribed", None),
]


def test_a_marketing_campaign_goes_only_to_consenting_subscribed_customers():
    check = check_recipients(RECIPIENTS)

    assert (check.total, check.receiving, check.excluded_count) == (5, ("ok@x.pl",), 4)
    assert [(recipient.email, reasons) for recipient, reasons in check.excluded] == [
        ("unticked@x.pl", (BOX_UNTICKED,)),
        ("black@x.pl", (BLACKLISTED,)),
        ("left@x.pl", (NOT_SUBSCRIBED,)),
        ("stranger@x.pl", (NO_CUSTOMER,)),
    ]
    assert check.excluded[2][0].mailchimp_status == "unsubscribed", "the status goes with its reason"


def test_a_system_campaign_is_exempt_from_consent_but_mailchimp_sends_to_subscribed_members_only():
    check = check_recipients(RECIPIENTS, system=True)

    assert check.exempt
    assert (check.total, len(check.receiving), check.excluded_count) == (5, 4, 1)
    assert [(recipient.email, reasons) for recipient, reasons in check.excluded] == [
        ("left@x.pl", (NOT_SUBSCRIBED,))]


def test_schedules_are_on_the_quarter_hour_and_in_the_future():
    now = datetime(2026, 11, 27, 10, 0)

    assert schedule_problem(datetime(2026, 11, 27, 11, 15), now) is None
    assert schedule_problem(datetime(2026, 11, 27, 11, 10), now) == SCHEDULE_NOT_QUARTER_HOUR
    assert schedule_problem(datetime(2026, 11, 27, 9, 45), now) == SCHEDULE_IN_PAST


def test_the_client_creates_tests_schedules_and_unschedules_a_campaign_and_the_standin_keeps_the_quarter_hour_rule(
        make_client, standin, new_list):
    client = make_client()
    list_id = new_list(client, "Campaigns")
    client.batch_subscribe(list_id, [{"email_address": "a@x-example.com", "status_if_new": "subscribed"}])
    segment = client.create_static_segment(list_id, "VIP")
    client.batch_segment_members(list_id, segment["id"], {"members_to_add": ["a@x-example.com"]})
    campaign = client.create_campaign({
        "type": "regular",
        "recipients": {"list_id": list_id, "segment_opts": {"saved_segment_id": segment["id"]}},
        "settings": {"subject_line": "Hello", "title": "Hello", "from_name": "Acme", "reply_to": "news@acme.pl"}})
    client.set_campaign_content(campaign["id"], {"html": "<p>Hello</p>"
                                                 "<p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"})

    client.send_test_email(campaign["id"], ["me@acme.pl"])
    soon = standin.store.now() + timedelta(days=1)
    with pytest.raises(MailchimpError) as refused:
        client.schedule_campaign(campaign["id"], soon.replace(minute=10, second=0, microsecond=0).isoformat())
    client.schedule_campaign(campaign["id"], soon.replace(minute=45, second=0, microsecond=0).isoformat())

    assert refused.value.status == 400 and "quarter-hour" in str(refused.value)
    assert client.get_campaign(campaign["id"])["status"] == "schedule"

    client.unschedule_campaign(campaign["id"])
    assert client.get_campaign(campaign["id"])["status"] == "save"
    with pytest.raises(MailchimpError) as not_scheduled:
        client.unschedule_campaign(campaign["id"])
    assert not_scheduled.value.status == 400 and "not scheduled" in str(not_scheduled.value)
