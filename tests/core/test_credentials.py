import pytest

from mailchimp_sync.campaign_monitor import CampaignMonitorConfigError, CampaignMonitorCredentials
from mailchimp_sync.credentials import Credentials
from mailchimp_sync.errors import MailchimpConfigError
from mailchimp_sync.serwersms import SerwerSmsConfigError, SmsCredentials

GOOD_KEY = "0123456789abcdef0123456789abcdef-us6"


def test_api_key_gives_data_centre_and_host():
    credentials = Credentials.from_api_key(GOOD_KEY)
    assert credentials.dc == "us6"
    assert credentials.base_url == "https://us6.api.mailchimp.com/3.0"
    assert credentials.basic_auth() == ("mailchimp_sync", GOOD_KEY)


def test_surrounding_blanks_are_ignored():
    assert Credentials.from_api_key(f"  {GOOD_KEY}\n").secret == GOOD_KEY


@pytest.mark.parametrize("key", [
    "",
    None,
    "0123456789abcdef0123456789abcdef",            # no data centre
    "0123456789abcdef0123456789abcde-us6",         # 31 hex
    "0123456789abcdef0123456789abcdeg-us6",        # not hex
    "0123456789abcdef0123456789abcdef-",           # empty data centre
    "0123456789abcdef0123456789abcdef-6us",        # data centre of the wrong form
    "0123456789abcdef0123456789abcdef-us6-us7",    # two data centres
])
def test_malformed_key_names_the_expected_form_without_echoing_it(key):
    with pytest.raises(MailchimpConfigError) as caught:
        Credentials.from_api_key(key)
    message = str(caught.value)
    assert "32 hexadecimal characters" in message and "-us6" in message
    if key:
        assert key.strip() not in message


def test_secret_is_not_in_repr():
    assert "0123456789abcdef" not in repr(Credentials.from_api_key(GOOD_KEY))


def test_base_url_override_for_the_stand_in():
    credentials = Credentials.from_api_key(GOOD_KEY, base_url="http://127.0.0.1:8765/3.0/")
    assert credentials.base_url == "http://127.0.0.1:8765/3.0"


@pytest.mark.parametrize("make, error_class, message", [
    (lambda url: Credentials.from_api_key(GOOD_KEY, base_url=url), MailchimpConfigError,
     "The Mailchimp base URL must start with http:// or https://."),
    (lambda url: Credentials.from_oauth("token", "us6", base_url=url), MailchimpConfigError,
     "The Mailchimp base URL must start with http:// or https://."),
    (lambda url: SmsCredentials.from_login("api-user", "secret", base_url=url), SerwerSmsConfigError,
     "The SerwerSMS base URL must start with http:// or https://."),
    (lambda url: CampaignMonitorCredentials.from_key("cm-key", "client-1", base_url=url), CampaignMonitorConfigError,
     "The Campaign Monitor base URL must start with http:// or https://."),
])
def test_every_service_refuses_a_base_url_that_is_not_http_in_its_own_words(make, error_class, message):
    with pytest.raises(error_class) as refused:
        make("ftp://127.0.0.1/3.0")
    assert str(refused.value) == message
    assert make(" http://127.0.0.1:8765/api/ ").base_url == "http://127.0.0.1:8765/api"


def test_oauth_token_uses_bearer_and_given_data_centre():
    credentials = Credentials.from_oauth("tok3n", "us10")
    assert credentials.auth_headers() == {"Authorization": "Bearer tok3n"}
    assert credentials.basic_auth() is None
    assert credentials.base_url == "https://us10.api.mailchimp.com/3.0"


@pytest.mark.parametrize("token, dc", [("", "us1"), ("tok", ""), ("tok", "nowhere")])
def test_oauth_needs_token_and_data_centre(token, dc):
    with pytest.raises(MailchimpConfigError):
        Credentials.from_oauth(token, dc)


def test_redact_hides_the_secret():
    credentials = Credentials.from_api_key(GOOD_KEY)
    assert credentials.redact(f"boom {GOOD_KEY} and 0123456789abcdef0123456789abcdef") == "boom *** and ***"
