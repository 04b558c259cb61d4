"""Audience defaults (#10): read from Mailchimp, and audiences created from Odoo — against the stand-in."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import MailchimpCase, new_list_body

COMPLETE_DEFAULTS = {
    "contact_company": "Acme", "contact_address1": "Ul. Prosta 1", "contact_city": "Warszawa",
    "contact_zip": "00-001", "campaign_from_name": "Acme", "campaign_from_email": "news@acme-example.com",
    "campaign_language": "pl", "permission_reminder": "You are a customer of ours.",
}


@tagged("post_install", "-at_install")
class TestAudienceDefaults(MailchimpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.account._client()
        cls.existing_id = cls.client.create_list(new_list_body("Existing"))["id"]
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.existing = cls.env["mailchimp.audience"].search([("mailchimp_id", "=", cls.existing_id)])
        cls.mc_user = new_test_user(cls.env, login="defaults_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")

    def create_wizard(self, **values):
        account = self.env["mailchimp.account"]._for_company()
        action = self.env["mailchimp.audience"].action_open_create_audience()
        form = Form(self.env["mailchimp.audience.create.wizard"].with_context(action["context"]))
        for name, value in values.items():
            setattr(form, name, value)
        self.assertEqual(form.account_id, account)
        return form.save()

    def test_get_defaults_fills_the_account_from_its_contact_and_an_audience(self):
        self.account.action_get_mailchimp_defaults()

        self.assertEqual(self.account.contact_address1, "Ul. Prosta 1")
        self.assertEqual(self.account.contact_city, "Warszawa")
        self.assertEqual(self.account.contact_country_id, self.env.ref("base.pl"))
        self.assertEqual(self.account.campaign_from_email, "news@acme-example.com")
        self.assertEqual(self.account.permission_reminder, "You are a customer of ours.")

    def test_get_defaults_fills_an_audience_from_its_campaign_defaults(self):
        self.existing.action_get_mailchimp_defaults()

        self.assertEqual(self.existing.contact_company, "Acme")
        self.assertEqual(self.existing.campaign_from_name, "Acme")
        self.assertEqual(self.existing.campaign_language, "pl")
        self.assertFalse(self.existing.managed_by_odoo)

    def test_a_missing_required_value_is_named_and_nothing_is_created(self):
        lists_before = len(self.client.get_lists())
        wizard = self.create_wizard(name="Odoo customers", **{**COMPLETE_DEFAULTS, "contact_city": ""})
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError) as refused:
            wizard.action_create()

        self.assertIn("City", str(refused.exception))
        self.assertIn("Country", str(refused.exception))
        self.assertNotIn("Contact company", str(refused.exception))
        self.assertEqual(len(self.standin.request_log), calls_before, "nothing is asked of Mailchimp")
        self.assertEqual(len(self.client.get_lists()), lists_before)
        self.assertFalse(self.env["mailchimp.audience"].search([("name", "=", "Odoo customers")]))

    def test_the_account_defaults_prefill_a_new_audience_managed_by_odoo(self):
        self.account.write({**COMPLETE_DEFAULTS, "contact_country_id": self.env.ref("base.pl").id})
        wizard = self.create_wizard(name="Odoo customers", campaign_subject="News from Acme")

        action = wizard.action_create()

        audience = self.env["mailchimp.audience"].browse(action["res_id"])
        self.assertTrue(audience.managed_by_odoo)
        self.assertEqual(audience.contact_city, "Warszawa")
        remote = self.client.get_list(audience.mailchimp_id)
        self.assertEqual(remote["name"], "Odoo customers")
        self.assertEqual(remote["contact"]["country"], "PL")
        self.assertEqual(remote["campaign_defaults"]["subject"], "News from Acme")
        self.assertEqual(remote["permission_reminder"], "You are a customer of ours.")
        self.assertTrue(self.existing.active, "the other audiences are left as they are")
        self.assertFalse(self.existing.managed_by_odoo)

    def test_only_managers_create_audiences_or_read_defaults_and_before_any_call(self):
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            self.env["mailchimp.audience"].with_user(self.mc_user).action_open_create_audience()
        with self.assertRaises(AccessError):
            self.existing.with_user(self.mc_user).action_get_mailchimp_defaults()
        with self.assertRaises(AccessError):
            self.account.with_user(self.mc_user).action_get_mailchimp_defaults()
        self.assertEqual(len(self.standin.request_log), calls_before)

    def test_odoo_archives_the_members_of_its_own_audience_that_are_no_customer_and_nowhere_else(self):
        self.account.write({**COMPLETE_DEFAULTS, "contact_country_id": self.env.ref("base.pl").id})
        managed = self.env["mailchimp.audience"].browse(self.create_wizard(name="Owned").action_create()["res_id"])
        customer = self.env["res.partner"].create({"name": "Jan", "email": "jan.owned@acme-example.com"})
        self.env["mailchimp.member"].create({"partner_id": customer.id, "audience_id": managed.id,
                                             "email": "jan.owned@acme-example.com", "status": "subscribed"})
        self.client.batch_subscribe(managed.mailchimp_id, [
            {"email_address": email, "status_if_new": "subscribed"}
            for email in ("jan.owned@acme-example.com", "stranger@acme-example.com")])

        managed.action_archive_foreign_members()

        self.assertEqual(self.client.get_member(managed.mailchimp_id, "stranger@acme-example.com")["status"],
                         "archived")
        self.assertEqual(self.client.get_member(managed.mailchimp_id, "jan.owned@acme-example.com")["status"],
                         "subscribed")
        calls_before = len(self.standin.request_log)
        with self.assertRaises(UserError):
            self.existing.action_archive_foreign_members()
        self.assertEqual(len(self.standin.request_log), calls_before, "an audience Odoo did not create is left alone")
