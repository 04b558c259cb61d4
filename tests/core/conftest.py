"""Shared fixtures of the framework-free tests: a Mailchimp stand-in on loopback."""
import socket

import pytest
import requests

from mailchimp_sync.audience_defaults import list_body
from mailchimp_sync.client import MailchimpClient
from mailchimp_sync.credentials import Credentials
from standins.mailchimp import DEMO_SEED, StandinServer

# An audience's contact and list defaults with every value Mailchimp requires (api-facts 1.4).
LIST_DEFAULTS = {
    "contact_company": "Acme", "contact_address1": "Ul. Prosta 1", "contact_city": "Warszawa",
    "contact_country": "PL", "contact_zip": "00-001", "campaign_from_name": "Acme",
    "campaign_from_email": "news@acme.pl", "campaign_subject": "", "campaign_language": "pl",
    "permission_reminder": "You are a customer of ours.",
}


@pytest.fixture
def list_defaults():
    return dict(LIST_DEFAULTS)


@pytest.fixture
def new_list():
    """``new_list(client, name)``: the id of a new audience created with complete defaults."""
    return lambda client, name: client.create_list(list_body(name, LIST_DEFAULTS))["id"]


@pytest.fixture(scope="module")
def standin_server():
    with StandinServer() as server:
        yield server


@pytest.fixture
def standin(standin_server):
    """The module's stand-in, with no fault left over from a previous test."""
    standin_server.faults.clear()
    yield standin_server
    standin_server.faults.clear()


class RecordingSleep:
    """Stands in for ``time.sleep``: records the delays instead of waiting."""

    def __init__(self):
        self.delays = []

    def __call__(self, seconds):
        self.delays.append(seconds)


@pytest.fixture
def sleeps():
    return RecordingSleep()


@pytest.fixture
def unreachable_url():
    """``http://127.0.0.1:<port>`` with nothing listening: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def make_client(standin, sleeps):
    clients = []

    def factory(api_key=None, **options):
        credentials = Credentials.from_api_key(api_key or standin.api_key, base_url=standin.base_url)
        options.setdefault("sleep", sleeps)
        client = MailchimpClient(credentials, **options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def srv():
    """A stand-in with the demo account, for tests of the stand-in itself (a module may override it)."""
    with StandinServer(seed=DEMO_SEED, validate_webhook_urls=False) as server:
        yield server


@pytest.fixture
def http(srv):
    """Plain HTTP to ``srv`` with its API key, for checking wire-level shapes."""
    session = requests.Session()
    session.trust_env = False
    session.auth = ("anystring", srv.api_key)
    yield session
    session.close()
