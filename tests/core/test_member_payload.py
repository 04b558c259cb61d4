import phonenumbers
import pytest

from mailchimp_sync.member_payload import (
    PHONE_UNPARSABLE,
    VALUE_TRUNCATED,
    AudienceSchema,
    PartnerData,
    build_member,
    mailchimp_language,
    payload_hash,
    subscriber_hash,
    to_e164,
)
from mailchimp_sync.representatives import RepresentativeData, RepresentativeField

SCHEMA = AudienceSchema(
    managed_interest_ids=frozenset({"int-news", "int-events", "int-b2b"}),
    merge_fields={"FNAME": ("text", 255), "LNAME": ("text", 255), "PHONE": ("phone", None)},
)


def partner(**changes):
    values = dict(
        partner_id=1,
        email="Jane.Doe@Acme.pl",
        name="Jane Doe",
        country_code="PL",
        lang="pl_PL",
        opted_in=True,
        active=True,
        tag_interest_ids=frozenset({"int-news"}),
    )
    values.update(changes)
    return PartnerData(**values)


def payload_of(schema=SCHEMA, **changes):
    return build_member(partner(**changes), schema).payload


def test_eligible_partner_is_subscribed_only_if_new_never_forced():
    built = build_member(partner(), SCHEMA)

    assert built.subscribes
    assert built.payload["email_address"] == "Jane.Doe@acme.pl"
    assert built.payload["status_if_new"] == "subscribed"
    assert "status" not in built.payload


@pytest.mark.parametrize(
    "changes", [{"opted_in": False}, {"tag_interest_ids": frozenset()}, {"active": False}], ids=str
)
def test_partner_that_left_is_unsubscribed_and_nothing_else_is_pushed(changes):
    built = build_member(partner(**changes), SCHEMA)

    assert not built.subscribes
    assert built.payload == {"email_address": "Jane.Doe@acme.pl", "status": "unsubscribed"}


@pytest.mark.parametrize("email", [None, "not-an-email"])
def test_without_a_valid_email_there_is_no_payload_but_the_reason_is_known(email):
    built = build_member(partner(email=email), SCHEMA)

    assert built.payload is None
    assert not built.eligibility.eligible


def test_interests_added_removed_and_unmanaged_left_out():
    payload = payload_of(tag_interest_ids=frozenset({"int-news", "int-b2b", "not-managed"}))

    assert payload["interests"] == {"int-news": True, "int-b2b": True, "int-events": False}


def test_person_name_is_split_at_the_first_blank():
    assert payload_of(name="Jane Maria  Doe")["merge_fields"] == {
        "FNAME": "Jane",
        "LNAME": "Maria Doe",
        "PHONE": "",
    }
    assert payload_of(name="Jan van der Berg")["merge_fields"]["LNAME"] == "van der Berg"
    assert payload_of(name="Cher")["merge_fields"]["LNAME"] == ""


def test_known_first_and_last_name_win_over_splitting():
    merge_fields = payload_of(name="Maria Doe Jane", firstname="Jane Maria", lastname="Doe")["merge_fields"]

    assert (merge_fields["FNAME"], merge_fields["LNAME"]) == ("Jane Maria", "Doe")


def test_company_sends_its_name_as_first_name_and_clears_last_name():
    merge_fields = payload_of(name="Acme Sp. z o.o.", is_company=True, lastname="Acme Sp. z o.o.")["merge_fields"]

    assert (merge_fields["FNAME"], merge_fields["LNAME"]) == ("Acme Sp. z o.o.", "")


def test_polish_number_gets_country_prefix_in_e164():
    assert payload_of(phone="500 600 700")["merge_fields"]["PHONE"] == "+48500600700"


def _parsed_e164(number, region):
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("region", ["PL", "DE", "GB", "US", "CA", "IT", "FR", "AR", "MX", "BR", "RU", "KZ", "CZ", "AU"])
def test_plain_national_numbers_are_formatted_as_phonenumbers_parses_them(region):
    """The shortcut for plain national numbers gives what parsing gives, prefixes and leading zeros included."""
    numbers = ["500 600 700", "500-600-700", "22 123 45 67", "030 1234567", "301234567", "0044 20 7946 0958",
               "00 48 500 600 700", "48500600700", "4930 123456", "1 650 253 0000", "650 253 0000",
               "011 48 500 600 700", "20 7946 0958", "7911 123456", "1800 123 456", "8 812 123 45 67",
               "812 123 45 67", "15 1234 5678", "11 1234 5678", "9 11 1234 5678", "06 12345678", "612345678",
               "312 345 6789", "0312 345 6789", "55 1234 5678", "1 55 1234 5678", "2 1234 5678", "412 345 678",
               "12", "5", "500 600 700 800 900", "1" * 20]
    for number in numbers:
        assert to_e164(number, region) == _parsed_e164(number, region), (number, region)


