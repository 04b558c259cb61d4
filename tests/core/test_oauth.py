"""The OAuth2 flow's core: state, callback checks, token exchange and metadata against the stand-in."""
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from mailchimp_sync.client import MailchimpClient
from mailchimp_sync.credentials import Credentials
from mailchimp_sync.errors import MailchimpError
from mailchimp_sync.oauth import (
    MailchimpOAuthClient,
    OAuthCallbackError,
    OAuthStateError,
    authorize_url,
    check_callback,
    make_state,
    nonce_matches,
    parse_metadata,
    read_state,
    redirect_uri,
)

KEY = "database-secret"
NOW = 1_800_000_000
REDIRECT = "http://odoo.example.com/mailchimp/oauth/callback"


class TestState:
    def test_a_state_comes_back_with_its_account_and_nonce(self):
        state = make_state(KEY, 7, "nonce-1", "session-a", NOW)
        assert read_state(KEY, state, "session-a", NOW + 10) == (7, "nonce-1")

    @pytest.mark.parametrize("session, key", [("session-b", KEY), ("session-a", "other-database")])
    def test_another_session_or_database_is_a_mismatch(self, session, key):
        state = make_state(KEY, 7, "nonce-1", "session-a", NOW)
        with pytest.raises(OAuthStateError, match="state_mismatch"):
            read_state(key, state, session, NOW)

    def test_a_state_edited_to_another_account_is_a_mismatch(self):
        state = make_state(KEY, 7, "nonce-1", "session-a", NOW)
        with pytest.raises(OAuthStateError, match="state_mismatch"):
            read_state(KEY, "8" + state[1:], "session-a", NOW)

    def test_an_expired_state_says_so(self):
        state = make_state(KEY, 7, "nonce-1", "session-a", NOW, ttl=600)
        with pytest.raises(OAuthStateError, match="state_expired"):
            read_state(KEY, state, "session-a", NOW + 601)

    @pytest.mark.parametrize("state", [None, "", "garbage", "a.b.c.d", "1.n.x.sig"])
    def test_malformed_states_are_refused(self, state):
        with pytest.raises(OAuthStateError, match="state_invalid"):
            read_state(KEY, state, "session-a", NOW)

    def test_the_nonce_is_single_use(self):
        assert nonce_matches("nonce-1", "nonce-1")
        assert not nonce_matches(None, "nonce-1")
        assert not nonce_matches("", "")
        assert not nonce_matches("nonce-2", "nonce-1")


class TestCallback:
    def test_the_code_is_returned(self):
        assert check_callback({"code": " abc ", "state": "s"}) == "abc"

    def test_access_denied_is_explained(self):
        with pytest.raises(OAuthCallbackError, match="access_denied"):
            check_callback({"error": "access_denied", "state": "s"})

    def test_a_missing_code_is_explained(self):
        with pytest.raises(OAuthCallbackError, match="no_code"):
            check_callback({"state": "s"})

    def test_urls(self):
        assert redirect_uri("http://odoo.example.com/") == REDIRECT
        url = authorize_url("client-1", REDIRECT, "st.ate", server_url="http://127.0.0.1:9/oauth2/")
        parts = urlsplit(url)
        assert parts.path == "/oauth2/authorize"
        assert parse_qs(parts.query) == {"response_type": ["code"], "client_id": ["client-1"],
                                         "redirect_uri": [REDIRECT], "state": ["st.ate"]}
        assert authorize_url("c", REDIRECT, "s").startswith("https://login.mailchimp.com/oauth2/authorize?")

    def test_metadata_without_data_centre_is_an_error(self):
        with pytest.raises(MailchimpError, match="no data centre"):
            parse_metadata({"accountname": "Acme", "api_endpoint": "https://us6.api.mailchimp.com"})
        metadata = parse_metadata({"dc": "us6", "api_endpoint": "https://us6.api.mailchimp.com/",
                                   "accountname": "Acme", "login": {"email": "a@acme.pl"}})
        assert metadata.api_base_url == "https://us6.api.mailchimp.com/3.0"
        assert (metadata.account_name, metadata.login_email) == ("Acme", "a@acme.pl")


def _authorize(standin, client_id, state="st"):
    """The browser's visit to the authorize URL; returns the redirect's query."""
    url = authorize_url(client_id, REDIRECT, state, server_url=f"{standin.root_url}/oauth2")
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {key: values[0] for key, values in parse_qs(location.query).items()}


class TestAgainstTheStandin:
    def test_full_round_trip(self, standin):
        client_id, client_secret = standin.register_oauth_app()
        answer = _authorize(standin, client_id, state="my-state")
        assert answer["state"] == "my-state"
        code = check_callback(answer)
        with MailchimpOAuthClient(f"{standin.root_url}/oauth2", backoff_base=0) as oauth:
            token = oauth.exchange_code(client_id, client_secret, REDIRECT, code)
            metadata = oauth.metadata(token)
        assert metadata.dc == standin.dc and metadata.api_base_url == standin.base_url
        assert metadata.account_name
        with MailchimpClient(Credentials.from_oauth(token, metadata.dc, base_url=metadata.api_base_url)) as api:
            assert api.ping()["health_status"] == "Everything's Chimpy!"

    def test_a_code_works_once(self, standin):
        client_id, client_secret = standin.register_oauth_app()
        code = _authorize(standin, client_id)["code"]
        with MailchimpOAuthClient(f"{standin.root_url}/oauth2", backoff_base=0) as oauth:
            oauth.exchange_code(client_id, client_secret, REDIRECT, code)
            with pytest.raises(MailchimpError) as refused:
                oauth.exchange_code(client_id, client_secret, REDIRECT, code)
        assert (refused.value.status, refused.value.title) == (400, "invalid_grant")

    def test_a_wrong_client_secret_is_refused_and_not_shown(self, standin):
        client_id, _secret = standin.register_oauth_app()
        code = _authorize(standin, client_id)["code"]
        with MailchimpOAuthClient(f"{standin.root_url}/oauth2", backoff_base=0) as oauth:
            with pytest.raises(MailchimpError) as refused:
                oauth.exchange_code(client_id, "wrong-secret-value", REDIRECT, code)
        assert (refused.value.status, refused.value.title) == (401, "invalid_client")
        assert "wrong-secret-value" not in str(refused.value)

    def test_access_denied_comes_back_as_an_error(self, standin):
        client_id, _secret = standin.register_oauth_app()
        requests.post(f"{standin.root_url}/_standin/oauth/deny", json={}, timeout=5)
        answer = _authorize(standin, client_id, state="s1")
        assert answer == {"error": "access_denied", "state": "s1"}

    def test_a_revoked_token_answers_401(self, standin):
        client_id, client_secret = standin.register_oauth_app()
        code = _authorize(standin, client_id)["code"]
        with MailchimpOAuthClient(f"{standin.root_url}/oauth2", backoff_base=0) as oauth:
            token = oauth.exchange_code(client_id, client_secret, REDIRECT, code)
            requests.post(f"{standin.root_url}/_standin/credentials/revoke", json={"credential": token}, timeout=5)
            with pytest.raises(MailchimpError) as revoked:
                oauth.metadata(token)
        assert revoked.value.status == 401
        pings_before = sum(1 for logged in standin.request_log if logged.path == "/3.0/ping")
        api = MailchimpClient(Credentials.from_oauth(token, standin.dc, base_url=standin.base_url), sleep=None)
        with pytest.raises(MailchimpError) as refused:
            api.ping()
        assert refused.value.status == 401
        assert sum(1 for logged in standin.request_log if logged.path == "/3.0/ping") == pings_before + 1
