"""An audience's settings written with ``PATCH /lists/{id}``: the client and the stand-in agree."""
import pytest

from mailchimp_sync.audience_defaults import key_of_remote_field, update_body, values_from_list
from mailchimp_sync.errors import MailchimpError
from standins.mailchimp.errors import PROBLEM_CONTENT_TYPE


def test_the_whole_settings_written_are_read_back_and_writing_them_twice_changes_nothing(
        make_client, new_list, list_defaults):
    client = make_client()
    list_id = new_list(client, "Newsletter")
    values = {**list_defaults, "contact_city": "Kraków", "contact_phone": "+48 12 000 00 00",
              "campaign_from_email": "hello@acme.pl", "campaign_language": "en",
              "permission_reminder": "You bought from us."}
    body = update_body("Newsletter", values, email_type_option=False)

    first = client.update_list(list_id, body)
    second = client.update_list(list_id, body)

    assert first == {**second, "stats": first["stats"]}
    read = client.get_list(list_id)
    assert values_from_list(read) == {**values, "contact_address2": "", "contact_state": ""}
    assert read["name"] == "Newsletter"


def test_a_blank_line_clears_the_one_in_mailchimp(make_client, new_list, list_defaults):
    client = make_client()
    list_id = new_list(client, "Newsletter")
    client.update_list(list_id, update_body("Newsletter", {**list_defaults, "contact_zip": "00-002"},
                                            email_type_option=False))

    client.update_list(list_id, update_body("Newsletter", {**list_defaults, "contact_zip": ""},
                                            email_type_option=False))

    assert client.get_list(list_id)["contact"]["zip"] == ""


def test_a_refusal_names_each_field_like_mailchimp_and_changes_nothing(make_client, new_list, list_defaults):
    client = make_client()
    list_id = new_list(client, "Newsletter")
    body = update_body("Newsletter", {**list_defaults, "contact_city": "", "campaign_from_email": "not-an-email"},
                       email_type_option=False)

    with pytest.raises(MailchimpError) as refused:
        client.update_list(list_id, body)

    assert refused.value.status == 400
    assert refused.value.title == "Invalid Resource"
    assert set(refused.value.field_errors) == {"contact.city", "campaign_defaults.from_email"}
    assert {key_of_remote_field(field) for field in refused.value.field_errors} == {
        "contact_city", "campaign_from_email"}
    assert client.get_list(list_id)["campaign_defaults"]["from_email"] == "news@acme.pl"


def test_the_stand_in_answers_a_refused_update_with_a_problem_document(srv, http):
    list_id = next(iter(srv.store.audiences))
    response = http.patch(f"{srv.base_url}/lists/{list_id}", json={"name": "No contact"})

    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM_CONTENT_TYPE
    problem = response.json()
    assert problem["title"] == "Invalid Resource"
    assert {"field": "contact", "message": "This value should not be blank."} in problem["errors"]


def test_an_unknown_audience_is_not_found_before_its_body_is_checked(make_client):
    with pytest.raises(MailchimpError) as missing:
        make_client().update_list("doesnotexist", {})

    assert missing.value.status == 404
