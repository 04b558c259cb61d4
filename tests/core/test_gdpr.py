import pytest

from mailchimp_sync.gdpr import (
    CONSENT_ERASED,
    CONSENT_GIVEN,
    CONSENT_WITHDRAWN,
    consent_state_for_status,
    explain_forgotten,
    new_consents,
)


def test_only_subscribed_and_unsubscribed_are_consent():
    assert consent_state_for_status("subscribed") == CONSENT_GIVEN
    assert consent_state_for_status("unsubscribed") == CONSENT_WITHDRAWN
    for status in ("pending", "cleaned", "archived", None):
        assert consent_state_for_status(status) is None


def row(partner, audience, state):
    return {"partner_id": partner, "audience_id": audience, "state": state}


def test_a_repeated_state_is_not_recorded_again():
    rows = [row(1, 10, CONSENT_GIVEN), row(1, 10, CONSENT_GIVEN), row(2, 10, CONSENT_GIVEN),
            row(1, 10, CONSENT_WITHDRAWN), row(3, 11, CONSENT_ERASED), row(3, 11, CONSENT_ERASED)]
    kept = new_consents(rows, {(2, 10, "email"): CONSENT_GIVEN})
    assert kept == [row(1, 10, CONSENT_GIVEN), row(1, 10, CONSENT_WITHDRAWN), row(3, 11, CONSENT_ERASED),
                    row(3, 11, CONSENT_ERASED)]


def test_the_forgotten_rule_is_explained_in_one_sentence():
    sentence = explain_forgotten("a@b.pl")
    assert sentence.startswith("a@b.pl was permanently deleted from Mailchimp (right to erasure)")
    assert sentence.rstrip(".").count(". ") == 0, "one sentence"


def test_a_batch_refusal_of_a_forgotten_address_is_explained():
    from mailchimp_sync.batch_result import parse_batch_response

    result = parse_batch_response({"errors": [{
        "email_address": "a@b.pl", "error_code": "ERROR_GENERIC", "field": "", "field_message": "",
        "error": "a@b.pl was permanently deleted and cannot be re-imported. The contact must re-subscribe to get "
                 "back on the list."}]})
    assert result.outcomes["a@b.pl"].message == f"Mailchimp rejected the contact: {explain_forgotten('a@b.pl')}"


def test_a_purpose_has_its_own_latest_state():
    rows = [{**row(1, 10, CONSENT_GIVEN), "purpose": "online_ads"}, row(1, 10, CONSENT_GIVEN)]
    assert new_consents(rows, {(1, 10, "email"): CONSENT_GIVEN}) == rows[:1]


def test_gdpr_fields_are_discovered_from_members_and_read_back_as_consent():
    from mailchimp_sync.gdpr import discovered_permissions, permission_consents

    members = [{"marketing_permissions": [{"marketing_permission_id": "em1", "text": "Email", "enabled": True},
                                          {"marketing_permission_id": "ad1", "text": "Ads", "enabled": False}]},
               {"marketing_permissions": []}, {}]
    assert discovered_permissions(members) == {"em1": "Email", "ad1": "Ads"}
    assert permission_consents(members[0]["marketing_permissions"], {"em1": "email", "ad1": "online_ads"}) == [
        ("email", CONSENT_GIVEN), ("online_ads", CONSENT_WITHDRAWN)]
    assert permission_consents(members[0]["marketing_permissions"], {"em1": False}) == []


def test_only_exclusions_for_want_of_consent_become_records():
    from mailchimp_sync.campaign_check import Recipient, check_recipients
    from mailchimp_sync.gdpr import consent_exclusions

    check = check_recipients([
        Recipient("ok@b.pl", "subscribed", partner_id=1, opted_in=True),
        Recipient("box@b.pl", "subscribed", partner_id=2, opted_in=False),
        Recipient("pending@b.pl", "pending", partner_id=3, opted_in=True),
        Recipient("stranger@b.pl", "subscribed"),
        Recipient("left@b.pl", "subscribed", partner_id=4, opted_in=True, consent_withdrawn=True),
    ])
    assert [recipient.email for recipient, _reason in consent_exclusions(check.excluded)] == ["box@b.pl", "left@b.pl"]


# ------------------------------------------------------------------ Forget: the parts of one erasure


def test_erasure_parts_are_keyed_merged_once_and_what_remains_is_said():
    from mailchimp_sync.gdpr import describe_places, erasure_part, merge_parts, remaining_parts, remaining_with_errors

    first = [erasure_part("mailchimp", "L1:a@x.pl", "Customers", list_id="L1", email="a@x.pl"),
             erasure_part("serwersms", "7:31", "MC_Customers", group_id=7, contact_id=31)]
    more = [erasure_part("mailchimp", "L1:a@x.pl", "Customers", list_id="L1", email="a@x.pl"),
            erasure_part("campaign_monitor", "a@x.pl", "Newsletter", email="a@x.pl")]
    parts = merge_parts(first, more)
    assert [part["key"] for part in parts] == ["mailchimp:L1:a@x.pl", "serwersms:7:31", "campaign_monitor:a@x.pl"]
    assert remaining_parts(parts, ["serwersms:7:31"]) == [parts[0], parts[2]]
    assert describe_places(parts) == "Mailchimp (Customers); SerwerSMS (MC_Customers); Campaign Monitor (Newsletter)"
    assert remaining_with_errors(parts, ["serwersms:7:31"], {"campaign_monitor:a@x.pl": "Campaign Monitor error 500."}) \
        == [("Mailchimp", "Customers", None), ("Campaign Monitor", "Newsletter", "Campaign Monitor error 500.")]
    with pytest.raises(ValueError):
        erasure_part("mailjet", "x", "y")


def test_a_person_not_there_any_more_is_a_part_done():
    from mailchimp_sync.gdpr import already_gone

    assert already_gone("mailchimp", 404)
    assert not already_gone("mailchimp", 400)
    assert already_gone("serwersms", 400, 1004) and not already_gone("serwersms", 400, 2001)
    assert already_gone("campaign_monitor", 400, 203) and not already_gone("campaign_monitor", 400, 1)
    assert not already_gone("mailchimp", None)
