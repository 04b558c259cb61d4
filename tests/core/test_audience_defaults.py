from mailchimp_sync.audience_defaults import (
    INVALID_EMAIL,
    MISSING,
    UNKNOWN_LANGUAGE,
    key_of_remote_field,
    list_body,
    missing_fields,
    problems,
    settings_to_write,
    update_body,
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


def test_complete_values_have_no_problem(list_defaults):
    assert problems("Newsletter", list_defaults) == []


def test_a_from_email_that_is_no_address_is_refused_and_a_blank_one_is_only_missing(list_defaults):
    assert problems("Newsletter", {**list_defaults, "campaign_from_email": "not-an-email"}) == [
        ("campaign_from_email", INVALID_EMAIL)]
    assert problems("Newsletter", {**list_defaults, "campaign_from_email": "Acme <news@acme.pl>"}) == [
        ("campaign_from_email", INVALID_EMAIL)]
    assert problems("Newsletter", {**list_defaults, "campaign_from_email": " "}) == [
        ("campaign_from_email", MISSING)]


def test_a_language_mailchimp_does_not_know_is_refused(list_defaults):
    assert problems("Newsletter", {**list_defaults, "campaign_language": "pl_PL"}) == [
        ("campaign_language", UNKNOWN_LANGUAGE)]
    assert problems("Newsletter", {**list_defaults, "campaign_language": "pt_PT"}) == []


def test_missing_address_fields_and_a_bad_email_are_all_reported_in_form_order(list_defaults):
    values = {**list_defaults, "contact_address1": "", "contact_country": "", "campaign_from_email": "x@"}

    assert problems("Newsletter", values) == [
        ("contact_address1", MISSING), ("contact_country", MISSING), ("campaign_from_email", INVALID_EMAIL)]


def test_the_update_body_holds_the_whole_settings_with_blank_lines_blank(list_defaults):
    values = {**list_defaults, "contact_phone": "+48 22 000 00 00", "campaign_from_email": " news@acme.pl "}

    body = update_body("Newsletter", values, email_type_option=True)

    assert body["name"] == "Newsletter"
    assert body["email_type_option"] is True
    assert body["contact"] == {"company": "Acme", "address1": "Ul. Prosta 1", "address2": "", "city": "Warszawa",
                               "state": "", "zip": "00-001", "country": "PL", "phone": "+48 22 000 00 00"}
    assert body["campaign_defaults"]["from_email"] == "news@acme.pl"
    assert values_from_list(body) == {**values, "contact_address2": "", "contact_state": "",
                                      "campaign_from_email": "news@acme.pl"}, "read back as written"


def test_mailchimps_field_names_map_to_the_values_they_are_about():
    assert key_of_remote_field("campaign_defaults.from_email") == "campaign_from_email"
    assert key_of_remote_field("contact.address1") == "contact_address1"
    assert key_of_remote_field("permission_reminder") == "permission_reminder"
    assert key_of_remote_field("visibility") is None


def test_only_the_problems_of_the_changed_values_when_asked(list_defaults):
    values = {**list_defaults, "contact_city": "", "campaign_from_email": "not-an-email"}

    assert problems("Newsletter", values, keys={"campaign_from_email"}) == [("campaign_from_email", INVALID_EMAIL)]
    assert problems("Newsletter", values, keys={"campaign_subject"}) == []


def test_the_settings_written_are_mailchimps_then_odoos_then_the_change(list_defaults):
    remote = list_body("Newsletter", list_defaults)
    local = {"contact_company": "", "contact_city": "Kraków", "campaign_from_name": False}
    changed = {"campaign_subject": "News", "contact_zip": False}

    values = settings_to_write(remote, local, changed)

    assert values["contact_company"] == "Acme", "a value blank in Odoo is kept as Mailchimp has it"
    assert values["contact_city"] == "Kraków", "a value Odoo has is written"
    assert values["campaign_subject"] == "News"
    assert values["contact_zip"] == "", "a value emptied on save is emptied"
    assert problems("Newsletter", values) == []
