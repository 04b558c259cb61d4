"""Scenarios of a sync run, decided by plan_sync without Odoo or Mailchimp."""
from datetime import datetime, timezone

import pytest

from mailchimp_sync.duplicates import Conflict
from mailchimp_sync.member_payload import AudienceSchema, PartnerData, build_member, payload_hash, unsubscribe_payload
from mailchimp_sync.sync_plan import (
    KIND_CONFIRM,
    KIND_RESUBSCRIBE,
    KIND_SUBSCRIBE,
    KIND_UNSUBSCRIBE,
    KIND_UPDATE,
    ON_ARCHIVE_UNSUBSCRIBE,
    RESUBSCRIBE_GO,
    RESUBSCRIBE_LEAVE,
    RESUBSCRIBE_UPDATE,
    UNSUBSCRIBED_BY_ADMIN,
    UNSUBSCRIBED_BY_CONTACT,
    Archive,
    EmailChange,
    KnownMember,
    Skip,
    as_update,
    confirmation_push,
    decide_resubscription,
    plan_sync,
    unsubscribed_by,
)

SCHEMA = AudienceSchema(
    managed_interest_ids=frozenset({"int-news", "int-events", "int-b2b"}),
    merge_fields={"FNAME": ("text", 255), "LNAME": ("text", 255)},
)


def customer(partner_id=1, **changes):
    values = dict(
        partner_id=partner_id,
        email=f"customer{partner_id}@acme.pl",
        name=f"Jane Doe{partner_id}",
        opted_in=True,
        active=True,
        tag_interest_ids=frozenset({"int-news"}),
    )
    values.update(changes)
    return PartnerData(**values)


def digest_of(partner):
    return payload_hash(build_member(partner, SCHEMA).payload)


def accepted(partner, member_key=None, **changes):
    """The member of ``partner`` as stored after Mailchimp accepted its current item."""
    values = dict(
        member_key=member_key or partner.partner_id * 10,
        partner_id=partner.partner_id,
        email=build_member(partner, SCHEMA).payload["email_address"],
        payload_hash=digest_of(partner),
        status="subscribed",
    )
    values.update(changes)
    return KnownMember(**values)


def plan_for(partners, members=(), orphans=(), **options):
    known = {member.partner_id: member for member in members}
    return plan_sync(list(partners), known, SCHEMA, list(orphans), **options)


def is_idle(plan):
    return not (plan.pushes or plan.email_changes or plan.archives)


# ------------------------------------------------------------------ eligible customers


def test_new_eligible_customer_is_pushed_subscribed_only_if_new():
    jane = customer(1, email="Jane@Acme.pl")

    plan = plan_for([jane])

    [push] = plan.pushes
    assert push.kind == KIND_SUBSCRIBE
    assert push.partner_id == 1
    assert push.member_key is None
    assert push.email == "Jane@acme.pl"
    assert push.payload["status_if_new"] == "subscribed"
    assert "status" not in push.payload
    assert push.payload_hash == payload_hash(push.payload)
    assert plan.skips == [] and plan.conflicts == [] and plan.unchanged_member_keys == []
    assert plan.work_count == 1


def test_known_customer_never_accepted_yet_is_pushed_with_its_member_key():
    jane = customer(1)

    plan = plan_for([jane], [KnownMember(10, 1, None)])

    [push] = plan.pushes
    assert (push.kind, push.member_key) == (KIND_SUBSCRIBE, 10)


def test_push_carries_every_managed_interest_true_or_false_and_nothing_else():
    jane = customer(1, tag_interest_ids=frozenset({"int-news", "int-b2b", "int-unmanaged"}))

    [push] = plan_for([jane]).pushes

    assert push.payload["interests"] == {"int-b2b": True, "int-events": False, "int-news": True}
    assert push.payload["merge_fields"] == {"FNAME": "Jane", "LNAME": "Doe1"}


def test_unchanged_customer_is_not_pushed_again():
    jane = customer(1)

    plan = plan_for([jane], [accepted(jane)])

    assert is_idle(plan)
    assert plan.unchanged_member_keys == [10]
    assert plan.skips == []
    assert plan.work_count == 0


