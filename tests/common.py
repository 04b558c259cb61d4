"""Base class of the Odoo tests: a Mailchimp stand-in on loopback, settings pointing at it."""
from unittest.mock import patch

from odoo.tests import TransactionCase
from odoo.tools.misc import file_path

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials
from odoo.addons.mailchimp_sync.models.mailchimp_backend import MailchimpBackend
from odoo.addons.mailchimp_sync.standins.mailchimp import StandinServer

# A plain number: Odoo's test HTTP guard compares the timeout with 10 and cannot take a tuple.
def speak(env, user, lang):
    """``user`` works in ``lang`` (e.g. ``pl_PL``) with the add-on's translations loaded from its ``i18n/``."""
    env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(["mailchimp_sync"], [lang], overwrite=True)
    user.lang = lang


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
# What a person waits with: one retry, a bounded call (Odoo's guard raises any timeout to 10 s in tests).
FAST_INTERACTIVE = {**FAST_RETRIES, "max_retries": 1, "budget": 10.0}


class MailchimpStandinMixin:
    """Starts one stand-in per test class and points the current company's account at it."""

    standin_seed = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = StandinServer(seed=cls.standin_seed).start()
        cls.addClassCleanup(cls.standin.stop)
        patcher = patch.object(MailchimpBackend, "_client_options",
                               lambda self, interactive=False: dict(FAST_INTERACTIVE if interactive else FAST_RETRIES))
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.account = cls.connect_account(cls.env.company, cls.standin)

    @classmethod
    def connect_account(cls, company, standin, report_email="reports@acme-example.com"):
        """The company's account, pointed at ``standin`` as an admin would after “Verify and save”."""
        account = cls.env["mailchimp.account"]._for_company(company, create=True).sudo()
        account.write({"report_email": report_email})
        account._connect(Credentials.from_api_key(standin.api_key, base_url=standin.base_url))
        return account

    def setUp(self):
        super().setUp()
        self.standin.faults.clear()


class MailchimpCase(MailchimpStandinMixin, TransactionCase):
    pass


class MailchimpDemoCase(MailchimpStandinMixin, TransactionCase):
    """The stand-in seeded with the demo account, as ``tools/run`` starts it."""

    standin_seed = file_path("mailchimp_sync/standins/mailchimp/demo_seed.json")

    def sync_demo_audience(self):
        """tools/run's first steps: audiences, groups, the demo tags linked to them, the first sync.

        Returns the demo audience and its run.
        """
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        audience = Audience.search([("name", "=", "Acme Newsletter")])
        audience._refresh_schema(self.account._client())
        Audience._map_demo_tags()
        return audience, audience._sync_members()


# The footer Mailchimp requires (its send checklist): the unsubscribe link and the audience's postal address.
# The tags are text: Odoo's HTML sanitizer writes an href "*|UNSUB|*" as "*%7CUNSUB%7C*", which is no merge tag.
FOOTER_HTML = "<p>*|LIST:ADDRESSLINE|*<br/>Unsubscribe: *|UNSUB|*</p>"
