import pytest

from mailchimp_sync.collections import (
    NOT_A_MEMBER,
    NOT_SUBSCRIBED,
    plan_collection,
    segment_batches,
)
from mailchimp_sync.const import NO_EMAIL, NOT_OPTED_IN
from mailchimp_sync.datatypes import PartnerData
from mailchimp_sync.errors import MailchimpError


def test_only_the_difference_is_sent_and_case_does_not_count():
    batches = segment_batches(["a@x.pl", "B@x.pl", "c@x.pl"], ["b@x.pl", "d@x.pl"])

    assert [batch.body() for batch in batches] == [
        {"members_to_add": ["a@x.pl", "c@x.pl"], "members_to_remove": ["d@x.pl"]}]


def test_nothing_changed_means_no_call():
    assert segment_batches(["a@x.pl"], ["A@x.pl"]) == []


def test_adds_and_removes_beyond_500_are_split_in_batches_of_500():
    wanted = [f"new{i}@x.pl" for i in range(1200)]
    current = [f"old{i}@x.pl" for i in range(501)]

    batches = segment_batches(wanted, current)

    assert [(len(b.members_to_add), len(b.members_to_remove)) for b in batches] == [(500, 500), (500, 1), (200, 0)]
    assert sum((b.members_to_add for b in batches), ()) == tuple(wanted)


def _partner(partner_id, **values):
    defaults = {"email": f"c{partner_id}@x.pl", "name": f"C{partner_id}", "opted_in": True,
                "tag_interest_ids": frozenset({"i1"})}
    return PartnerData(partner_id=partner_id, **{**defaults, **values})


def test_subscribed_members_are_in_the_segment_and_the_ineligible_are_left_out_with_every_reason():
    partners = [_partner(1), _partner(2, opted_in=False, email=""), _partner(3)]
    members = {1: ("c1@x.pl", "subscribed"), 3: ("c3@x.pl", "unsubscribed")}

    plan = plan_collection(partners, members)

    assert plan.wanted == ("c1@x.pl",)
    assert plan.to_push == (3,), "an eligible customer not subscribed yet is pushed by the sync rules first"
    assert plan.left_out == ((2, (NOT_OPTED_IN, NO_EMAIL), None),)


def test_after_the_push_who_mailchimp_kept_out_is_left_out_and_never_subscribed_by_the_collection():
    partners = [_partner(3), _partner(4)]
    members = {3: ("c3@x.pl", "unsubscribed")}

    plan = plan_collection(partners, members, pushed=True)

    assert plan.wanted == () and plan.to_push == ()
    assert plan.left_out == ((3, (NOT_SUBSCRIBED,), "unsubscribed"), (4, (NOT_A_MEMBER,), None))


def test_the_client_keeps_a_static_segment_in_step_and_the_standin_refuses_more_than_500(make_client, new_list):
    client = make_client()
    list_id = new_list(client, "Segments")
    emails = [f"m{i}@x-example.com" for i in range(3)]
    client.batch_subscribe(list_id, [{"email_address": e, "status_if_new": "subscribed"} for e in emails])
    segment = client.create_static_segment(list_id, "VIP")

    result = client.batch_segment_members(list_id, segment["id"], {"members_to_add": [*emails, "stranger@x-example.com"]})

    assert result["total_added"] == 3
    assert result["errors"][0]["email_addresses"] == ["stranger@x-example.com"]
    assert sorted(m["email_address"] for m in client.iter_segment_members(list_id, segment["id"])) == emails
    assert client.find_segment(list_id, segment["id"])["member_count"] == 3
    with pytest.raises(MailchimpError) as refused:
        client.batch_segment_members(list_id, segment["id"], {"members_to_remove": emails * 200})
    assert refused.value.status == 400
    assert client.find_segment(list_id, "999999") is None