def test_changed_customer_is_pushed_again_with_its_member_key():
    jane = customer(1)
    member = accepted(jane)

    plan = plan_for([customer(1, tag_interest_ids=frozenset({"int-events"}))], [member])

    [push] = plan.pushes
    assert (push.kind, push.member_key, push.partner_id) == (KIND_UPDATE, 10, 1)
    assert push.payload["interests"] == {"int-b2b": False, "int-events": True, "int-news": False}
    assert "status" not in push.payload and "status_if_new" not in push.payload, \
        "a known member gets no status: if it is gone from Mailchimp it is reported, not created again"
    assert push.payload_hash != member.payload_hash
    assert plan.unchanged_member_keys == []


def test_rejected_item_is_held_until_the_customer_changes():
    jane = customer(1)
    rejected = KnownMember(10, 1, None, payload_hash=None, error_hash=digest_of(jane))

    held = plan_for([jane], [rejected])

    assert is_idle(held)
    assert held.unchanged_member_keys == [10]

    fixed = customer(1, name="Jane Fixed")
    retried = plan_for([fixed], [rejected])

    [push] = retried.pushes
    assert (push.kind, push.member_key, push.payload_hash) == (KIND_SUBSCRIBE, 10, digest_of(fixed))
    assert retried.unchanged_member_keys == []


def test_rejected_update_of_an_accepted_member_is_held_too():
    jane = customer(1)
    edited = customer(1, name="Jane Edited")
    member = accepted(jane, error_hash=digest_of(edited))

    assert is_idle(plan_for([edited], [member]))
    assert plan_for([customer(1, name="Jane Again")], [member]).pushes


def test_customer_unarchived_after_odoo_archived_its_member_is_subscribed_again():
    # Odoo archived the member (customer archived); the customer is back: Odoo undoes its own archive.
    jane = customer(1)
    archived = accepted(jane, status="archived", left_by_odoo=True)

    plan = plan_for([jane], [archived])

    [push] = plan.pushes
    assert (push.kind, push.member_key, push.payload["status"]) == (KIND_RESUBSCRIBE, 10, "subscribed")
    assert plan.unchanged_member_keys == []
    assert plan.email_changes == []


@pytest.mark.parametrize("status", ["unsubscribed", "cleaned", "archived"])
def test_whoever_left_in_mailchimp_gets_nothing_sent_whatever_odoo_changes(status):
    # C2/C3/C4: unsubscribed by the contact, cleaned (bounced), archived by an admin in Mailchimp.
    jane = customer(1, email="jane@old.pl")
    member = accepted(jane, status=status)

    for edited in (customer(1, email="jane@old.pl", name="Jane Edited"), customer(1, email="jane@new.pl")):
        plan = plan_for([edited], [member])
        assert is_idle(plan), f"{status}: {plan}"
        assert plan.skips == [Skip(1, 10, "left_in_mailchimp")]


def test_a_cleaned_member_is_final_even_when_odoo_unsubscribed_it_before():
    jane = customer(1)
    assert is_idle(plan_for([jane], [accepted(jane, status="cleaned", left_by_odoo=True)]))
    assert is_idle(plan_for([customer(1, opted_in=False)], [accepted(jane, status="cleaned")])), \
        "a cleaned member is never unsubscribed by us"


def test_what_odoo_unsubscribed_is_subscribed_again_and_falls_back_to_pending():
    jane = customer(1)
    unsubscribed_by_odoo = accepted(jane, status="unsubscribed", left_by_odoo=True)

    [push] = plan_for([jane], [unsubscribed_by_odoo]).pushes
    assert (push.kind, push.payload["status"]) == (KIND_RESUBSCRIBE, "subscribed")
    fallback = confirmation_push(push)
    assert (fallback.kind, fallback.payload["status"], fallback.member_key) == (KIND_CONFIRM, "pending", 10)


def test_a_leaver_already_unsubscribed_is_not_sent_anything():
    jane = customer(1)
    plan = plan_for([customer(1, opted_in=False)], [accepted(jane, status="unsubscribed")])
    assert is_idle(plan)
    assert plan.unchanged_member_keys == [10]


