"""Audience defaults (#10): read from Mailchimp, and audiences created from Odoo — against the stand-in."""
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mailchimp_sync.mailchimp_sync.client import MailchimpClient
from odoo.addons.mailchimp_sync.mailchimp_sync.errors import MailchimpError

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

    def test_create_audience_refuses_a_bad_from_email_before_any_call(self):
        wizard = self.create_wizard(name="Odoo customers", **{
            **COMPLETE_DEFAULTS, "campaign_from_email": "not-an-email",
            "contact_country_id": self.env.ref("base.pl")})
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError) as refused:
            wizard.action_create()

        self.assertIn("From email: not a valid email address", str(refused.exception))
        self.assertEqual(len(self.standin.request_log), calls_before, "nothing is asked of Mailchimp")
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


@tagged("post_install", "-at_install")
class TestAudienceSettings(MailchimpCase):
    """#20: an audience's contact, permission reminder and campaign defaults saved in Odoo reach Mailchimp."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.account._client()
        list_id = cls.client.create_list(new_list_body("Newsletter"))["id"]
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.audience = cls.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        cls.mc_user = new_test_user(cls.env, login="settings_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")

    def remote(self):
        return self.client.get_list(self.audience.mailchimp_id)

    def test_settings_saved_on_the_form_are_mailchimps_and_the_others_are_kept(self):
        with Form(self.audience) as form:
            form.contact_city = "Kraków"
            form.contact_phone = "+48 12 000 00 00"
            form.contact_country_id = self.env.ref("base.de")
            form.campaign_from_email = "hello@acme-example.com"
            form.campaign_language = "en"
            form.permission_reminder = "You bought from us."

        remote = self.remote()
        self.assertEqual(remote["contact"]["city"], "Kraków")
        self.assertEqual(remote["contact"]["phone"], "+48 12 000 00 00")
        self.assertEqual(remote["contact"]["country"], "DE")
        self.assertEqual(remote["campaign_defaults"]["from_email"], "hello@acme-example.com")
        self.assertEqual(remote["campaign_defaults"]["language"], "en")
        self.assertEqual(remote["permission_reminder"], "You bought from us.")
        self.assertEqual(remote["contact"]["company"], "Acme", "a value blank in Odoo stays Mailchimp's")
        self.assertEqual(remote["name"], "Newsletter")
        self.assertEqual(self.audience.contact_company, "Acme", "Odoo shows what Mailchimp now has")
        self.assertEqual(self.audience.campaign_from_email, "hello@acme-example.com")

    def test_get_mailchimp_defaults_reads_back_every_value_written(self):
        self.audience.write({"contact_address2": "lok. 2", "contact_state": "mazowieckie", "contact_zip": "00-002",
                             "campaign_from_name": "Acme news", "campaign_subject": "Hello"})
        self.audience.with_context(mailchimp_settings_from_mailchimp=True).write({
            key: False for key in ("contact_address2", "contact_state", "contact_zip", "campaign_from_name",
                                   "campaign_subject")})
        calls_before = len(self.standin.request_log)

        self.audience.action_get_mailchimp_defaults()

        self.assertEqual(len(self.standin.request_log), calls_before + 1, "reading back writes nothing")
        self.assertEqual((self.audience.contact_address2, self.audience.contact_state, self.audience.contact_zip),
                         ("lok. 2", "mazowieckie", "00-002"))
        self.assertEqual((self.audience.campaign_from_name, self.audience.campaign_subject), ("Acme news", "Hello"))

    def test_a_bad_from_email_or_language_is_refused_before_any_call_and_nothing_changes(self):
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError) as refused:
            self.audience.write({"campaign_from_email": "not-an-email", "campaign_language": "Polish",
                                 "contact_city": ""})

        message = str(refused.exception)
        self.assertIn("From email: not a valid email address", message)
        self.assertIn("Language: not a language code Mailchimp knows", message)
        self.assertIn("City: required", message)
        self.assertEqual(len(self.standin.request_log), calls_before, "nothing is asked of Mailchimp")
        self.assertNotEqual(self.remote()["campaign_defaults"]["from_email"], "not-an-email")

    def test_mailchimps_refusal_is_shown_field_by_field_and_odoo_keeps_its_values(self):
        refusal = MailchimpError.from_problem(400, {
            "title": "Invalid Resource", "status": 400, "detail": "The resource submitted could not be validated.",
            "errors": [{"field": "campaign_defaults.from_email", "message": "This domain is not verified."},
                       {"field": "contact.address1", "message": "This value should not be blank."}]})
        self.audience.with_context(mailchimp_settings_from_mailchimp=True).write(
            {"campaign_from_email": "news@acme-example.com"})

        with patch.object(MailchimpClient, "update_list", side_effect=refusal), \
                self.assertRaises(UserError) as refused:
            self.audience.write({"campaign_from_email": "news@unverified-example.com"})

        message = str(refused.exception)
        self.assertIn("From email: This domain is not verified.", message)
        self.assertIn("Address: This value should not be blank.", message)
        self.assertNotIn("campaign_defaults.", message)
        self.assertEqual(self.audience.campaign_from_email, "news@acme-example.com")

    def test_a_value_missing_in_mailchimp_and_odoo_is_named_before_the_write(self):
        contact = self.standin.store.audiences[self.audience.mailchimp_id].contact
        self.addCleanup(contact.update, {"address1": contact["address1"]})
        contact["address1"] = ""
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError) as refused:
            self.audience.write({"campaign_subject": "News"})

        self.assertIn("Address: required", str(refused.exception))
        self.assertNotIn("PATCH", [call.method for call in self.standin.request_log[calls_before:]])
        self.assertFalse(self.audience.campaign_subject)

    def test_a_refused_field_that_is_no_odoo_value_keeps_mailchimps_name(self):
        refusal = MailchimpError.from_problem(400, {"title": "Invalid Resource", "status": 400, "errors": [
            {"field": "visibility", "message": "Schema describes enum"}]})

        with patch.object(MailchimpClient, "update_list", side_effect=refusal), \
                self.assertRaises(UserError) as refused:
            self.audience.write({"campaign_subject": "News"})

        self.assertIn("visibility: Schema describes enum", str(refused.exception),
                      "a field that is no Odoo value keeps Mailchimp's name")

    def test_a_non_manager_is_refused_before_any_call(self):
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            self.audience.with_user(self.mc_user).write({"campaign_from_name": "Someone"})

        self.assertEqual(len(self.standin.request_log), calls_before)
        self.assertNotEqual(self.remote()["campaign_defaults"]["from_name"], "Someone")

    def test_the_account_values_stay_odoos_defaults_for_new_audiences(self):
        calls_before = len(self.standin.request_log)

        self.account.write({"campaign_from_name": "Acme company"})

        self.assertEqual(len(self.standin.request_log), calls_before, "the account's values are Odoo's only")
        self.assertNotEqual(self.remote()["campaign_defaults"]["from_name"], "Acme company")
