from mailchimp_sync.audience_defaults import (
    list_body,
    missing_fields,
    values_from_account,
    values_from_list,
)


def test_complete_values_give_the_body_mailchimp_requires(list_defaults):
    body = list_body("Newsletter", list_defaults)

    assert missing_fields("Newsletter", list_defaults) == []
    assert body == {
        "name": "Newsletter",
        "permission_reminder": "You are a customer of ours.",
        "email_type_option": False,
        "contact": {"company": "Acme", "address1": "Ul. Prosta 1", "city": "Warszawa", "zip": "00-001",
                    "country": "PL"},
        "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme.pl", "subject": "", "language": "pl"},
    }


def test_every_missing_required_value_is_listed_and_a_blank_subject_is_not(list_defaults):
    values = {**list_defaults, "contact_city": " ", "campaign_from_email": False, "permission_reminder": None}

    assert missing_fields("", values) == ["name", "contact_city", "campaign_from_email", "permission_reminder"]


def test_an_audience_document_gives_its_contact_and_campaign_defaults():
    remote = {
        "contact": {"company": "Acme", "address1": "Ul. Prosta 1", "address2": "", "city": "Warszawa",
                    "state": "", "zip": "00-001", "country": "PL", "phone": "+48 22 000 00 00"},
        "permission_reminder": "You signed up.",
        "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme.pl", "subject": "Hi", "language": "pl"},
    }

    values = values_from_list(remote)

    assert values["contact_phone"] == "+48 22 000 00 00"
    assert values["campaign_subject"] == "Hi"
    assert values["permission_reminder"] == "You signed up."


def test_the_account_root_names_its_address_lines_addr1_and_addr2():
    root = {"contact": {"company": "Acme", "addr1": "Ul. Prosta 1", "addr2": "lok. 2", "city": "Warszawa",
                        "state": "", "zip": "00-001", "country": "PL"}}
    audience = {"contact": {"company": "Other", "city": "Kraków"}, "permission_reminder": "Signed up",
                "campaign_defaults": {"from_name": "Acme", "from_email": "a@acme.pl", "language": "pl"}}

    values = values_from_account(root, audience)

    assert values["contact_address1"] == "Ul. Prosta 1"
    assert values["contact_address2"] == "lok. 2"
    assert values["contact_company"] == "Acme", "the account's contact wins over the audience's"
    assert values["campaign_from_email"] == "a@acme.pl"
    assert values["permission_reminder"] == "Signed up"