def test_an_address_changed_in_odoo_after_odoo_unsubscribed_it_is_a_new_subscription():
    jane = customer(1, email="jane@old.pl")
    member = accepted(jane, status="unsubscribed", left_by_odoo=True)

    plan = plan_for([customer(1, email="jane@new.pl")], [member])

    assert plan.email_changes == [], "only a subscribed member can be renamed"
    [push] = plan.pushes
    assert (push.kind, push.email, push.payload["status_if_new"]) == (KIND_SUBSCRIBE, "jane@new.pl", "subscribed")


# ------------------------------------------------------------------ address changed in Odoo


def test_changed_address_renames_the_member_and_pushes_the_new_address():
    jane = customer(1, email="jane@old.pl")
    member = accepted(jane)

    plan = plan_for([customer(1, email="jane@new.pl")], [member])

    assert plan.email_changes == [EmailChange(10, 1, "jane@old.pl", "jane@new.pl")]
    [push] = plan.pushes
    assert (push.kind, push.email, push.member_key) == (KIND_UPDATE, "jane@new.pl", 10)
    assert all(p.kind != KIND_UNSUBSCRIBE for p in plan.pushes)
    assert plan.archives == []
    assert plan.work_count == 2


def test_changing_only_the_case_of_the_address_is_no_rename():
    jane = customer(1, email="jane@acme.pl")

    plan = plan_for([customer(1, email="Jane@acme.pl")], [accepted(jane)])

    assert plan.email_changes == []
    [push] = plan.pushes
    assert push.email == "Jane@acme.pl"


def test_address_of_a_never_accepted_member_is_not_renamed():
    member = KnownMember(10, 1, "jane@old.pl", payload_hash=None, error_hash="x")

    plan = plan_for([customer(1, email="jane@new.pl")], [member])

    assert plan.email_changes == []
    [push] = plan.pushes
    assert push.email == "jane@new.pl"


# ------------------------------------------------------------------ customers that left


@pytest.mark.parametrize(
    "left", [{"opted_in": False}, {"tag_interest_ids": frozenset()}], ids=["box_unticked", "group_unmapped"]
)
def test_leaver_is_unsubscribed_at_the_address_it_was_pushed_with(left):
    jane = customer(1, email="jane@old.pl")
    member = accepted(jane)

    plan = plan_for([customer(1, email="jane@new.pl", **left)], [member])

    [push] = plan.pushes
    assert push.kind == KIND_UNSUBSCRIBE
    assert push.payload == {"email_address": "jane@old.pl", "status": "unsubscribed"}
    assert (push.partner_id, push.member_key) == (1, 10)
    assert push.payload_hash == payload_hash(unsubscribe_payload("jane@old.pl"))
    assert plan.email_changes == [] and plan.archives == [] and plan.skips == []


def test_leaver_whose_address_is_now_invalid_is_unsubscribed_at_the_old_address():
    jane = customer(1, email="jane@acme.pl")

    [push] = plan_for([customer(1, email="not an address")], [accepted(jane)]).pushes

    assert push.payload == {"email_address": "jane@acme.pl", "status": "unsubscribed"}


def test_leaver_already_unsubscribed_is_not_pushed_again():
    jane = customer(1)
    unsubscribed = accepted(jane, payload_hash=payload_hash(unsubscribe_payload(jane.email)), status="unsubscribed")

    plan = plan_for([customer(1, opted_in=False)], [unsubscribed])

    assert is_idle(plan)
    assert plan.unchanged_member_keys == [10]


@pytest.mark.parametrize(
    "left, reason",
    [
        ({"opted_in": False}, "not_opted_in"),
        ({"tag_interest_ids": frozenset()}, "no_mapped_group"),
        ({"active": False}, "archived"),
        ({"email": None}, "no_email"),
        ({"email": "jane at acme"}, "invalid_email"),
    ],
)
@pytest.mark.parametrize(
    "member",
    [None, KnownMember(10, 1, None), KnownMember(10, 1, "customer1@acme.pl", error_hash="rejected")],
    ids=["no_member", "empty_member", "rejected_member"],
)
def test_never_pushed_leaver_is_skipped_with_its_reason(left, reason, member):
    plan = plan_for([customer(1, **left)], [member] if member else [])

    assert is_idle(plan)
    assert plan.skips == [Skip(1, member.member_key if member else None, reason)]


def test_skip_reason_is_the_first_failing_rule():
    plan = plan_for([customer(1, opted_in=False, tag_interest_ids=frozenset())])

    assert plan.skips == [Skip(1, None, "no_mapped_group")]


