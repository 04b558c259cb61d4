"""Representatives of a company in merge-tag columns."""
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestRepresentatives(MailchimpSyncCase):
    def field(self, name):
        return self.env["ir.model.fields"]._get("res.partner", name)

    def map_field(self, name, tag, sequence=10):
        return self.env["mailchimp.representative.field"].create({
            "audience_id": self.audience.id, "field_id": self.field(name).id, "merge_tag": tag,
            "sequence": sequence})

    def company_with_contacts(self, email, contacts):
        company = self.customer("Acme Holding", email, is_company=True)
        for values in contacts:
            self.env["res.partner"].create({"parent_id": company.id, "type": "contact", **values})
        return company

    def test_fields_sharing_a_tag_form_one_column(self):
        self.map_field("name", "REPS", 1)
        self.map_field("function", "REPS", 2)
        self.env["mailchimp.representative.field"].create({
            "audience_id": self.audience.id, "field_id": self.field("mobile").id, "merge_tag": False})
        self.company_with_contacts("holding@acme-example.com", [
            {"name": "Jane Doe", "function": "CFO", "mobile": "+48 600 000 001"},
            {"name": "John Roe", "function": "CEO"},
        ])
        self.sync()
        reps = self.remote("holding@acme-example.com")["merge_fields"]["REPS"]
        self.assertEqual(reps, "Jane Doe, CFO; John Roe, CEO")

    def test_a_too_long_column_is_cut_and_reported(self):
        self.map_field("name", "REPS", 1)
        self.map_field("email", "REPS", 2)
        self.company_with_contacts("long@acme-example.com", [
            {"name": f"Representative Number {n}", "email": f"rep{n}@acme-example.com"} for n in range(4)])
        run = self.sync()
        reps = self.remote("long@acme-example.com")["merge_fields"]["REPS"]
        self.assertEqual(len(reps), 60)
        self.assertTrue(reps.endswith("…"))
        warning = run.line_ids.filtered(lambda line: line.kind == "warning")
        self.assertTrue(warning)
        self.assertIn("REPS", warning[0].message)

    def test_a_contact_edit_marks_its_company_for_the_next_run(self):
        self.map_field("function", "REPS")
        company = self.company_with_contacts("edit@acme-example.com", [{"name": "Jane Doe", "function": "CFO"}])
        self.sync()
        company.child_ids.function = "CEO"
        self.assertTrue(self.member_of(company).need_sync)
        self.sync()
        self.assertEqual(self.remote("edit@acme-example.com")["merge_fields"]["REPS"], "CEO")

    def test_merge_tag_must_be_text_and_a_missing_one_is_flagged(self):
        missing = self.map_field("function", "NOSUCH")
        self.assertTrue(missing.missing_in_mailchimp)
        with self.assertRaisesRegex(ValidationError, "type number"):
            self.map_field("function", "SCORE")
        with self.assertRaisesRegex(ValidationError, "FNAME"):
            self.map_field("function", "FNAME")

    def test_the_missing_merge_tag_is_created_from_its_row_and_the_field_stays_saved(self):
        field = self.map_field("function", "ROLES")
        action = field.action_create_merge_field()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        with self.assertNoLogs("odoo", "ERROR"):
            result = wizard.action_create()
        self.assertEqual(result["params"]["next"], {"type": "ir.actions.act_window_close"}, "the dialog closes")
        created = [f for f in self.client.get_merge_fields(self.list_id) if f["tag"] == "ROLES"]
        self.assertEqual(created[0]["type"], "text")
        self.assertTrue(field.exists())
        self.assertFalse(field.missing_in_mailchimp)
        self.assertEqual(field.merge_field_id.tag, "ROLES")
