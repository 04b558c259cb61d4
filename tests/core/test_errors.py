from mailchimp_sync.errors import MailchimpError

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
