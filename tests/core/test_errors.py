from mailchimp_sync.errors import (
    MailchimpComplianceError,
    MailchimpError,
    MailchimpForgottenError,
    batch_refusal,
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
    assert str(error) == (
        "Mailchimp error 400 (Invalid Resource): Your merge fields were invalid. LTV: Please enter a number.")
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
