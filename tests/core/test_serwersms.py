"""The SerwerSMS client against its stand-in: errors in HTTP 200 bodies, retries, secrets, the endpoints."""
import logging

import pytest

from mailchimp_sync.serwersms import (
    SerwerSmsClient,
    SerwerSmsConfigError,
    SerwerSmsConnectionError,
    SerwerSmsError,
    SerwerSmsRetryError,
    SmsCredentials,
)
from standins.serwersms import SmsStandinServer


@pytest.fixture(scope="module")
def gateway_server():
    with SmsStandinServer() as server:
        yield server


@pytest.fixture
def gateway(gateway_server):
    gateway_server.faults.clear()
    gateway_server.store.armed.clear()
    gateway_server.request_log.clear()
    gateway_server.lost_answers.clear()
    yield gateway_server
    gateway_server.faults.clear()


@pytest.fixture
def make_sms_client(gateway, sleeps):
    clients = []

    def factory(credentials=None, **options):
        options.setdefault("sleep", sleeps)
        client = SerwerSmsClient(credentials or SmsCredentials.from_token(gateway.token, base_url=gateway.base_url),
                                 **options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


def test_token_and_api_user_are_both_accepted(gateway, make_sms_client):
    assert make_sms_client().limits()
    user, password = gateway.user
    assert make_sms_client(SmsCredentials.from_login(user, password, base_url=gateway.base_url)).limits()


def test_an_error_answered_with_http_200_is_an_error_with_the_gateways_message(gateway, make_sms_client):
    user, _password = gateway.user
    client = make_sms_client(SmsCredentials.from_login(user, "wrong-password", base_url=gateway.base_url))
    with pytest.raises(SerwerSmsError) as caught:
        client.limits()
    error = caught.value
    assert (error.status, error.code, error.error_type) == (200, 1001, "InvalidUser")
    assert error.is_auth_error
    assert str(error) == "SerwerSMS error 1001, InvalidUser: Incorrect login or password."
    assert "wrong-password" not in str(error)


def test_errors_of_actions_are_sentences(gateway, make_sms_client):
    client = make_sms_client()
    with pytest.raises(SerwerSmsError, match=r"^SerwerSMS error 1004, InvalidID: Invalid parameter ID\.$"):
        client.delete_group(999999)
    group_id = client.add_group("MC_errors")
    with pytest.raises(SerwerSmsError, match="2001, ValidationPhoneError: Invalid phone number"):
        client.add_contact(group_id, {"phone": "12", "email": "x@acme-example.com"})


def test_gateway_errors_are_not_retried(gateway, make_sms_client, sleeps):
    gateway.store.arm_error(1002, action="account/limits", times=1)
    with pytest.raises(SerwerSmsError, match="permission to use the API"):
        make_sms_client().limits()
    assert len(gateway.calls("account/limits")) == 1
    assert sleeps.delays == []


def test_a_read_is_retried_on_503_then_succeeds(gateway, make_sms_client, sleeps):
    gateway.faults.add(status=503, times=2)
    assert make_sms_client().limits()
    assert len(gateway.calls("account/limits")) == 3
    assert len(sleeps.delays) == 2


def test_retries_that_run_out_say_so_in_one_sentence(gateway, make_sms_client):
    gateway.faults.add(status=500, times=None)
    with pytest.raises(SerwerSmsRetryError) as caught:
        make_sms_client(max_retries=2).limits()
    assert str(caught.value) == "SerwerSMS error 500: Internal Server Error. Gave up after 3 attempts."


def test_an_import_whose_connection_dropped_is_not_sent_again(gateway, make_sms_client):
    """The gateway may have imported it: repeating could put everybody in the group twice."""
    client = make_sms_client()
    client.add_group("MC_dropped")
    gateway.faults.add(drop=True, path_contains="contacts/import")
    with pytest.raises(SerwerSmsError):
        client.import_contacts("MC_dropped", [{"phone": "+48500600700", "email": "a@acme-example.com"}])
    assert len(gateway.calls("contacts/import")) == 1


def test_an_unreachable_gateway_is_explained_and_retried(unreachable_url, sleeps):
    client = SerwerSmsClient(SmsCredentials.from_token("t0k3n", base_url=unreachable_url), max_retries=1,
                             sleep=sleeps)
    with pytest.raises(SerwerSmsError) as caught:
        client.import_contacts("MC_x", [])
    assert isinstance(caught.value, (SerwerSmsConnectionError, SerwerSmsRetryError))
    assert f"SerwerSMS could not be reached at {unreachable_url}" in str(caught.value)
    assert len(sleeps.delays) == 1, "nothing reached the gateway: safe to try again"


def test_secrets_never_reach_messages_or_logs(gateway, make_sms_client, caplog):
    token = "secret-token-that-is-wrong"
    client = make_sms_client(SmsCredentials.from_token(token, base_url=gateway.base_url))
    gateway.faults.add(status=503, times=1, detail=f"upstream said {token}")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SerwerSmsError) as caught:
        client.limits()
    assert token not in str(caught.value)
    assert token not in caplog.text
    assert "secret-token" not in repr(client.credentials)


