from mailchimp_sync.duplicates import Conflict, resolve_duplicates
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
