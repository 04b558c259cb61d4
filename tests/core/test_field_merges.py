from mailchimp_sync.field_merges import ADDRESS_INCOMPLETE, FieldMerge, compatible_types
from mailchimp_sync.member_payload import (
    AudienceSchema,
    PartnerData,
    build_member,
    payload_hash,
)

MERGES = (
    FieldMerge("function", "JOB", "text"),
    FieldMerge("industry_id", "INDUSTRY", "text"),
    FieldMerge("credit_limit", "CREDIT", "number"),
    FieldMerge("date", "SINCE", "date"),
    FieldMerge("mobile", "MOBILE", "phone"),
    FieldMerge("street", "ADDRESS", "address"),
    FieldMerge("city", "ADDRESS", "address"),
    FieldMerge("zip", "ADDRESS", "address"),
    FieldMerge("state_id", "ADDRESS", "address"),
    FieldMerge("country_id", "ADDRESS", "address"),
    FieldMerge("comment", "FNAME", "text"),
)
SCHEMA = AudienceSchema(
    merge_fields={"FNAME": ("text", 255), "LNAME": ("text", 255), "JOB": ("text", 5), "INDUSTRY": ("text", 255),
                  "CREDIT": ("number", None), "SINCE": ("date", None), "MOBILE": ("phone", None),
                  "ADDRESS": ("address", None)},
    field_merges=MERGES,
)
VALUES = {
    "function": "Buyer", "industry_id": "Retail", "credit_limit": 1500.5, "date": "2024-03-01",
    "mobile": "500 600 700", "street": "Ul. Prosta 1", "city": "Warszawa", "zip": "00-001", "state_id": "Mazowieckie",
    "country_id": "PL", "comment": "not a name",
}


def member(**values):
    partner = PartnerData(partner_id=1, email="jane@acme.pl", name="Jane Doe", country_code="PL", opted_in=True,
                          tag_interest_ids=frozenset({"i1"}), field_values={**VALUES, **values})
    return build_member(partner, SCHEMA)


def test_each_type_is_sent_as_mailchimp_reads_it_and_fname_stays_the_customers_name():
    merge_fields = member().payload["merge_fields"]

    assert merge_fields["JOB"] == "Buyer"
    assert merge_fields["INDUSTRY"] == "Retail"
    assert merge_fields["CREDIT"] == 1500.5
    assert merge_fields["SINCE"] == "2024-03-01"
    assert merge_fields["MOBILE"] == "+48500600700"
    assert merge_fields["ADDRESS"] == {"addr1": "Ul. Prosta 1", "addr2": "", "city": "Warszawa",
                                       "state": "Mazowieckie", "zip": "00-001", "country": "PL"}
    assert merge_fields["FNAME"] == "Jane", "FNAME/LNAME/PHONE stay filled from the customer itself"


def test_empty_values_clear_and_text_is_cut_to_the_field_size():
    built = member(function="Purchasing manager", credit_limit=False, date=False)

    assert built.payload["merge_fields"]["JOB"] == "Purc…"
    assert built.payload["merge_fields"]["CREDIT"] == ""
    assert built.payload["merge_fields"]["SINCE"] == ""


def test_an_incomplete_address_is_sent_empty_with_a_warning_and_a_bad_phone_is_left_out():
    built = member(state_id=False, mobile="12")

    assert built.payload["merge_fields"]["ADDRESS"] == ""
    assert "MOBILE" not in built.payload["merge_fields"]
    assert {warning.code for warning in built.warnings} >= {ADDRESS_INCOMPLETE, "phone_unparsable"}


def test_a_changed_value_changes_the_hash_and_an_unchanged_one_does_not():
    assert payload_hash(member().payload) == payload_hash(member().payload)
    assert payload_hash(member(function="CEO").payload) != payload_hash(member().payload)


def test_a_tag_the_audience_does_not_have_is_not_sent():
    schema = AudienceSchema(merge_fields={"FNAME": ("text", 255)}, field_merges=MERGES)
    partner = PartnerData(partner_id=1, email="jane@acme.pl", name="Jane", opted_in=True,
                          tag_interest_ids=frozenset({"i1"}), field_values=VALUES)

    assert build_member(partner, schema).payload["merge_fields"] == {"FNAME": "Jane"}


def test_types_follow_the_field():
    assert compatible_types("function", "char") == {"text"}
    assert compatible_types("credit_limit", "float") == {"number", "text"}
    assert compatible_types("date", "date") == {"date", "text"}
    assert compatible_types("mobile", "char") == {"text", "phone"}
    assert compatible_types("country_id", "many2one") == {"text", "address"}
    assert compatible_types("image_1920", "binary") == set()
