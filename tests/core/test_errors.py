from mailchimp_sync.batch_result import error_message
from mailchimp_sync.errors import (
    MailchimpComplianceError,
    MailchimpError,
    MailchimpForgottenError,
    FIELD_MESSAGE,
    FIELD_NO_VALUE,
    FIELD_NOT_A_VALUE,
    batch_refusal,
    refusal_parts,
)

INVALID_MERGE = {
    "type": "https://mailchimp.com/developer/marketing/docs/errors/",
    "title": "Invalid Resource",
    "status": 400,
    "detail": "Your merge fields were invalid.",
    "instance": "1a2b3c",
    "errors": [{"field": "LTV", "message": "Please enter a number"}],
}


def test_problem_document_renders_as_one_sentence_with_field_errors():
    error = MailchimpError.from_problem(400, INVALID_MERGE)
    assert str(error) == ("Mailchimp refused the data (error 400): Your merge fields were invalid "
                          "(LTV: Please enter a number); correct the value in Odoo and sync again.")
    assert error.status == 400
    assert error.title == "Invalid Resource"
    assert error.field_errors == {"LTV": "Please enter a number"}
    assert error.instance == "1a2b3c"


def test_problem_without_field_errors():
    error = MailchimpError.from_problem(404, {
        "title": "Resource Not Found", "status": 404,
        "detail": "The requested resource could not be found."})
    assert str(error) == "Mailchimp error 404 (Resource Not Found): The requested resource could not be found."


def test_empty_or_garbage_body_still_gives_a_sentence():
    bad_gateway = MailchimpError.from_problem(502, None, fallback_text="Bad Gateway")
    assert str(bad_gateway) == "Mailchimp error 502: Bad Gateway."
    assert str(MailchimpError.from_problem(500, ["not", "a", "dict"])) == "Mailchimp error 500."


def test_malformed_field_errors_are_ignored():
    error = MailchimpError.from_problem(400, {"title": "Invalid Resource", "errors": "nope"})
    assert error.errors == []


def test_the_compliance_and_forgotten_refusals_are_their_own_classes_by_title():
    compliance = MailchimpError.from_problem(400, {
        "title": "Member In Compliance State", "status": 400,
        "detail": "a@b.pl is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be "
                  "subscribed."})
    forgotten = MailchimpError.from_problem(400, {
        "title": "Forgotten Email Not Subscribed", "status": 400,
        "detail": "a@b.pl was permanently deleted and cannot be re-imported. The contact must re-subscribe to get "
                  "back on the list."})
    assert type(compliance) is MailchimpComplianceError and compliance.status == 400
    assert type(forgotten) is MailchimpForgottenError
    assert str(compliance).startswith("Mailchimp error 400 (Member In Compliance State): a@b.pl is in")


def test_the_same_words_under_another_title_are_no_refusal():
    error = MailchimpError.from_problem(400, {
        "title": "Invalid Resource", "detail": "Mentions Member In Compliance State and a compliance state."})
    assert type(error) is MailchimpError


def test_a_batch_error_without_a_title_is_told_by_its_detail():
    assert batch_refusal("a@b.pl is in a compliance state due to unsubscribe, bounce, or compliance review and "
                         "cannot be subscribed.") is MailchimpComplianceError
    assert batch_refusal("a@b.pl was permanently deleted and cannot be re-imported.") is MailchimpForgottenError
    assert batch_refusal("Your merge fields were invalid.") is None
    assert batch_refusal(None) is None


SCHEMA_REFUSAL = {
    "title": "Invalid Resource", "status": 400,
    "detail": "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
    "errors": [{"field": "status", "message": "Schema describes enum, NULL found instead"}],
}


def test_a_schema_refusal_is_one_plain_sentence_with_what_to_do():
    message = str(MailchimpError.from_problem(400, SCHEMA_REFUSAL))
    assert message == (
        "Mailchimp refused the data (error 400): no value for status; this comes from Odoo's request, not from "
        "your data: send this message to your administrator (it is a fault to report to the add-on's maintainer).")
    assert "errors' array" not in message and "Schema" not in message


def test_a_refused_value_names_the_field_and_what_to_do():
    error = MailchimpError.from_problem(400, {**SCHEMA_REFUSAL, "errors": [
        {"field": "type", "message": "Schema describes enum, 'weekly' found instead"},
        {"field": "members", "message": "Schema describes array with at most 500 items, 501 found"}]})
    assert str(error).startswith("Mailchimp refused the data (error 400): 'weekly' is not a value Mailchimp "
                                 "accepts for type; members has more than 500 items; this comes from Odoo's request")


def test_a_401_names_the_credential_the_account_uses_and_how_to_connect_again():
    refusal = {"title": "API Key Invalid", "status": 401,
               "detail": "Your API key may be invalid, or you've attempted to access the wrong datacenter."}
    oauth = str(MailchimpError.from_problem(401, refusal, credential_kind="oauth"))
    assert oauth.startswith("Mailchimp did not accept the OAuth token (error 401)") and "API key" not in oauth
    assert "revoked" in oauth
    assert str(MailchimpError.from_problem(401, refusal, credential_kind="api_key")).startswith(
        "Mailchimp did not accept the API key (error 401): create a new key in Mailchimp")


def test_a_batch_refusal_in_schema_words_is_plain_too():
    message = error_message({"email_address": "a@b.pl", "error": SCHEMA_REFUSAL["detail"],
                             "field": "status", "field_message": "Schema describes enum, NULL found instead"})
    assert message.startswith("Mailchimp rejected the contact: no value for status; this comes from Odoo's request")
    assert "errors' array" not in message


def test_a_refusal_comes_apart_into_codes_the_odoo_layer_words():
    detail, problems, schema = refusal_parts(
        "The resource submitted could not be validated.",
        [("status", "Schema describes enum, NULL found instead"), ("status", "Schema describes enum, bogus found"),
         ("LTV", "Please enter a number.")])
    assert detail == "", "Mailchimp's detail only pointed at the errors"
    assert [kind for kind, _params in problems] == [FIELD_NO_VALUE, FIELD_NOT_A_VALUE, FIELD_MESSAGE]
    assert problems[1][1]["found"] == "bogus" and problems[2][1] == {"field": "LTV", "message": "Please enter a number"}
    assert schema
