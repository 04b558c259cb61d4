import hashlib

import pytest

from mailchimp_sync.eligibility import (
    REASONS,
    check_eligibility,
    email_key,
    field_addresses,
    is_valid_email,
    normalize_email,
    sync_email,
)
from mailchimp_sync.member_payload import AudienceSchema, PartnerData, build_member, subscriber_hash


def partner(**changes):
    values = dict(
        partner_id=1,
        email="jane@acme.pl",
        name="Jane Doe",
        opted_in=True,
        active=True,
        tag_interest_ids=frozenset({"int-news"}),
    )
    values.update(changes)
    return PartnerData(**values)


def test_partner_meeting_every_rule_is_eligible():
    result = check_eligibility(partner())

    assert result.eligible
    assert result.reasons == ()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"tag_interest_ids": frozenset()}, "no_mapped_group"),
        ({"opted_in": False}, "not_opted_in"),
        ({"email": None}, "no_email"),
        ({"email": "   "}, "no_email"),
        ({"email": "jane.acme.pl"}, "invalid_email"),
        ({"email": "Jane <jane.acme.pl>; not an address"}, "invalid_email"),
        ({"active": False}, "archived"),
        ({"blacklisted": True}, "blacklisted"),
    ],
)
def test_each_broken_rule_makes_the_partner_ineligible_with_its_reason(changes, reason):
    result = check_eligibility(partner(**changes))

    assert not result.eligible
    assert result.reasons == (reason,)
    assert reason in REASONS


def test_every_failing_rule_is_reported_in_rule_order():
    result = check_eligibility(partner(tag_interest_ids=set(), opted_in=False, email="nope", active=False))

    assert result.reasons == ("no_mapped_group", "not_opted_in", "invalid_email", "archived")


def test_the_reasons_are_codes_the_odoo_layer_words():
    assert {"no_mapped_group", "not_opted_in", "no_email", "invalid_email", "archived", "blacklisted"} <= set(REASONS)
    assert all(code.isidentifier() and code.islower() for code in REASONS)


def test_normalize_email_strips_and_lowercases_the_domain_but_keeps_the_local_part():
    assert normalize_email("  Jane.Doe@ACME.PL \n") == "Jane.Doe@acme.pl"


@pytest.mark.parametrize("email", [None, "", "  ", "jane@", "@acme.pl", "jane@acme", "a..b@acme.pl", "a@b.pl, c@d.pl"])
def test_invalid_or_missing_addresses_normalize_to_none(email):
    assert normalize_email(email) is None
    assert not is_valid_email(email)


def test_is_valid_email_accepts_a_plain_address():
    assert is_valid_email("jane@acme.pl")


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("b@xn--mnchen-3ya.de", "b@xn--mnchen-3ya.de"),  # punycode as typed: kept, not turned into Unicode
        ("b@münchen.de", "b@xn--mnchen-3ya.de"),  # Unicode domain: its ASCII (IDNA) form
        ("  B.Ser@MÜNCHEN.DE ", "B.Ser@xn--mnchen-3ya.de"),  # local part as written, domain lower-cased
        ("b@XN--MNCHEN-3YA.DE", "b@xn--mnchen-3ya.de"),
    ],
)
def test_an_internationalized_domain_is_valid_and_normalized_to_its_ascii_form(email, expected):
    assert normalize_email(email) == expected
    assert is_valid_email(email)
    assert check_eligibility(partner(email=email)).eligible


@pytest.mark.parametrize("email", ["jörg@münchen.de", "jörg@acme.pl", "用户@例子.广告"])
def test_a_non_ascii_local_part_has_no_ascii_form_so_the_partner_is_not_eligible(email):
    assert normalize_email(email) is None
    assert not is_valid_email(email)
    assert check_eligibility(partner(email=email)).reasons == ("invalid_email",)


@pytest.mark.parametrize(
    "email",
    ["b@münchen.de", "b@xn--mnchen-3ya.de", "B@MÜNCHEN.DE", "  b@XN--MNCHEN-3YA.de \n", "Bea <b@münchen.de>"],
)
def test_every_form_of_one_address_has_one_key(email):
    assert email_key(email) == "b@xn--mnchen-3ya.de"


def test_the_key_is_case_insensitive_also_in_the_local_part():
    assert email_key("Jane.Doe@Acme.PL") == email_key("jane.doe@acme.pl") == "jane.doe@acme.pl"


def test_different_addresses_have_different_keys():
    assert email_key("b@münchen.de") != email_key("b@munchen.de")


@pytest.mark.parametrize("email", [None, "", "   "])
def test_a_missing_address_has_no_key(email):
    assert email_key(email) is None


@pytest.mark.parametrize(
    ("email", "expected"),
    [("  Not An Address ", "not an address"), ("nope; Nix", "nope; nix"), ("jörg@acme.pl", "jörg@acme.pl")],
)
def test_text_that_holds_no_ascii_address_keys_to_itself_stripped_and_lower_cased(email, expected):
    assert email_key(email) == expected