def test_every_regions_example_numbers_are_formatted_as_phonenumbers_parses_them():
    mismatches = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for number_type in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
                            phonenumbers.PhoneNumberType.TOLL_FREE):
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is None:
                continue
            national = phonenumbers.national_significant_number(example)
            for number in (national, f"{example.country_code}{national}", national[:-1], f"{national}1"):
                if to_e164(number, region) != _parsed_e164(number, region):
                    mismatches.append((region, number))
    assert mismatches == []


def test_plain_national_numbers_are_formatted_without_filling_the_cache():
    """Every customer's number in a cache would hold megabytes for a check that costs about a look-up;
    numbers that need parsing are cached."""
    from mailchimp_sync.member_payload import _parsed_e164 as cached_parse

    before = cached_parse.cache_info().currsize
    assert [to_e164(f"500 600 70{n}", "PL") for n in range(3)] == [f"+4850060070{n}" for n in range(3)]
    assert cached_parse.cache_info().currsize == before
    assert to_e164("+48 500 600 709", "DE") == "+48500600709"
    assert cached_parse.cache_info().currsize == before + 1


def test_mobile_is_preferred_over_landline():
    assert payload_of(phone="22 123 45 67", mobile="500 600 700")["merge_fields"]["PHONE"] == "+48500600700"


def test_international_number_ignores_the_default_country():
    assert payload_of(phone="+1 650 253 0000")["merge_fields"]["PHONE"] == "+16502530000"


def test_unparsable_mobile_is_reported_and_landline_used_instead():
    built = build_member(partner(mobile="12", phone="22 123 45 67"), SCHEMA)

    assert built.payload["merge_fields"]["PHONE"] == "+48221234567"
    assert [(w.code, w.merge_tag) for w in built.warnings] == [(PHONE_UNPARSABLE, "PHONE")]


def test_unparsable_phone_is_omitted_not_cleared_and_reported():
    built = build_member(partner(phone="call the office"), SCHEMA)

    assert "PHONE" not in built.payload["merge_fields"]
    assert [w.code for w in built.warnings] == [PHONE_UNPARSABLE]
    assert "call the office" in built.warnings[0].message


def test_local_number_without_country_cannot_be_read():
    built = build_member(partner(phone="500 600 700", country_code=None), SCHEMA)

    assert "PHONE" not in built.payload["merge_fields"]
    assert [w.code for w in built.warnings] == [PHONE_UNPARSABLE]


def test_phone_is_only_sent_when_the_audience_has_a_phone_field():
    schema = AudienceSchema(managed_interest_ids=SCHEMA.managed_interest_ids, merge_fields={"FNAME": ("text", 255)})

    built = build_member(partner(phone="garbage"), schema)

    assert built.payload["merge_fields"] == {"FNAME": "Jane"}
    assert built.warnings == ()


def test_merge_values_are_strings_cut_to_the_field_size_and_reported():
    schema = AudienceSchema(merge_fields={"FNAME": ("text", 10), "LNAME": ("text", None)})

    built = build_member(partner(name="Konstantynopolitańczykowianeczka " + "x" * 300), schema)

    merge_fields = built.payload["merge_fields"]
    assert merge_fields["FNAME"] == "Konstanty…"
    assert len(merge_fields["LNAME"]) == 255 and merge_fields["LNAME"].endswith("…")
    assert all(isinstance(value, str) for value in merge_fields.values())
    assert sorted((w.code, w.merge_tag) for w in built.warnings) == [
        (VALUE_TRUNCATED, "FNAME"),
        (VALUE_TRUNCATED, "LNAME"),
    ]


def test_representatives_fill_their_columns_but_never_the_partner_own_fields():
    schema = AudienceSchema(
        merge_fields={"FNAME": ("text", 255), "LNAME": ("text", 255), "REPS": ("text", 30)},
        representative_fields=[
            RepresentativeField("name", "REPS", 1),
            RepresentativeField("function", "REPS", 2),
            RepresentativeField("function", "FNAME", 3),
            RepresentativeField("email", "MISSING", 4),
        ],
    )
    reps = [RepresentativeData("Jane Doe", {"function": "CFO"}), RepresentativeData("John Roe", {"function": "CEO"})]

    built = build_member(partner(name="Acme", is_company=True, representatives=reps), schema)

    assert built.payload["merge_fields"] == {"FNAME": "Acme", "LNAME": "", "REPS": "Jane Doe, CFO; John Roe, CEO"}


