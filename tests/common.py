"""Base class of the Odoo tests: a Mailchimp stand-in on loopback, settings pointing at it."""
from unittest.mock import patch

from odoo.tests import TransactionCase

from odoo.addons.mailchimp_sync.standins.mailchimp import StandinServer
from odoo.addons.mailchimp_sync.models.mailchimp_backend import (
    PARAM_API_KEY,
    PARAM_AUTH_METHOD,
    PARAM_BASE_URL,
    PARAM_REPORT_EMAIL,
    MailchimpBackend,
)

# A plain number: Odoo's test HTTP guard compares the timeout with 10 and cannot take a tuple.
def new_list_body(name):
    """The body of ``POST /lists`` for a test audience called ``name``."""
    return {
        "name": name,
        "permission_reminder": "You are a customer of ours.",
        "email_type_option": False,
        "contact": {"company": "Acme", "address1": "Ul. Prosta 1", "city": "Warszawa", "country": "PL"},
        "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme-example.com",
                              "subject": "", "language": "pl"},
    }


FAST_RETRIES = {"backoff_base": 0.01, "backoff_cap": 0.05, "timeout": 10.0}


class MailchimpStandinMixin:
    """Starts one stand-in per test class and points the add-on's settings at it."""

    standin_seed = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = StandinServer(seed=cls.standin_seed).start()
        cls.addClassCleanup(cls.standin.stop)
        patcher = patch.object(MailchimpBackend, "_client_options", lambda self: dict(FAST_RETRIES))
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_AUTH_METHOD, "api_key")
        params.set_param(PARAM_API_KEY, cls.standin.api_key)
        params.set_param(PARAM_BASE_URL, cls.standin.base_url)
        params.set_param(PARAM_REPORT_EMAIL, "reports@acme-example.com")

    def setUp(self):
        super().setUp()
        self.standin.faults.clear()

    def get_param(self, key):
        return self.env["ir.config_parameter"].sudo().get_param(key)


class MailchimpCase(MailchimpStandinMixin, TransactionCase):
    pass
