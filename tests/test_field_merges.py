"""Field merging (#10): customer fields written to merge fields of each type — against the stand-in."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestFieldMerges(MailchimpSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mc_user = new_test_user(cls.env, login="merge_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")

    def partner_field(self, name):
        return self.env["ir.model.fields"]._get("res.partner", name)

    def merge(self, field_name, tag, merge_type="text"):
        return self.env["mailchimp.field.merge"].create({
            "audience_id": self.audience.id, "field_id": self.partner_field(field_name).id,
            "merge_tag": tag, "merge_type": merge_type})

    def remote_type(self, tag):
        return {f["tag"]: f["type"] for f in self.client.get_merge_fields(self.list_id)}.get(tag)

    def test_each_type_is_written_and_missing_merge_fields_are_created_with_their_type(self):
        mazowieckie = self.env["res.country.state"].search([("country_id", "=", self.poland.id)], limit=1) or \
            self.env["res.country.state"].create({"name": "Mazowieckie", "code": "MZ", "country_id": self.poland.id})
        job = self.merge("function", "job")
        since = self.merge("create_date", "SINCE", "date")
        mobile = self.merge("mobile", "MOBILE", "phone")
        address = self.merge("street", "ADDR", "address")
        for name in ("city", "zip", "state_id", "country_id"):
            self.merge(name, "ADDR", "address")
        industry = self.merge("industry_id", "INDUSTRY")
        self.merge("partner_latitude", "SCORE", "number")
        self.assertEqual(job.merge_tag, "JOB")
        self.assertTrue(job.missing_in_mailchimp)
        for missing in (job, since, mobile, address, industry):
            missing.action_create_merge_field()
        self.assertEqual([self.remote_type(tag) for tag in ("JOB", "SINCE", "MOBILE", "ADDR", "INDUSTRY")],
                         ["text", "date", "phone", "address", "text"])
        self.assertFalse(job.missing_in_mailchimp)
        industry_id = self.env["res.partner.industry"].create({"name": "Retail trade"})
        jan = self.customer("Jan Kowalski", "jan.merge@acme-example.com", function="Buyer",
                      mobile="500 600 700", street="Ul. Prosta 1", city="Warszawa", zip="00-001",
                      state_id=mazowieckie.id, country_id=self.poland.id, industry_id=industry_id.id,
                      partner_latitude=52.25)

        self.sync()

        merge_fields = self.remote("jan.merge@acme-example.com")["merge_fields"]
        self.assertEqual(merge_fields["JOB"], "Buyer")
        self.assertEqual(merge_fields["SINCE"], jan.create_date.strftime("%Y-%m-%d"))
        self.assertEqual(merge_fields["MOBILE"], "+48500600700")
        self.assertEqual(merge_fields["INDUSTRY"], "Retail trade")
        self.assertEqual(merge_fields["SCORE"], 52.25)
        self.assertEqual(merge_fields["ADDR"]["city"], "Warszawa")
        self.assertEqual(merge_fields["ADDR"]["state"], mazowieckie.name)
        self.assertEqual(merge_fields["ADDR"]["country"], "PL")
        self.assertEqual(merge_fields["FNAME"], "Jan", "FNAME stays the customer's own")

    def test_a_field_that_does_not_convert_or_a_merge_field_of_another_type_is_refused(self):
        with self.assertRaises(ValidationError):
            self.merge("function", "JOBNUM", "number")
        with self.assertRaises(ValidationError):
            self.merge("function", "SCORE", "text")  # SCORE is a number in Mailchimp
        with self.assertRaises(ValidationError):
            self.merge("function", "FNAME")

    def test_a_changed_mapping_re_pushes_what_it_changes_and_nothing_else(self):
        buyer = self.customer("Ala Nowak", "ala.merge@acme-example.com", function="Buyer")
        self.customer("Ewa Nowak", "ewa.merge@acme-example.com", function="Seller")
        self.sync()
        self.merge("function", "REPS")

        first = self.sync()
        unchanged = self.sync()
        buyer.function = "Chief buyer"
        last = self.sync()

        self.assertEqual(first.updated_count, 2, "the new mapping changes both members")
        self.assertEqual((unchanged.updated_count, unchanged.created_count), (0, 0))
        self.assertEqual(last.updated_count, 1, "only the customer whose mapped field changed")
        self.assertEqual(self.remote("ala.merge@acme-example.com")["merge_fields"]["REPS"], "Chief buyer")

    def test_only_managers_create_merge_fields_and_before_any_call(self):
        job = self.merge("function", "JOB2")
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            job.with_user(self.mc_user).action_create_merge_field()
        self.assertEqual(len(self.standin.request_log), calls_before)