# ------------------------------------------------------------------ archived and deleted customers


def test_archived_customer_is_archived_in_mailchimp_by_default():
    jane = customer(1)

    plan = plan_for([customer(1, active=False)], [accepted(jane)])

    assert plan.archives == [Archive(10, 1, "customer1@acme.pl")]
    assert plan.pushes == [] and plan.skips == []
    assert plan.work_count == 1


def test_archived_customer_that_also_unticked_the_box_is_still_archived():
    jane = customer(1)

    plan = plan_for([customer(1, active=False, opted_in=False)], [accepted(jane)])

    assert plan.archives == [Archive(10, 1, "customer1@acme.pl")]
    assert plan.pushes == []


def test_archived_customer_is_unsubscribed_when_so_configured():
    jane = customer(1)

    plan = plan_for([customer(1, active=False)], [accepted(jane)], on_archive=ON_ARCHIVE_UNSUBSCRIBE)

    assert plan.archives == []
    [push] = plan.pushes
    assert push.kind == KIND_UNSUBSCRIBE
    assert push.payload == {"email_address": "customer1@acme.pl", "status": "unsubscribed"}
    assert (push.partner_id, push.member_key) == (1, 10)


def test_deleted_customer_member_is_archived():
    orphan = accepted(customer(1), partner_id=None)

    plan = plan_for([], orphans=[orphan])

    assert plan.archives == [Archive(10, None, "customer1@acme.pl")]
    assert plan.pushes == [] and plan.skips == []


def test_deleted_customer_member_is_unsubscribed_when_so_configured():
    orphan = accepted(customer(1), partner_id=None)

    plan = plan_for([], orphans=[orphan], on_archive=ON_ARCHIVE_UNSUBSCRIBE)

    [push] = plan.pushes
    assert (push.kind, push.partner_id, push.member_key, push.email) == (
        KIND_UNSUBSCRIBE, None, 10, "customer1@acme.pl")
    assert plan.archives == []


def test_deleted_customer_never_pushed_leaves_no_trace():
    plan = plan_for([], orphans=[KnownMember(10, None, None, error_hash="rejected")])

    assert is_idle(plan)
    assert plan.skips == [] and plan.unchanged_member_keys == []


def test_already_archived_member_is_not_archived_again():
    jane = customer(1)
    archived = accepted(jane, status="archived")
    orphan = accepted(customer(2), partner_id=None, status="archived")

    plan = plan_for([customer(1, active=False)], [archived], orphans=[orphan])

    assert is_idle(plan)
    assert plan.skips == [Skip(1, 10, "archived")]


def test_already_archived_member_is_not_unsubscribed_either():
    archived = accepted(customer(1), status="archived")

    plan = plan_for([customer(1, opted_in=False)], [archived], on_archive=ON_ARCHIVE_UNSUBSCRIBE)

    assert is_idle(plan)


# ------------------------------------------------------------------ shared addresses


def test_two_customers_sharing_an_address_give_one_push_one_skip_one_conflict():
    first = customer(1, email="office@acme.pl")
    second = customer(2, email="Office@ACME.pl")

    plan = plan_for([second, first])

    [push] = plan.pushes
    assert (push.partner_id, push.email) == (1, "office@acme.pl")
    assert plan.skips == [Skip(2, None, "duplicate_email")]
    assert plan.conflicts == [Conflict(email="office@acme.pl", kept_partner_id=1, held_back_partner_ids=(2,))]
    assert plan.work_count == 1


def test_the_company_keeps_a_shared_address_and_its_contact_is_not_unsubscribed():
    contact = customer(1, email="office@acme.pl")
    company = customer(2, email="office@acme.pl", is_company=True, name="Acme")

    plan = plan_for([contact, company], [accepted(contact)])

    [push] = plan.pushes
    assert (push.kind, push.partner_id) == (KIND_SUBSCRIBE, 2)
    assert plan.skips == [Skip(1, 10, "duplicate_email")]
    assert [c.kept_partner_id for c in plan.conflicts] == [2]