def test_the_subscriber_hash_is_the_hash_of_the_key():
    assert subscriber_hash("b@münchen.de") == subscriber_hash("B@xn--mnchen-3ya.de") \
        == hashlib.md5(b"b@xn--mnchen-3ya.de").hexdigest()


@pytest.mark.parametrize(
    ("field", "first"),
    [
        ("a@x.pl; b@y.pl", "a@x.pl"),
        ("A@X.PL, b@y.pl", "A@x.pl"),
        ("not an address; b@Y.pl, c@z.pl", "b@y.pl"),
        ('"Jan" <jan@acme.pl>; b@y.pl', "jan@acme.pl"),
        ("Jane <jane@acme.pl>", "jane@acme.pl"),
    ],
)
def test_a_field_of_several_addresses_is_synced_with_its_first_valid_address(field, first):
    assert sync_email(field) == first
    assert email_key(field) == first.lower()
    assert check_eligibility(partner(email=field)).eligible
    assert build_member(partner(email=field), AudienceSchema()).payload["email_address"] == first
    assert subscriber_hash(field) == subscriber_hash(first)


def test_the_field_addresses_are_the_panel_s_addresses_in_their_order():
    assert field_addresses("a@x.pl; b@y.pl, A@X.pl; nope") == ["a@x.pl", "b@y.pl"]
    assert sync_email("nope; nix") is None


def test_the_plain_address_shortcut_gives_what_email_validator_gives():
    import random
    import string

    from email_validator import EmailNotValidError, validate_email

    from mailchimp_sync.eligibility import _plain_ascii

    def validator(address):
        try:
            return validate_email(address, check_deliverability=False).ascii_email or None
        except EmailNotValidError:
            return None

    tricky = ["Jane.Doe@Acme-Example.COM", "a@b.co", "a@foo.test", "a@foo.local", "a@x.localhost", "a..b@x.com",
              ".a@x.com", "a.@x.com", "a@-x.com", "a@x-.com", "a@ab--cd.com", "a@xn--mnchen-3ya.de", "a@x.123",
              "a@x", "a@x.c", "a+tag%1@sub.x.org", "a@x.onion", "a@x.arpa", "a@invalid", "x" * 65 + "@x.com",
              "a@" + "b" * 64 + ".com", "a@" + ".".join(["b" * 60] * 5) + ".com"]
    rng = random.Random(21)
    alphabet = string.ascii_letters + string.digits + "._%+-@"
    generated = ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 20))) + rng.choice(["", ".com", ".pl"])
                 for _ in range(3000)]
    for address in tricky + generated:
        plain = _plain_ascii(address)
        if plain is not None:
            assert plain == validator(address), address
    assert _plain_ascii("Jane.Doe@Acme-Example.COM") == "Jane.Doe@acme-example.com"


# Addresses whose forms differ: blanks, case, Unicode and punycode domains, display names, several addresses,
# special-use domains, no ASCII form, no address at all.
ADDRESS_FORMS = ["jane@acme.pl", "  Jane.Doe@ACME.PL \n", "b@münchen.de", "B@XN--MNCHEN-3YA.DE", "jörg@acme.de",
                 "Jane <jane@acme.pl>", "a@x.pl; b@y.pl", " nope ; B@Y.pl", "a@foo.test", "a..b@x.com", "nope", "",
                 "   ", None, "x" * 65 + "@x.com", "a+tag%1@Sub.X.org", "a@ab--cd.com"]


@pytest.mark.parametrize("email", ADDRESS_FORMS)
def test_the_item_builders_one_address_check_gives_the_rules_verdict(email):
    """check_eligibility with the address its caller checked already says what it says when it checks it."""
    for values in ({}, {"opted_in": False}, {"active": False, "blacklisted": True}):
        customer = partner(email=email, **values)
        assert check_eligibility(customer, sync_email(email)) == check_eligibility(customer)


@pytest.mark.parametrize("email", ADDRESS_FORMS)
def test_a_subscribing_items_address_lower_cased_is_the_customers_email_key(email):
    """The sync plan reads the email keys of subscribing customers from their items' addresses."""
    built = build_member(partner(email=email), AudienceSchema(managed_interest_ids=frozenset({"int-news"})))
    if built.subscribes:
        assert built.payload["email_address"].lower() == email_key(email)


def test_plain_addresses_are_checked_without_filling_the_cache():
    """Every customer's address in a cache would hold megabytes for a check that costs about a look-up."""
    from mailchimp_sync.eligibility import _validated

    before = _validated.cache_info().currsize
    assert [normalize_email(f"customer{n}@Bench-Example.com") for n in range(3)] == [
        f"customer{n}@bench-example.com" for n in range(3)]
    assert _validated.cache_info().currsize == before
    assert normalize_email("cache@bäckerei-bench.de") == "cache@xn--bckerei-bench-bfb.de"
    assert _validated.cache_info().currsize == before + 1
