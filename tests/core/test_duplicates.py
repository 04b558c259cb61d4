from dataclasses import replace

from mailchimp_sync.const import NOT_OPTED_IN
from mailchimp_sync.duplicates import (
    KEPT_AS_COMPANY,
    KEPT_AS_OLDEST,
    KEPT_ONLY_ELIGIBLE,
    Conflict,
    SharedAddress,
    explain_shared_address,
    resolve_duplicates,
)
from mailchimp_sync.member_payload import PartnerData


def partner(partner_id, email, is_company=False):
    return PartnerData(partner_id=partner_id, email=email, name=f"Partner {partner_id}", is_company=is_company)


def kept_ids(kept):
    return [p.partner_id for p in kept]


def test_partners_with_distinct_emails_are_all_kept_without_conflict():
    kept, conflicts = resolve_duplicates([partner(1, "a@acme.pl"), partner(2, "b@acme.pl")])

    assert kept_ids(kept) == [1, 2]
    assert conflicts == []


def test_the_company_is_kept_over_its_contacts_whatever_the_ids():
    partners = [
        partner(3, "Office@acme.pl"),
        partner(9, "office@ACME.pl", is_company=True),
        partner(5, "office@acme.pl"),
    ]

    kept, conflicts = resolve_duplicates(partners)

    assert kept_ids(kept) == [9]
    assert conflicts == [Conflict(email="office@acme.pl", kept_partner_id=9, held_back_partner_ids=(3, 5))]


def test_among_equals_the_lowest_id_is_kept():
    kept, conflicts = resolve_duplicates([partner(7, "jane@acme.pl"), partner(4, " JANE@acme.pl ")])

    assert kept_ids(kept) == [4]
    assert conflicts == [Conflict(email="jane@acme.pl", kept_partner_id=4, held_back_partner_ids=(7,))]


def test_the_choice_does_not_depend_on_input_order():
    partners = [
        partner(2, "x@acme.pl"),
        partner(1, "x@acme.pl", is_company=True),
        partner(6, "x@acme.pl", is_company=True),
    ]

    forward = resolve_duplicates(partners)
    backward = resolve_duplicates(list(reversed(partners)))

    assert kept_ids(forward[0]) == kept_ids(backward[0]) == [1]
    assert forward[1] == backward[1]


def test_unrelated_partners_keep_their_input_order_and_partners_without_email_pass_through():
    partners = [partner(5, "b@acme.pl"), partner(6, None), partner(1, "a@acme.pl"), partner(2, "b@acme.pl")]

    kept, conflicts = resolve_duplicates(partners)

    assert kept_ids(kept) == [6, 1, 2]
    assert [c.email for c in conflicts] == ["b@acme.pl"]


def test_an_internationalized_domain_in_unicode_or_punycode_is_one_address():
    kept, conflicts = resolve_duplicates([partner(2, "b@münchen.de"), partner(1, "B@xn--mnchen-3ya.de")])

    assert kept_ids(kept) == [1]
    assert conflicts == [Conflict(email="b@xn--mnchen-3ya.de", kept_partner_id=1, held_back_partner_ids=(2,))]


def eligible(partner_id, email, is_company=False):
    return replace(partner(partner_id, email, is_company), opted_in=True, tag_interest_ids=frozenset({"i1"}))


def test_a_company_keeps_a_shared_address_over_an_older_contact_and_says_so():
    shared = explain_shared_address("office@acme.pl", [eligible(3, "office@acme.pl"),
                                                       eligible(9, "office@acme.pl", is_company=True)])

    assert shared == SharedAddress("office@acme.pl", 9, KEPT_AS_COMPANY, (3,), {})


def test_among_companies_the_oldest_keeps_it_because_it_is_the_oldest():
    shared = explain_shared_address("x@acme.pl", [eligible(6, "x@acme.pl", True), eligible(2, "x@acme.pl"),
                                                  eligible(1, "x@acme.pl", True)])

    assert (shared.kept_partner_id, shared.reason, shared.held_back_partner_ids) == (1, KEPT_AS_OLDEST, (2, 6))


def test_the_explanation_names_the_partner_the_sync_keeps():
    partners = [eligible(4, "jane@acme.pl"), eligible(7, "JANE@acme.pl"), eligible(5, "jane@acme.pl", True)]

    [conflict] = resolve_duplicates(partners)[1]

    assert explain_shared_address("jane@acme.pl", partners).kept_partner_id == conflict.kept_partner_id == 5


def test_who_cannot_be_synced_does_not_compete_and_the_one_left_keeps_it_alone():
    shared = explain_shared_address("a@acme.pl", [partner(1, "a@acme.pl", is_company=True), eligible(8, "a@acme.pl")])

    assert shared.kept_partner_id == 8
    assert shared.reason == KEPT_ONLY_ELIGIBLE
    assert shared.held_back_partner_ids == ()
    assert NOT_OPTED_IN in shared.not_eligible[1]


def test_nobody_keeps_an_address_nobody_sharing_it_can_sync():
    shared = explain_shared_address("a@acme.pl", [partner(1, "a@acme.pl"), partner(2, "a@acme.pl")])

    assert (shared.kept_partner_id, shared.reason) == (None, None)
    assert set(shared.not_eligible) == {1, 2}