def test_leaver_whose_address_another_eligible_customer_keeps_is_not_unsubscribed():
    leaver = customer(1, email="office@acme.pl")
    stayer = customer(2, email="OFFICE@acme.pl")

    plan = plan_for([customer(1, email="office@acme.pl", opted_in=False), stayer], [accepted(leaver)])

    assert all(push.kind == KIND_SUBSCRIBE for push in plan.pushes)
    assert [push.partner_id for push in plan.pushes] == [2]
    assert plan.skips == [Skip(1, 10, "not_opted_in")]
    assert plan.conflicts == []


def test_archived_or_deleted_member_whose_address_another_customer_keeps_is_not_archived():
    stayer = customer(3, email="office@acme.pl")
    archived_customer = accepted(customer(1, email="office@acme.pl"))
    orphan = accepted(customer(2, email="Office@acme.pl"), partner_id=None)

    plan = plan_for([customer(1, email="office@acme.pl", active=False), stayer], [archived_customer],
                    orphans=[orphan])

    assert plan.archives == []
    assert [(push.kind, push.partner_id) for push in plan.pushes] == [(KIND_SUBSCRIBE, 3)]
    assert plan.skips == [Skip(1, 10, "archived")]


# ------------------------------------------------------------------ a whole run


def test_work_count_counts_renames_archives_and_pushes_but_not_skips_or_unchanged():
    unchanged = customer(1)
    renamed_before = customer(2, email="two@old.pl")
    leaver = customer(3)
    archived = customer(4)
    members = [accepted(unchanged), accepted(renamed_before), accepted(leaver), accepted(archived)]
    partners = [
        unchanged,
        customer(2, email="two@new.pl"),
        customer(3, opted_in=False),
        customer(4, active=False),
        customer(5),
        customer(6, opted_in=False),
    ]
    orphans = [accepted(customer(7), partner_id=None)]

    plan = plan_for(partners, members, orphans)

    assert plan.unchanged_member_keys == [10]
    assert plan.email_changes == [EmailChange(20, 2, "two@old.pl", "two@new.pl")]
    assert [(p.kind, p.partner_id) for p in plan.pushes] == [
        (KIND_UPDATE, 2), (KIND_UNSUBSCRIBE, 3), (KIND_SUBSCRIBE, 5)]
    assert plan.archives == [Archive(40, 4, "customer4@acme.pl"), Archive(70, None, "customer7@acme.pl")]
    assert plan.skips == [Skip(6, None, "not_opted_in")]
    assert plan.work_count == 1 + 3 + 2


# ------------------------------------------------------------------ re-subscribing goes by Mailchimp's word

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=timezone.utc)
ODOO_UNSUBSCRIBED_AT = datetime(2026, 12, 1, 9, 0)  # naive UTC, as Odoo stores the push's answer


def odoo_left(status="unsubscribed"):
    jane = customer()
    return accepted(jane, status=status, left_by_odoo=True, last_changed=ODOO_UNSUBSCRIBED_AT)


def remote(status, last_changed="2026-12-01T09:00:00+00:00", reason=None):
    member = {"email_address": "customer1@acme.pl", "status": status, "last_changed": last_changed}
    if reason is not None:
        member["unsubscribe_reason"] = reason
    return member


def test_what_odoo_unsubscribed_and_nobody_touched_since_is_subscribed_again():
    decision = decide_resubscription(odoo_left(), remote("unsubscribed", reason="N/A (Unsubscribed by an admin)"), NOW)
    assert decision.action == RESUBSCRIBE_GO and decision.change is None


def test_what_odoo_archived_and_is_still_archived_is_brought_back():
    later = "2026-12-01T09:00:05+00:00"  # the archive's own time, which Odoo never learns
    assert decide_resubscription(odoo_left("archived"), remote("archived", later), NOW).action == RESUBSCRIBE_GO


def test_archived_by_an_admin_after_odoo_unsubscribed_stays_archived():
    decision = decide_resubscription(odoo_left(), remote("archived", "2026-12-01T10:00:00+00:00"), NOW)
    assert decision.action == RESUBSCRIBE_LEAVE
    assert (decision.change.status, decision.change.email) == ("archived", "customer1@acme.pl")
    assert decision.change.changed_at == datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def test_unsubscribed_by_the_contact_is_not_asked_again():
    member = remote("unsubscribed", "2026-12-01T10:00:00+00:00", reason="N/A (Unsubscribed by the contact)")
    decision = decide_resubscription(odoo_left(), member, NOW)
    assert decision.action == RESUBSCRIBE_LEAVE
    assert (decision.change.status, decision.change.reason) == ("unsubscribed", "N/A (Unsubscribed by the contact)")