def test_import_counts_correct_and_failed_and_contacts_are_listed_page_by_page(gateway, make_sms_client):
    client = make_sms_client()
    group_id = client.add_group("MC_import")
    gateway.store.blacklist.add("+48500000003")
    contacts = [{"phone": f"+4850000000{n}", "email": f"c{n}@acme-example.com"} for n in range(6)]
    contacts.append({"phone": "not a number", "email": "bad@acme-example.com"})
    answer = client.import_contacts("MC_import", contacts)
    assert (answer["success"], answer["correct"], answer["failed"]) == (True, 5, 2)
    listed = list(client.iter_contacts(group_id, limit=2))
    assert [item["email"] for item in listed] == [f"c{n}@acme-example.com" for n in (0, 1, 2, 4, 5)]
    assert len(gateway.calls("contacts/index")) == 3


def test_contacts_are_added_edited_and_deleted(gateway, make_sms_client):
    client = make_sms_client()
    group_id = client.add_group("MC_live")
    contact_id = client.add_contact(group_id, {"phone": "+48600100200", "email": "live@acme-example.com",
                                               "first_name": "Jan", "last_name": "Kowalski"})
    client.edit_contact(contact_id, group_id, {"phone": "+48600100201", "email": "live@acme-example.com",
                                               "first_name": "Jan", "last_name": "Nowak"})
    [item] = list(client.iter_contacts(group_id))
    assert (item["phone"], item["last_name"]) == ("+48600100201", "Nowak")
    client.delete_contact(contact_id)
    assert list(client.iter_contacts(group_id)) == []
    client.delete_group(group_id)
    assert gateway.store.group_by_name("MC_live") is None


@pytest.mark.parametrize("factory, message", [
    (lambda: SmsCredentials.from_token("  "), "token is empty"),
    (lambda: SmsCredentials.from_token("abc def"), "blanks"),
    (lambda: SmsCredentials.from_login("user", ""), "user name and a password"),
    (lambda: SmsCredentials.from_token("abc", base_url="ftp://x"), "http:// or https://"),
])
def test_unusable_credentials_are_refused_before_any_call(factory, message):
    with pytest.raises(SerwerSmsConfigError, match=message):
        factory()


def test_the_account_is_named_without_its_secret():
    assert SmsCredentials.from_token("abcdefgh1234").label == "API token …1234"
    assert SmsCredentials.from_login("api_user", "pw").label == "api_user"


def test_a_lost_answer_means_the_gateway_acted_but_the_client_does_not_know(gateway, make_sms_client):
    client = make_sms_client()
    group_id = client.add_group("MC_lost")
    gateway.lose_answer("contacts/import")
    with pytest.raises(SerwerSmsError):
        client.import_contacts("MC_lost", [{"phone": "+48500600700", "email": "a@acme-example.com"}])
    assert [item["email"] for item in client.iter_contacts(group_id)] == ["a@acme-example.com"]
