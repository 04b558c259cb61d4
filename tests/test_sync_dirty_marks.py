"""Dirty marks: every path that changes a member item marks exactly its customers; a run reads only those;
the full audit finds what a mark missed."""
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncDirtyMarks(MailchimpSyncCase):
    """The stand-in keeps its members from one test to the next: a test that unsubscribes or archives an
    address uses one of its own."""

    def marked(self):
        """The customers marked for the audience's next run."""
        self.env.flush_all()
        self.env.cr.execute("SELECT DISTINCT partner_id FROM mailchimp_sync_mark WHERE audience_id = %s",
                            [self.audience.id])
        return {row[0] for row in self.env.cr.fetchall()}

    def synced(self):
        """Sync, and check that the run left no mark behind."""
        run = self.sync()
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(self.marked(), set())
        return run

    def assert_marks(self, change, expected):
        change()
        self.assertEqual(self.marked(), {partner.id for partner in expected})

    # ------------------------------------------------------------ each path marks exactly its customers

    def test_the_customers_own_fields_mark_it_and_other_fields_do_not(self):
        anna = self.customer("Anna", "anna.own@acme-example.com")
        self.customer("Bob", "bob@acme-example.com")
        self.synced()
        self.assert_marks(lambda: anna.write({"ref": "A-1", "website": "https://anna.example.com"}), [])
        for values in ({"phone": "+48 600 700 800"}, {"name": "Anna Maria"}, {"lang": "en_US"},
                       {"email": "anna.maria@acme-example.com"}, {"country_id": self.poland.id}):
            with self.subTest(values=values):
                self.assert_marks(lambda values=values: anna.write(values), [anna])
                self.synced()
        self.assert_marks(lambda: anna.write({"mailchimp_subscribe": False}), [anna])

    def test_a_field_merge_on_a_stored_computed_field_marks_when_what_it_depends_on_changes(self):
        self.env["mailchimp.field.merge"].create({
            "audience_id": self.audience.id, "field_id": self.env["ir.model.fields"]._get(
                "res.partner", "commercial_company_name").id, "merge_tag": "REPS", "merge_type": "text"})
        company = self.customer("Acme Holding", "holding@acme-example.com", is_company=True)
        contact = self.customer("Jane Doe", "jane@acme-example.com", parent_id=company.id)
        self.synced()
        self.assertEqual(self.remote("jane@acme-example.com")["merge_fields"]["REPS"], "Acme Holding")
        self.assert_marks(lambda: company.write({"name": "Acme Group"}), [company, contact])
        run = self.synced()
        self.assertEqual(run.total_count, 2, "only the marked customers are read")
        self.assertEqual(self.remote("jane@acme-example.com")["merge_fields"]["REPS"], "Acme Group")

    def test_a_representatives_field_marks_the_contact_and_its_company_before_and_after(self):
        self.env["mailchimp.representative.field"].create({
            "audience_id": self.audience.id, "field_id": self.env["ir.model.fields"]._get("res.partner", "function").id,
            "merge_tag": "REPS", "sequence": 1})
        company = self.customer("Acme Holding", "holding@acme-example.com", is_company=True)
        other = self.customer("Other Holding", "other@acme-example.com", is_company=True)
        contact = self.env["res.partner"].create({"name": "John Roe", "parent_id": company.id, "function": "CEO"})
        self.synced()
        self.assert_marks(lambda: contact.write({"function": "CFO"}), [contact, company])
        self.synced()
        self.assertEqual(self.remote("holding@acme-example.com")["merge_fields"]["REPS"], "CFO")
        self.assert_marks(lambda: contact.write({"parent_id": other.id}), [contact, company, other])

    def test_tags_and_a_tags_group_link_mark_their_customers(self):
        anna = self.customer("Anna", "anna@acme-example.com")
        prospect = self.customer("Pat", "pat@acme-example.com", tags=self.tag_unmapped)
        self.synced()
        self.assert_marks(lambda: anna.write({"category_id": [(4, self.tag_retail.id)]}), [anna])
        self.synced()
        self.assert_marks(lambda: self.tag_retail.write({"partner_ids": [(3, anna.id)]}), [anna])
        self.synced()
        hand_picked = self.env["mailchimp.interest"].search(
            [("mailchimp_id", "=", self.remote_interest["Hand-picked"])])
        self.assert_marks(lambda: self.tag_unmapped.write({"mailchimp_interest_id": hand_picked.id}), [prospect])
        run = self.synced()
        self.assertEqual(run.created_count, 1)
        self.assertTrue(self.remote("pat@acme-example.com")["interests"][self.remote_interest["Hand-picked"]])

    def test_consent_blacklist_company_and_archiving_mark_the_customer(self):
        anna = self.customer("Anna", "anna.consent@acme-example.com")
        self.customer("Bob", "bob.consent@acme-example.com")
        other_company = self.env["res.company"].create({"name": "Other company"})
        self.synced()
        Consent = self.env["mailchimp.consent"]
        self.assert_marks(lambda: Consent._record(anna, self.audience, "withdrawn", "user"), [anna])
        self.synced()
        self.assert_marks(lambda: self.env["mail.blacklist"]._add("anna.consent@acme-example.com"), [anna])
        self.assertTrue(self.member_of(anna).need_sync, "a user's blacklisting shows the member as waiting")
        self.synced()
        self.assert_marks(lambda: self.env["mail.blacklist"]._remove("anna.consent@acme-example.com"), [anna])
        self.synced()
        self.assert_marks(lambda: anna.write({"company_id": other_company.id}), [anna])
        self.assert_marks(lambda: anna.write({"company_id": False}), [anna])
        self.synced()
        self.assert_marks(anna.action_archive, [anna])

    def test_customers_sharing_an_address_are_marked_together(self):
        kept = self.customer("Kept", "shared@acme-example.com")
        held = self.customer("Held", "shared@acme-example.com")
        self.synced()
        self.assert_marks(lambda: kept.write({"email": "kept@acme-example.com"}), [kept, held])
        run = self.synced()
        self.assertEqual(run.total_count, 2)
        self.assertEqual(self.remote("shared@acme-example.com")["merge_fields"]["FNAME"], "Held")

    def test_merging_customers_marks_the_one_kept(self):
        anna = self.customer("Anna", "anna@acme-example.com")
        twin = self.customer("Anna Twin", "anna.twin@acme-example.com", tags=self.tag_retail)
        self.synced()
        self.env["base.partner.merge.automatic.wizard"]._merge([anna.id, twin.id], dst_partner=anna)
        self.assertIn(anna.id, self.marked())
        self.assertIn(self.tag_retail, anna.category_id, "the wizard moved the tag in SQL")
        run = self.synced()
        self.assertEqual(run.updated_count, 1, (run.total_count, run.unchanged_count, run.skipped_by_reason))
        self.assertTrue(self.remote("anna@acme-example.com")["interests"][self.remote_interest["Retail"]])

    def test_a_write_in_sql_is_marked_by_the_documented_method(self):
        anna = self.customer("Anna", "anna@acme-example.com")
        self.synced()
        self.env.cr.execute("UPDATE res_partner SET name = 'Anna Sql' WHERE id = %s", [anna.id])
        self.env["mailchimp.member"]._mark_dirty([anna.id])
        self.assertEqual(self.marked(), {anna.id})
        run = self.synced()
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(self.remote("anna@acme-example.com")["merge_fields"]["LNAME"], "Sql")

    def test_a_mapping_change_makes_the_next_run_read_everyone(self):
        self.customer("Anna", "anna@acme-example.com")
        self.customer("Bob", "bob@acme-example.com")
        self.synced()
        self.assertEqual(self.synced().total_count, 0)
        self.env["mailchimp.representative.field"].create({
            "audience_id": self.audience.id, "field_id": self.env["ir.model.fields"]._get("res.partner", "function").id,
            "merge_tag": "REPS", "sequence": 1})
        self.assertGreaterEqual(self.synced().total_count, 2)
        self.assertEqual(self.synced().total_count, 0)

    # ------------------------------------------------------------ what a run reads

    def no_change_run(self):
        calls_before = len(self.standin.request_log)
        queries_before = self.env.cr.sql_log_count
        run = self.synced()
        queries = self.env.cr.sql_log_count - queries_before
        writes = [entry for entry in self.standin.request_log[calls_before:]
                  if entry.method in ("POST", "PUT", "PATCH", "DELETE")]
        self.assertEqual(writes, [], "no change: no write call")
        self.assertEqual((run.total_count, run.unchanged_count), (0, 0), "no member is read")
        return queries

    def test_no_change_reads_nobody_and_costs_the_same_queries_whatever_the_number_of_customers(self):
        for n in range(3):
            self.customer(f"Customer {n}", f"customer{n}@acme-example.com")
        self.synced()
        self.no_change_run()  # the caches (schema, report template) are warm from here on
        few = self.no_change_run()
        self.env["res.partner"].create([{
            "name": f"More {n}", "email": f"more{n}@acme-example.com", "mailchimp_subscribe": True,
            "category_id": [(6, 0, self.tag_wholesale.ids)]} for n in range(30)])
        self.synced()
        self.no_change_run()
        many = self.no_change_run()
        self.assertLessEqual(many, few + 2, "ten times the customers, the same queries (give or take a cache)")

    def test_one_change_reads_and_pushes_one_customer(self):
        customers = [self.customer(f"Customer {n}", f"customer{n}@acme-example.com") for n in range(5)]
        self.synced()
        customers[2].write({"phone": "+48 600 700 800"})
        batches_before = len(self.batch_calls())
        run = self.synced()
        self.assertEqual((run.total_count, run.updated_count, run.unchanged_count), (1, 1, 0))
        self.assertEqual(len(self.batch_calls()), batches_before + 1)
        self.assertEqual(self.remote("customer2@acme-example.com")["merge_fields"]["PHONE"], "+48600700800")

    def test_a_change_made_during_the_run_stays_marked_for_the_next(self):
        anna = self.customer("Anna", "anna@acme-example.com")
        self.synced()
        anna.write({"name": "Anna First"})
        Member = type(self.env["mailchimp.member"])
        original = Member._write_push_results

        def write_then_change(members, rows):
            result = original(members, rows)
            members.env["res.partner"].browse(anna.id).write({"name": "Anna Second"})
            return result

        with patch.object(Member, "_write_push_results", write_then_change):
            self.sync()
        self.assertEqual(self.marked(), {anna.id})
        self.synced()
        self.assertEqual(self.remote("anna@acme-example.com")["merge_fields"]["LNAME"], "Second")

    # ------------------------------------------------------------ the full audit

    def test_the_audit_finds_and_fixes_a_change_made_behind_the_orms_back(self):
        anna = self.customer("Anna", "anna@acme-example.com")
        self.customer("Bob", "bob@acme-example.com")
        self.synced()
        self.assertEqual(self.audience._audit().missed_count, 0, "the marks missed nothing")
        self.env.cr.execute("UPDATE res_partner SET name = 'Anna Hidden' WHERE id = %s", [anna.id])
        self.env.invalidate_all()
        run = self.synced()
        self.assertEqual(run.updated_count, 0, "the incremental run cannot see it")
        self.assertEqual(self.remote("anna@acme-example.com")["merge_fields"]["LNAME"], "")
        self.assertEqual(self.env["res.partner"].browse(anna.id).name, "Anna Hidden")
        audit = self.audience._audit()
        self.assertEqual((audit.trigger, audit.state, audit.updated_count, audit.missed_count),
                         ("audit", "done", 1, 1), (audit.total_count, audit.unchanged_count, audit.message))
        self.assertEqual(self.audience.last_audit_missed_count, 1)
        self.assertTrue(self.audience.last_audit_date)
        self.assertEqual(self.remote("anna@acme-example.com")["merge_fields"]["LNAME"], "Hidden")
        self.assertEqual(self.audience._audit().missed_count, 0)

    def test_the_audit_job_audits_audiences_not_audited_for_a_week_and_on_a_managers_demand(self):
        self.customer("Anna", "anna@acme-example.com")
        cron = self.env.ref("mailchimp_sync.ir_cron_mailchimp_audit")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "weeks"))
        cron.method_direct_trigger()
        audits = self.env["mailchimp.sync.run"].search([("audience_id", "=", self.audience.id),
                                                        ("trigger", "=", "audit")])
        self.assertEqual(len(audits), 1)
        cron.method_direct_trigger()
        self.assertEqual(self.env["mailchimp.sync.run"].search_count(
            [("audience_id", "=", self.audience.id), ("trigger", "=", "audit")]), 1, "audited a moment ago")
        user = new_test_user(self.env, login="audit_user", groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        with self.assertRaises(AccessError):
            self.audience.with_user(user).action_audit_now()
        self.audience.action_audit_now()
        self.assertTrue(self.audience.audit_requested)
        cron.method_direct_trigger()
        self.assertFalse(self.audience.audit_requested)
        self.assertEqual(self.env["mailchimp.sync.run"].search_count(
            [("audience_id", "=", self.audience.id), ("trigger", "=", "audit")]), 2)
