"""The screens users click, in headless Chromium, against the stand-in seeded with the demo account."""
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_path

from .common import MailchimpDemoCase, MailchimpStandinMixin, speak


@tagged("post_install", "-at_install")
class TestUi(MailchimpStandinMixin, HttpCase):
    standin_seed = file_path("mailchimp_sync/standins/mailchimp/demo_seed.json")

    def test_admin_verifies_the_api_key_from_the_settings(self):
        """Bad keys typed and verified, then Save: nothing stored; the good key is stored and named."""
        self.account.action_disconnect()
        self.start_tour("/odoo", "mailchimp_sync_verify_settings", login="admin")
        self.assertEqual(self.account.sudo().api_key, self.standin.api_key)
        self.assertEqual(self.account.mailchimp_account_name, "Acme Demo")

    def test_manager_loads_audiences_and_starts_a_sync(self):
        self.start_tour("/odoo", "mailchimp_sync_audiences", login="admin")
        audience = self.env["mailchimp.audience"].search([("name", "=", "Acme Newsletter")])
        self.assertTrue(audience.sync_requested)
        self.assertIn("FNAME", audience.merge_field_ids.mapped("tag"))

    def settings_and_audience_in(self, lang, tour):
        self.env["mailchimp.audience"].action_refresh_audiences()
        speak(self.env, self.env.ref("base.user_admin"), lang)
        self.start_tour("/odoo/action-mailchimp_sync.mailchimp_settings_action", tour, login="admin")
        self.assertTrue(self.env["mailchimp.audience"].search([("name", "=", "Acme Newsletter")]).sync_requested)

    def test_the_settings_and_an_audience_in_polish(self):
        self.settings_and_audience_in("pl_PL", "mailchimp_sync_settings_audience_pl")

    def test_the_settings_and_an_audience_in_greek(self):
        self.settings_and_audience_in("el_GR", "mailchimp_sync_settings_audience_el")

    def test_sales_person_ticks_the_subscription_box(self):
        interest_tag = self.env["res.partner.category"].create({"name": "Tour group"})
        self.env["mailchimp.audience"].action_refresh_audiences()
        audience = self.env["mailchimp.audience"].search([], limit=1)
        audience._refresh_schema(self.account._client())
        interest = audience.interest_ids[:1]
        self.assertTrue(interest, "the stand-in's audience needs an interest for this tour")
        interest_tag.mailchimp_interest_id = interest
        partner = self.env["res.partner"].create({
            "name": "Tour Customer", "email": "tour.customer@acme-example.com",
            "category_id": [(6, 0, interest_tag.ids)]})
        self.start_tour("/odoo", "mailchimp_sync_partner_panel", login="admin")
        self.assertTrue(partner.mailchimp_subscribe)


@tagged("post_install", "-at_install")
class TestDemo(MailchimpDemoCase):
    """What ``tools/run`` shows: the demo customers synced to the demo audience."""

    def test_demo_customers_sync_to_the_demo_audience(self):
        _audience, run = self.sync_demo_audience()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.failed_count, 0)
        ticked = self.env.ref("base.res_partner_1") | self.env.ref("base.res_partner_2") \
            | self.env.ref("base.res_partner_3") | self.env.ref("base.res_partner_12")
        for partner in ticked:
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.mailchimp_sync_state, "Synced to Mailchimp")
        self.assertIn("box is not ticked", self.env.ref("base.res_partner_4").mailchimp_sync_state)
