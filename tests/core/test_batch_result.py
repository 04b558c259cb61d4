from mailchimp_sync.batch_result import CREATED, FAILED, UPDATED, parse_batch_response

MIXED_RESPONSE = {
    "new_members": [{"id": "h1", "email_address": "New@Acme.pl", "status": "subscribed"}],
    "updated_members": [{"id": "h2", "email_address": "old@acme.pl", "status": "unsubscribed"}],
    "errors": [
        {
            "email_address": "Fake@Example.org",
            "error": "fake@example.org looks fake or invalid, please enter a real email address.",
            "error_code": "ERROR_GENERIC",
            "field": None,
            "field_message": None,
        },
        {
            "email_address": "phone@acme.pl",
            "error": "Your merge fields were invalid.",
            "error_code": "ERROR_GENERIC",
            "field": "PHONE",
            "field_message": "Please enter a valid phone number",
        },
    ],
    "total_created": 1,
    "total_updated": 1,
    "error_count": 2,
    "_links": [],
}


def test_mixed_response_gives_one_outcome_per_lowercased_email():
    result = parse_batch_response(MIXED_RESPONSE)

    assert {email: o.outcome for email, o in result.outcomes.items()} == {
        "new@acme.pl": CREATED,
        "old@acme.pl": UPDATED,
        "fake@example.org": FAILED,
        "phone@acme.pl": FAILED,
    }
    assert (result.total_created, result.total_updated, result.error_count) == (1, 1, 2)


def test_successes_carry_the_member_status_after_the_call():
    result = parse_batch_response(MIXED_RESPONSE)

    assert result.outcome_for("OLD@acme.pl").status == "unsubscribed"
    assert not result.outcome_for("new@acme.pl").failed


def test_failure_message_is_readable_and_names_the_field():
    result = parse_batch_response(MIXED_RESPONSE)

    phone = result.outcome_for("phone@acme.pl")
    assert phone.failed
    assert phone.error_code == "ERROR_GENERIC"
    assert "Your merge fields were invalid." in phone.message
    assert "PHONE: Please enter a valid phone number" in phone.message
    assert "looks fake or invalid" in result.outcome_for("fake@example.org").message


def test_an_error_wins_over_a_success_for_the_same_email():
    response = {
        "new_members": [{"email_address": "a@acme.pl", "status": "subscribed"}],
        "errors": [{"email_address": "A@acme.pl", "error": "Something broke", "error_code": "ERROR_GENERIC"}],
    }

    assert parse_batch_response(response).outcome_for("a@acme.pl").failed


def test_errors_without_email_are_kept_and_empty_response_is_fine():
    result = parse_batch_response({"errors": [{"error": "Oops", "error_code": "ERROR_GENERIC"}]})
    empty = parse_batch_response({})

    assert result.outcomes == {}
    assert result.unattributed_errors == ("Mailchimp rejected the contact: Oops",)
    assert empty.outcomes == {} and empty.error_count == 0
