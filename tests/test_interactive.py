"""A person waiting never waits on a hung service: the customer's panel answers "unreachable" within 5 s."""
import threading
import time
from unittest.mock import patch

import requests

from odoo.tests import HttpCase, tagged
from odoo.tests.common import _super_send

from odoo.addons.mailchimp_sync.mailchimp_sync.json_http import INTERACTIVE_OPTIONS
from odoo.addons.mailchimp_sync.models.mailchimp_backend import MailchimpBackend

from .common import FAST_RETRIES, MailchimpStandinMixin, new_list_body

EMAIL = "hung.panel@acme-example.com"


@tagged("post_install", "-at_install")
class TestHungMailchimp(MailchimpStandinMixin, HttpCase):
    """Mailchimp accepts connections and never answers: the panel says so in time, the server serves others."""

    @classmethod
    def _request_handler(cls, session, prepared, /, **kwargs):
        """Loopback only, timeouts as given: Odoo's test guard raises any under 10 s to 10 s, these are measured."""
        return _super_send(session, prepared, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        patcher = patch.object(MailchimpBackend, "_client_options", lambda self, interactive=False: dict(
            INTERACTIVE_OPTIONS if interactive else FAST_RETRIES))
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.account._client().create_list(new_list_body("Newsletter"))
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.customer = cls.env["res.partner"].create({"name": "Hung Panel", "email": EMAIL})

    def open_panel(self, answers):
        started = time.monotonic()
        answers["panel"] = self.make_jsonrpc_request("/web/dataset/call_kw/res.partner/mailchimp_panel", {
            "model": "res.partner", "method": "mailchimp_panel", "args": [[self.customer.id]],
            "kwargs": {"refresh": True}})
        answers["seconds"] = time.monotonic() - started

    def test_the_panel_answers_unreachable_within_five_seconds_while_others_are_served(self):
        self.authenticate("admin", "admin")
        self.standin.faults.add(delay=30, times=None, path_contains="/lists/")
        answers = {}
        panel = threading.Thread(target=self.open_panel, args=(answers,))
        panel.start()
        time.sleep(0.5)
        started = time.monotonic()
        other = requests.get(f"{self.base_url()}/web/static/img/default_icon_app.png", timeout=10)
        served_in = time.monotonic() - started
        panel.join(timeout=20)
        self.assertEqual(other.status_code, 200)
        self.assertLess(served_in, 2, "another request is served while the panel waits for Mailchimp")
        self.assertLessEqual(answers["seconds"], 5)
        self.assertTrue(answers["panel"]["stale"])
        self.assertIn("Mailchimp unreachable", answers["panel"]["message"])
