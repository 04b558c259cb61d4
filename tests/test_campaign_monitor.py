"""Campaign Monitor (#13): the account's verify-before-save, and its section of the customer's panel and dialog."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_monitor import (
    CampaignMonitorCredentials,
)
from odoo.addons.mailchimp_sync.standins.campaign_monitor import (
    CampaignMonitorStandinServer,
)
from odoo.addons.mailchimp_sync.standins.campaign_monitor.demo import history_entry
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MailchimpCase, MailchimpStandinMixin
from .test_panel import MC_USER_GROUPS, PanelWorld

CM = "campaign_monitor"
CM_LISTS = {"cm-news": "CM Newsletter", "cm-offers": "CM Offers", "cm-webinars": "CM Webinars",
            "cm-partners": "CM Partners", "cm-old": "CM Old news", "cm-jobs": "CM Jobs"}
STATES = {"cm-news": "Active", "cm-offers": "Unsubscribed", "cm-webinars": "Unconfirmed",
          "cm-partners": "Bounced", "cm-old": "Deleted"}


class CampaignMonitorWorld:
    """A Campaign Monitor stand-in whose client has six lists; office@ is in five, one per state.

    office@ got four campaigns (newest first: Winter sale opened and clicked, Autumn news opened, Summer
    news and Spring news neither).
    """

    OFFICE = PanelWorld.OFFICE

    @classmethod
    def start_campaign_monitor(cls):
        cls.cm = CampaignMonitorStandinServer().start()
        cls.addClassCleanup(cls.cm.stop)
        for list_id, name in CM_LISTS.items():
            cls.cm.store.add_list(list_id, name)
        cls.seed_cm_office()
        cls.env["mailchimp.cm.account"]._for_company().sudo()._connect(
            CampaignMonitorCredentials.from_key(cls.cm.api_key, cls.cm.client_id, base_url=cls.cm.base_url))

    @classmethod
    def seed_cm_office(cls):
        anchor = datetime(2026, 11, 20, 9, 0)
        history = [history_entry(campaign, anchor, opened, clicked) for campaign, opened, clicked in (
            (("w", "Winter sale", 1), True, True), (("a", "Autumn news", 30), True, False),
            (("s", "Summer news", 120), False, False), (("p", "Spring news", 200), False, False))]
        for mailing_list in cls.cm.store.lists.values():
            mailing_list.subscribers.clear()
        for list_id, state in STATES.items():
            cls.cm.store.put_subscriber(list_id, cls.OFFICE, state, history=history if list_id == "cm-news" else ())


@tagged("post_install", "-at_install")
class TestCampaignMonitorAccount(MailchimpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cm = CampaignMonitorStandinServer().start()
        cls.addClassCleanup(cls.cm.stop)
        cls.manager = new_test_user(cls.env, login="cm_manager",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        cls.cm_account = cls.env["mailchimp.cm.account"]._for_company()

    def wizard(self, api_key, client_id=None, user=None):
        Wizard = self.env["mailchimp.cm.connect.wizard"].with_user(user) if user else self.env["mailchimp.cm.connect.wizard"]
        return Wizard.create({"account_id": self.cm_account.id, "api_key": api_key,
                              "client_id": client_id or self.cm.client_id, "base_url": self.cm.base_url})

    def test_a_good_key_is_verified_with_the_clients_details_then_saved(self):
        action = self.wizard(self.cm.api_key).action_verify_and_save()
        self.assertEqual(action["params"]["message"], "Campaign Monitor client verified: Demo Newsletters")
        self.assertEqual(self.cm.calls("GET")[-1].path, f"/api/v3.3/clients/{self.cm.client_id}.json")
        self.assertTrue(self.cm_account.is_connected)
        self.assertEqual((self.cm_account.api_key, self.cm_account.client_name),
                         (self.cm.api_key, "Demo Newsletters"))
        self.assertFalse(self.env["mailchimp.cm.connect.wizard"].search([]).api_key, "the dialog forgets the key")

    def test_a_bad_key_shows_campaign_monitors_message_and_is_never_stored(self):
        self.wizard(self.cm.api_key).action_verify_and_save()
        wizard = self.wizard("a-wrong-key")
        action = wizard.action_verify_and_save()
        self.assertEqual(action["res_id"], wizard.id, "the dialog stays open")
        self.assertEqual(wizard.error, "Campaign Monitor refused the key: Campaign Monitor error 100: Invalid API Key.")
        self.assertFalse(wizard.api_key)
        self.assertEqual(self.cm_account.api_key, self.cm.api_key, "the working key is kept")
        wizard = self.wizard(self.cm.api_key, client_id="not-our-client")
        wizard.action_verify_and_save()
        self.assertIn("error 102: Invalid ClientID", wizard.error)
        self.assertEqual(self.cm_account.client_id, self.cm.client_id)

    def test_only_system_administrators_connect_and_read_the_key(self):
        self.wizard(self.cm.api_key).action_verify_and_save()
        before = len(self.cm.request_log)
        with self.assertRaises(AccessError):
            self.wizard(self.cm.api_key, user=self.manager).action_verify_and_save()
        with self.assertRaises(AccessError):
            self.cm_account.with_user(self.manager).action_open_connect_wizard()
        self.assertEqual(self.cm.request_log[before:], [], "refused before any request")
        account = self.cm_account.with_user(self.manager)
        with self.assertRaises(AccessError):
            account.read(["api_key"])
        self.assertTrue(account.is_connected)

    def test_disconnect_forgets_the_key(self):
        self.wizard(self.cm.api_key).action_verify_and_save()
        self.cm_account.action_disconnect()
        self.assertFalse(self.cm_account.is_connected or self.cm_account.api_key)


@tagged("post_install", "-at_install")
class TestCampaignMonitorPanel(CampaignMonitorWorld, MailchimpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_campaign_monitor()
        cls.company = cls.env["res.partner"].create({"name": "Acme CM", "is_company": True, "email": cls.OFFICE})
        cls.contact = cls.env["res.partner"].create({"name": "Jan CM", "parent_id": cls.company.id,
                                                     "email": "jan@acme-panel.com"})
        cls.mc_user = new_test_user(cls.env, login="cm_panel_user", groups=MC_USER_GROUPS)
        cls.internal = new_test_user(cls.env, login="cm_panel_internal",
                                     groups="base.group_user,base.group_partner_manager")

    def setUp(self):
        super().setUp()
        self.cm.faults.clear()
        self.seed_cm_office()  # the dialog's tests change office@ at the stand-in, which no rollback undoes

    def panel(self, email=None, refresh=True, partner=None):
        return (partner or self.company).customer_panel(CM, email, refresh=refresh)

    def rows(self, answer):
        return {row["name"]: (row["status"], row["css"]) for row in answer["panel"]["audiences"]}

    def test_both_providers_are_sections_of_the_panel(self):
        providers = self.company.customer_panel_providers()
        self.assertEqual([(item["key"], item["name"], item["lists_label"]) for item in providers],
                         [("mailchimp", "Mailchimp", "Audiences"), (CM, "Campaign Monitor", "Lists")])
        mailchimp = self.company.customer_panel("mailchimp", self.OFFICE)
        self.assertEqual(mailchimp, self.company.mailchimp_panel(self.OFFICE), "Mailchimp's section as before")

    def test_the_lists_of_an_address_in_the_five_states_and_their_colours(self):
        answer = self.panel(self.OFFICE)
        self.assertEqual(self.rows(answer), {
            "CM Newsletter": ("Active", "text-success"), "CM Offers": ("Unsubscribed", "text-danger"),
            "CM Webinars": ("Unconfirmed", "text-warning"), "CM Partners": ("Bounced", "text-muted"),
            "CM Old news": ("Deleted", "text-muted"), "CM Jobs": (None, "text-muted")})
        self.assertTrue(answer["panel"]["members_only"], "the panel lists the lists that have the address")
        self.assertEqual(answer["selected"], self.OFFICE)
        self.assertFalse(answer["message"])

    def test_the_last_three_campaigns_and_the_rates_come_from_the_history(self):
        panel = self.panel(self.OFFICE)["panel"]
        self.assertEqual([(row["title"], row["opened"], row["clicked"]) for row in panel["campaigns"]],
                         [("Winter sale", True, True), ("Autumn news", True, False), ("Summer news", False, False)])
        self.assertEqual(panel["campaigns"][0]["opened_at"], "2026-11-19 10:00:00")
        self.assertEqual(panel["activity"], {"avg_open_rate": 0.5, "avg_click_rate": 0.25})

    def test_an_address_in_no_list_has_its_parts_hidden(self):
        answer = self.panel("jan@acme-panel.com")
        self.assertFalse(answer["panel"]["in_any_audience"])
        self.assertEqual(answer["panel"]["campaigns"], [])
        self.assertIsNone(answer["panel"]["activity"])

    def test_campaign_monitor_down_shows_the_cached_data_with_its_time(self):
        known = self.panel(self.OFFICE)
        before = len(self.cm.request_log)
        self.assertEqual(self.panel(self.OFFICE, refresh=False)["panel"], known["panel"])
        self.assertEqual(self.cm.request_log[before:], [], "a panel read a minute ago comes from the cache")
        self.cm.faults.add(status=503, times=None)
        answer = self.panel(self.OFFICE)
        self.assertTrue(answer["stale"])
        self.assertRegex(answer["message"], r"^Campaign Monitor unreachable: shown as of .+")
        self.assertEqual(answer["panel"], known["panel"])
        self.env["mailchimp.cm.panel.cache"].search([]).unlink()
        self.assertEqual(self.panel(self.OFFICE)["message"],
                         "Campaign Monitor unreachable: nothing known yet about this address.")
        self.assertFalse(self.env["mailchimp.panel.cache"].search([("email", "=", self.OFFICE)]),
                         "Mailchimp's cache is its own")

    # ------------------------------------------------------------ the dialog

    def save(self, changes, email=None, user=None):
        email = email or self.OFFICE
        answer = self.panel(email)
        original = {row["list_id"]: row["wanted"] for row in answer["panel"]["audiences"]}
        wanted = {**original, **changes}
        target = self.company.with_user(user) if user else self.company
        return target.customer_panel_save(CM, email, original, wanted)

    def test_save_applies_only_the_changed_boxes_with_a_note_each(self):
        before = len(self.cm.request_log)
        answer = self.save({"cm-news": False, "cm-jobs": True})
        writes = [call for call in self.cm.request_log[before:] if call.method == "POST"]
        self.assertEqual(sorted(call.path for call in writes), [
            "/api/v3.3/subscribers/cm-jobs.json", "/api/v3.3/subscribers/cm-news/unsubscribe.json"])
        results = {row["name"]: row for row in answer["results"]}
        self.assertEqual(results["CM Newsletter"]["status"], "Unsubscribed")
        self.assertEqual(results["CM Jobs"]["status"], "Active")
        self.assertEqual(self.rows(answer["panel"])["CM Jobs"], ("Active", "text-success"), "the panel read again")
        notes = self.company.message_ids[:2].mapped("body")
        self.assertTrue(any("Campaign Monitor (CM Jobs)" in note and "subscribed by" in note for note in notes))
        self.assertTrue(any("CM Newsletter" in note and "unsubscribed by" in note for note in notes))

    def test_nothing_changed_nothing_sent(self):
        before = len(self.cm.request_log)
        answer = self.save({})
        self.assertEqual(answer["results"], [])
        self.assertEqual([call for call in self.cm.request_log[before:] if call.method == "POST"], [])

    def test_re_adding_who_unsubscribed_resubscribes_and_says_so(self):
        answer = self.save({"cm-offers": True, "cm-old": True, "cm-partners": True})
        results = {row["name"]: row for row in answer["results"]}
        self.assertEqual(results["CM Offers"]["status"], "Active")
        self.assertIn("had been unsubscribed: added back with Resubscribe, now active", results["CM Offers"]["message"])
        self.assertEqual(results["CM Old news"]["status"], "Active")
        self.assertIn("bounced", results["CM Partners"]["error"])
        self.assertEqual(self.cm.store.lists["cm-partners"].subscribers[self.OFFICE].state, "Bounced")
        self.assertEqual(self.cm.store.lists["cm-offers"].subscribers[self.OFFICE].consent_to_track, "Unchanged")
        self.assertIn("added back with Resubscribe", self.company.message_ids[0].body + self.company.message_ids[1].body)

    def test_an_address_that_is_not_the_customers_is_refused_before_any_request(self):
        before = len(self.cm.request_log)
        with self.assertRaisesRegex(UserError, "not an address of this customer"):
            self.company.customer_panel_save(CM, "someone@else.com", {"cm-news": False}, {"cm-news": True})
        with self.assertRaisesRegex(UserError, "Unknown newsletter provider"):
            self.company.customer_panel("sendgrid", self.OFFICE)
        self.assertEqual(self.cm.request_log[before:], [])

    # ------------------------------------------------------------ rights

    def test_a_user_without_a_mailchimp_group_cannot_call_the_panel(self):
        before = len(self.cm.request_log)
        company = self.company.with_user(self.internal)
        for call in (lambda: company.customer_panel_providers(), lambda: company.customer_panel(CM, self.OFFICE),
                     lambda: company.customer_panel_save(CM, self.OFFICE, {"cm-jobs": False}, {"cm-jobs": True})):
            with self.assertRaises(AccessError):
                call()
        self.assertEqual(self.cm.request_log[before:], [], "refused before any request to Campaign Monitor")

    def test_a_mailchimp_user_uses_the_dialog(self):
        answer = self.save({"cm-jobs": True}, user=self.mc_user)
        self.assertEqual(answer["results"][0]["status"], "Active")
        self.assertIn(self.mc_user.name, self.company.message_ids[0].body)

    def test_another_companys_panel_has_no_campaign_monitor_section(self):
        other = self.env["res.company"].create({"name": "Other CM Co"})
        self.env.user.company_ids |= other
        company = self.company.with_company(other)
        self.assertEqual([item["key"] for item in company.customer_panel_providers()], ["mailchimp"])
        self.assertIsNone(company.customer_panel(CM, self.OFFICE)["panel"])


@tagged("post_install", "-at_install")
class TestCampaignMonitorPanelUi(CampaignMonitorWorld, PanelWorld, MailchimpStandinMixin, HttpCase):
    """The panel with both providers and Campaign Monitor's dialog in Chromium, as a Mailchimp user clicks them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.build_world()
        cls.start_campaign_monitor()
        cls.env["mailchimp.panel.cache"].search([]).unlink()
        cls.company.name = "Acme Both Providers"
        cls.user = new_test_user(cls.env, login="cm_panel_tour", groups=MC_USER_GROUPS)

    def test_both_providers_and_the_dialog(self):
        self.company.customer_panel(CM, self.SALES, refresh=True)
        self.env["mailchimp.cm.panel.cache"].search([("email", "=", self.SALES)]).fetched_at = \
            fields.Datetime.now() - timedelta(hours=1)
        self.cm.faults.add(status=503, times=None, path_contains="sales%40acme-panel.com")
        self.start_tour(f"/odoo/contacts/{self.company.id}", "mailchimp_sync_customer_panel_providers",
                        login="cm_panel_tour")
        self.assertEqual(self.cm.store.lists["cm-offers"].subscribers[self.OFFICE].state, "Active")
        self.assertEqual(self.cm.store.lists["cm-webinars"].subscribers[self.OFFICE].state, "Unconfirmed",
                         "the box unticked then reverted was not sent")
        self.assertIn("added back with Resubscribe", self.company.message_ids[0].body)