def test_representative_truncation_is_reported_as_a_warning():
    schema = AudienceSchema(
        merge_fields={"REPS": ("text", 12)}, representative_fields=[RepresentativeField("name", "REPS")]
    )
    reps = [RepresentativeData("Jane Doe"), RepresentativeData("John Roe")]

    built = build_member(partner(representatives=reps), schema)

    assert built.payload["merge_fields"]["REPS"] == "Jane Doe; J…"
    assert [(w.code, w.merge_tag) for w in built.warnings] == [(VALUE_TRUNCATED, "REPS")]


@pytest.mark.parametrize(
    ("odoo_lang", "mailchimp"),
    [
        ("pl_PL", "pl"),
        ("en_US", "en"),
        ("de_CH", "de"),
        ("pt_BR", "pt"),
        ("pt_PT", "pt_PT"),
        ("es_ES", "es_ES"),
        ("es_419", "es"),
        ("fr_CA", "fr_CA"),
        ("nb_NO", "no"),
        ("sr@latin", "sr"),
        (None, None),
        ("", None),
    ],
)
def test_odoo_language_maps_to_mailchimp_code(odoo_lang, mailchimp):
    assert mailchimp_language(odoo_lang) == mailchimp


def test_payload_has_language_only_when_partner_has_one():
    assert payload_of(lang="pl_PL")["language"] == "pl"
    assert "language" not in payload_of(lang=None)


def test_payload_hash_ignores_key_order_but_sees_any_change():
    payload = payload_of()
    reordered = {key: payload[key] for key in reversed(list(payload))}
    reordered["merge_fields"] = dict(reversed(list(payload["merge_fields"].items())))

    assert payload_hash(reordered) == payload_hash(payload)
    assert payload_hash(payload_of()) == payload_hash(payload)
    assert payload_hash(payload_of(phone="500 600 700")) != payload_hash(payload)
    assert payload_hash(payload_of(tag_interest_ids=frozenset({"int-events"}))) != payload_hash(payload)


def test_subscriber_hash_is_md5_of_lowercased_email():
    expected = "62eeb292278cc15f5817cb78f7790b08"

    assert subscriber_hash("urist.mcvankab@freddiesjokes.com") == expected
    assert subscriber_hash(" Urist.McVankab@FreddiesJokes.com ") == expected


@pytest.mark.parametrize("email", ["b@xn--mnchen-3ya.de", "b@münchen.de", "b@MÜNCHEN.de"])
def test_an_internationalized_domain_is_sent_to_mailchimp_in_ascii(email):
    built = build_member(partner(email=email), SCHEMA)

    assert built.subscribes
    assert built.payload["email_address"] == "b@xn--mnchen-3ya.de"
    assert build_member(partner(email=email, opted_in=False), SCHEMA).payload == {
        "email_address": "b@xn--mnchen-3ya.de", "status": "unsubscribed"}


def test_an_address_without_ascii_form_gets_no_payload_and_says_why():
    built = build_member(partner(email="jörg@münchen.de"), SCHEMA)

    assert built.payload is None
    assert built.eligibility.reasons == ("invalid_email",)


def test_marketing_permissions_are_sent_only_for_purposes_with_consent():
    from mailchimp_sync.member_payload import AudienceSchema, PartnerData, build_member

    schema = AudienceSchema(merge_fields={"FNAME": ("text", 255), "LNAME": ("text", 255)},
                            marketing_permissions={"em1": "email", "ad1": "online_ads", "dm1": "direct_mail"})
    partner = PartnerData(partner_id=1, email="gdpr@example.com", name="Ola Nowak", opted_in=True,
                          tag_interest_ids=frozenset({"i1"}), consented_purposes=frozenset({"email"}))
    unmanaged = AudienceSchema(merge_fields=schema.merge_fields, managed_interest_ids=frozenset({"i1"}))
    assert "marketing_permissions" not in build_member(partner, unmanaged).payload
    with_interest = AudienceSchema(merge_fields=schema.merge_fields, managed_interest_ids=frozenset({"i1"}),
                                   marketing_permissions=schema.marketing_permissions)
    assert build_member(partner, with_interest).payload["marketing_permissions"] == [
        {"marketing_permission_id": "em1", "enabled": True}]
    no_consent = PartnerData(partner_id=1, email="gdpr@example.com", name="Ola Nowak", opted_in=True,
                             tag_interest_ids=frozenset({"i1"}))
    assert "marketing_permissions" not in build_member(no_consent, with_interest).payload