def test_the_contacts_own_reason_counts_even_at_the_same_time():
    member = remote("unsubscribed", reason="I no longer want to receive these emails")
    assert decide_resubscription(odoo_left(), member, NOW).action == RESUBSCRIBE_LEAVE


def test_unsubscribed_again_by_an_admin_after_odoo_stays_unsubscribed():
    member = remote("unsubscribed", "2026-12-01T11:00:00+00:00", reason="N/A (Unsubscribed by an admin)")
    assert decide_resubscription(odoo_left(), member, NOW).action == RESUBSCRIBE_LEAVE


@pytest.mark.parametrize("status", ["subscribed", "pending"])
def test_already_back_in_mailchimp_gets_an_update_without_status(status):
    assert decide_resubscription(odoo_left(), remote(status), NOW).action == RESUBSCRIBE_UPDATE
    push = plan_for([customer()], [odoo_left()]).pushes[0]
    update = as_update(push)
    assert update.kind == KIND_UPDATE and "status" not in update.payload and "status_if_new" not in update.payload


def test_cleaned_or_gone_from_mailchimp_is_learned_not_revived():
    cleaned = decide_resubscription(odoo_left(), remote("cleaned"), NOW)
    gone = decide_resubscription(odoo_left(), None, NOW)
    assert (cleaned.action, cleaned.change.status) == (RESUBSCRIBE_LEAVE, "cleaned")
    assert (gone.action, gone.change.status, gone.change.changed_at) == (RESUBSCRIBE_LEAVE, "deleted", NOW)


@pytest.mark.parametrize(("reason", "who"), [
    ("N/A (Unsubscribed by an admin)", UNSUBSCRIBED_BY_ADMIN),
    ("N/A (Unsubscribed by the contact)", UNSUBSCRIBED_BY_CONTACT),
    ("The emails are spam and should be reported", UNSUBSCRIBED_BY_CONTACT),
    ("manual", None),
    ("", None),
    (None, None),
])
def test_who_unsubscribed_is_read_from_mailchimps_reason(reason, who):
    assert unsubscribed_by(reason) == who


def test_removals_carry_their_reason_for_the_mass_change_guard():
    box = customer(1, opted_in=False)
    retail = customer(2, tag_interest_ids=frozenset())
    archived = customer(3, active=False)
    plan = plan_for([box, retail, archived], [accepted(box), accepted(retail), accepted(archived)],
                    orphans=[KnownMember(99, None, "gone@acme.pl", "hash", status="subscribed")])
    assert plan.removal_reasons == {10: "not_opted_in", 20: "no_mapped_group", 30: "archived", 99: "archived"}


def test_schema_fingerprint_changes_with_every_mapping_and_not_with_order():
    from dataclasses import replace

    from mailchimp_sync.datatypes import FieldMerge, RepresentativeField
    from mailchimp_sync.sync_plan import AudienceSchema, schema_fingerprint

    base = AudienceSchema(managed_interest_ids=frozenset({"a", "b"}),
                          merge_fields={"FNAME": ("text", 255), "REPS": ("text", 60)},
                          representative_fields=(RepresentativeField("name", "REPS", 1),),
                          field_merges=(FieldMerge("city", "CITY", "text"),))
    reordered = AudienceSchema(managed_interest_ids=frozenset({"b", "a"}),
                               merge_fields={"REPS": ("text", 60), "FNAME": ("text", 255)},
                               representative_fields=(RepresentativeField("name", "REPS", 1),),
                               field_merges=(FieldMerge("city", "CITY", "text"),))
    assert schema_fingerprint(base) == schema_fingerprint(reordered)
    changed = [
        replace(base, managed_interest_ids=frozenset({"a"})),
        replace(base, merge_fields={"FNAME": ("text", 100), "REPS": ("text", 60)}),
        replace(base, representative_fields=(RepresentativeField("function", "REPS", 1),)),
        replace(base, field_merges=()),
        replace(base, marketing_permissions={"p1": "email"}),
    ]
    assert len({schema_fingerprint(schema) for schema in [base, *changed]}) == 6
