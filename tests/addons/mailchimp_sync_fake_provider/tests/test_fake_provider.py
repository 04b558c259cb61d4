"""A fourth provider is one room: its section is in the customer's panel, its dialog applies, its rights hold.

Nothing of mailchimp_sync was edited for Fake News: this add-on only adds a
backend model, a core client and a stand-in.
"""
from unittest.mock import patch

from odoo.addons.mailchimp_sync.models.mailchimp_backend import MailchimpBackend
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..fake_provider.standin import TOKEN, FakeNewsStandin

MC_USER_GROUPS = "base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_user"
FAST = {"backoff_base": 0.01, "backoff_cap": 0.05, "timeout": 10.0}
EMAIL = "reader@fake-news-example.com"


class FakeNewsWorld:
    @classmethod
    def start_fake_news(cls):
        cls.standin = FakeNewsStandin().start()
        cls.addClassCleanup(cls.standin.stop)
        patcher = patch.object(MailchimpBackend, "_client_options", lambda self, interactive=False: dict(FAST))
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.env["mailchimp.account"]._for_company(create=True)  # the form's Mailchimp count reads it (never connected here)
        cls.account = cls.env["fake.news.account"]._for_company(create=True)
        cls.account._connect((TOKEN, cls.standin.base_url))
        cls.customer = cls.env["res.partner"].create({"name": "Fake News Reader", "email": EMAIL})
        cls.user = new_test_user(cls.env, login="fake_news_user", groups=MC_USER_GROUPS)


@tagged("post_install", "-at_install")
class TestFakeProvider(FakeNewsWorld, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_fake_news()

    def setUp(self):
        super().setUp()
        self.standin.subscribed.clear()

    def test_its_section_is_in_the_panel_with_its_own_words(self):
        customer = self.customer.with_user(self.user)
        sections = {section["key"]: section for section in customer.customer_panel_providers()}
        self.assertIn("mailchimp", sections)
        self.assertEqual((sections["fake_news"]["name"], sections["fake_news"]["statuses"]),
                         ("Fake News", {"in": "Reading", "out": "Not reading"}))

    def test_its_section_shows_the_lists_and_its_dialog_applies_the_changed_boxes(self):
        customer = self.customer.with_user(self.user)
        panel = customer.customer_panel("fake_news")
        self.assertEqual(panel["selected"], EMAIL)
        self.assertEqual([(row["list_id"], row["status"]) for row in panel["panel"]["audiences"]],
                         [("fn-daily", "out"), ("fn-weekly", "out")])
        answer = customer.customer_panel_save("fake_news", EMAIL, {"fn-daily": False, "fn-weekly": False},
                                              {"fn-daily": True, "fn-weekly": False})
        self.assertEqual([(row["list_id"], row["status"], row["error"]) for row in answer["results"]],
                         [("fn-daily", "in", False)])
        self.assertEqual(self.standin.subscribed, {("fn-daily", EMAIL)})
        self.assertEqual(answer["panel"]["panel"]["subscribed_count"], 1)

    def test_a_disconnected_provider_has_no_section(self):
        self.account.action_disconnect()
        keys = [section["key"] for section in self.customer.customer_panel_providers()]
        self.assertNotIn("fake_news", keys)

    def test_a_user_without_the_mailchimp_group_is_refused_before_any_request(self):
        internal = new_test_user(self.env, login="fake_news_internal", groups="base.group_user")
        before = len(self.standin.request_log)
        customer = self.customer.with_user(internal)
        for call in (lambda: customer.customer_panel("fake_news"),
                     lambda: customer.customer_panel_save("fake_news", EMAIL, {"fn-daily": False},
                                                          {"fn-daily": True})):
            with self.assertRaises(AccessError):
                call()
        self.assertEqual(self.standin.request_log[before:], [])

    def test_another_companys_admin_cannot_touch_its_credentials(self):
        other = self.env["res.company"].create({"name": "Fake News Other Co"})
        admin_b = new_test_user(self.env, login="fake_news_admin_b", company_id=other.id,
                                company_ids=[(6, 0, other.ids)], groups="base.group_user,base.group_system")
        before = len(self.standin.request_log)
        with self.assertRaises(AccessError):
            self.account.with_user(admin_b).action_disconnect()
        with self.assertRaises(AccessError):
            self.env["fake.news.connect.wizard"].with_user(admin_b).create(
                {"account_id": self.account.id, "token": TOKEN, "base_url": self.standin.base_url}
            ).action_verify_and_save()
        self.assertEqual(self.standin.request_log[before:], [])
        self.assertTrue(self.account.is_connected)

    def test_the_panel_in_the_browser_shows_its_section_and_its_dialog_saves(self):
        self.start_tour(f"/odoo/contacts/{self.customer.id}", "mailchimp_sync_fake_provider_panel",
                        login="fake_news_user")
        self.assertEqual(self.standin.subscribed, {("fn-weekly", EMAIL)})
