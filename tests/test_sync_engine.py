"""The run itself: batches, rejections, faults, resume, one run at a time, the report email."""
from unittest.mock import patch

import psycopg2
from odoo.addons.mailchimp_sync.models.mailchimp_audience_sync import SYNC_LOCK_CLASS
from odoo.addons.mailchimp_sync.models.mailchimp_transaction import commit_if_allowed
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncEngine(MailchimpSyncCase):
    def customers(self, count):
        """``count`` customers with addresses of this test only (the stand-in lives for the whole class)."""
        prefix = self._testMethodName.removeprefix("test_")[:20]
        return self.env["res.partner"].concat(*[
            self.customer(f"Bulk {n}", f"{prefix}.{n}@acme-example.com") for n in range(count)])

    def sync_in_batches_of(self, size):
        return self.audience.with_context(mailchimp_batch_size=size)._sync_members(trigger="manual")

    def test_members_go_in_batches(self):
        self.customers(5)
        calls = len(self.batch_calls())
        run = self.sync_in_batches_of(2)
        self.assertEqual(len(self.batch_calls()) - calls, 3)
        self.assertEqual(run.created_count, 5)
        self.assertEqual(run.done_count, run.total_count)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(self.audience.member_count, len(self.standin.store.members(self.list_id, "subscribed")))

    def test_the_runs_sql_read_of_customers_gives_what_the_orm_gives(self):
        """The run reads customers in SQL: each one's data equals the ORM's, whatever the customer holds."""
        self.env["mail.blacklist"]._add("sql.black@acme-example.com")
        customers = (
            self.customer("Anna Kowalska", "Sql.Anna@Acme-Example.com", phone="500 600 700", mobile="600 700 800",
                          country_id=self.poland.id, lang="en_US")
            | self.customer("Black Listed", "sql.black@acme-example.com", tags=self.tag_wholesale | self.tag_retail)
            | self.customer("Acme Sp. z o.o.", "sql.acme@acme-example.com", is_company=True,
                            tags=self.tag_retail | self.tag_unmapped)
            | self.customer("No Box", "sql.nobox@acme-example.com", subscribe=False, tags=self.tag_unmapped)
            | self.customer("No Email", False)
            | self.customer("Not An Address", "not an address")
        )
        archived = self.customer("Archived", "sql.archived@acme-example.com")
        archived.active = False
        customers |= archived
        ids = list(reversed(customers.ids))
        interest_by_tag = self.audience._mapped_tags()
        expected = [self.env["res.partner"].with_context(active_test=False).browse(partner_id)
                    ._mailchimp_partner_data(interest_by_tag) for partner_id in ids]
        self.assertEqual(self.env["res.partner"]._mailchimp_partners_data(ids, interest_by_tag), expected)

    def test_members_rejected_by_mailchimp_are_reported_and_the_others_synced(self):
        self.customers(3)
        forgotten = self.customer("Forgotten", "forgotten@acme-example.com")
        self.client.upsert_member(self.list_id, "forgotten@acme-example.com",
                                  {"email_address": "forgotten@acme-example.com", "status_if_new": "subscribed"})
        self.client.delete_member_permanently(self.list_id, "forgotten@acme-example.com")
        run = self.sync()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count, 3)
        self.assertEqual(run.failed_count, 1)
        failure = run.line_ids.filtered(lambda line: line.kind == "failure")
        self.assertEqual(failure.partner_id, forgotten)
        self.assertIn("permanently deleted", failure.message)
        member = self.member_of(forgotten)
        self.assertIn("permanently deleted", member.last_error)
        calls = len(self.batch_calls())
        run = self.sync()
        self.assertEqual(len(self.batch_calls()), calls, "a rejected member is not retried until it changes")

    def test_throttling_and_outages_mid_run_are_ridden_out(self):
        self.customers(4)
        self.standin.faults.add(status=429, times=1, retry_after=0)
        self.standin.faults.add(status=503, times=2)
        run = self.sync_in_batches_of(2)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count, 4)

    def test_a_batch_failing_after_all_retries_does_not_stop_the_run(self):
        customers = self.customers(4)
        self.account.max_in_flight = 1  # one call at a time: the faults hit the first batch's five attempts
        self.standin.faults.add(status=503, times=5, method="POST", path_contains=f"/lists/{self.list_id}")
        run = self.sync_in_batches_of(2)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.outcome, "Done with failures")
        self.assertEqual(run.created_count, 2, "the second batch went through")
        self.assertEqual(run.failed_count, 2)
        failed = run.line_ids.filtered(lambda line: line.kind == "failure").partner_id
        self.assertEqual(len(failed), 2)
        for partner in failed:
            self.assertTrue(self.member_of(partner).need_sync)
            self.assertIn("503", self.member_of(partner).last_error)
        run = self.sync_in_batches_of(2)
        self.assertEqual(run.created_count, 2, "the next run pushes the batch that failed")
        self.assertEqual({self.remote(partner.email)["status"] for partner in customers}, {"subscribed"})

    def test_an_odoo_error_inside_a_run_ends_it_and_releases_the_audience(self):
        self.customers(2)
        with patch.object(type(self.env["mailchimp.member"]), "_write_push_results",
                          side_effect=lambda rows: self.env.cr.execute("SELECT no_such_column FROM res_partner")), \
                mute_logger("odoo.sql_db"), \
                self.assertLogs("odoo.addons.mailchimp_sync.models.mailchimp_audience_sync", "ERROR"):
            broken = self.sync()
        self.assertEqual(broken.state, "failed")
        self.assertIn("no_such_column", broken.message)
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
        self.assertTrue(self.env.cr.fetchone()[0], "the lock was released")
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
        run = self.sync()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count + run.updated_count, 2)

    def test_one_broken_audience_does_not_stop_the_scheduled_job_for_the_others(self):
        self.customers(1)
        other = self.env["mailchimp.audience"].create({
            "name": "Broken", "mailchimp_id": "broken-list", "account_id": self.account.id,
            "sync_requested": True})
        self.audience.sync_requested = True
        real = type(self.audience)._run_sync

        def run_sync(audience, run, partner_ids=None):
            if audience == other:
                raise ZeroDivisionError("broken audience")
            return real(audience, run, partner_ids)

        with patch.object(type(self.audience), "_run_sync", run_sync), \
                self.assertLogs("odoo.addons.mailchimp_sync.models.mailchimp_audience_sync", "ERROR"):
            self.env["mailchimp.audience"]._cron_sync()
        self.assertEqual(other.last_run_id.state, "failed")
        self.assertEqual(self.audience.last_run_id.state, "done")
        self.assertFalse(self.audience.sync_requested)

    def test_a_run_limited_to_some_customers_pushes_only_them_and_archives_no_other_member(self):
        gone = self.customer("Gone", "gone.limited@acme-example.com")
        self.sync()
        gone.unlink()
        chosen = self.customer("Chosen", "chosen.limited@acme-example.com")
        self.customer("Not chosen", "not.chosen.limited@acme-example.com")
        run = self.audience._sync_members(trigger="manual", partner_ids=chosen.ids)
        self.assertEqual((run.state, run.created_count, run.archived_count), ("done", 1, 0))
        self.assertEqual(self.remote("chosen.limited@acme-example.com")["status"], "subscribed")
        self.assertIsNone(self.remote("not.chosen.limited@acme-example.com"))
        self.assertEqual(self.remote("gone.limited@acme-example.com")["status"], "subscribed")

    def test_batch_calls_overlap_up_to_the_accounts_limit(self):
        self.customers(9)
        self.account.max_in_flight = 3
        self.standin.faults.add(delay=0.3, times=None, method="POST", path_contains=f"/lists/{self.list_id}")
        try:
            run = self.sync_in_batches_of(2)
        finally:
            self.standin.faults.clear()
        self.assertEqual(run.created_count, 9)
        self.assertEqual(run.max_in_flight, 3)
        self.assertEqual(run.done_count, run.total_count)

    def test_a_run_streams_its_customers_in_chunks(self):
        customers = self.customers(7)
        run = self.audience.with_context(mailchimp_chunk_size=3, mailchimp_batch_size=2)._sync_members()
        self.assertEqual(run.created_count, 7)
        self.assertEqual({self.remote(partner.email)["status"] for partner in customers}, {"subscribed"})

    def test_a_crash_mid_run_loses_nothing_and_the_next_run_resumes(self):
        self.customers(5)
        self.account.max_in_flight = 1
        Member = type(self.env["mailchimp.member"])
        original = Member._write_push_results
        calls = []

        def crash_on_second_batch(members, rows):
            calls.append(len(rows))
            if len(calls) == 2:
                raise MemoryError("worker out of memory")
            return original(members, rows)

        with patch.object(Member, "_write_push_results", crash_on_second_batch), \
                self.assertLogs("odoo.addons.mailchimp_sync.models.mailchimp_audience_sync", "ERROR"):
            first = self.sync_in_batches_of(2)
        self.assertEqual(first.state, "failed")
        self.assertIn("worker out of memory", first.message)
        self.assertEqual(first.created_count, 2, "the first batch was kept")
        batches_before = len(self.batch_calls())
        second = self.sync_in_batches_of(2)
        self.assertEqual(second.state, "done")
        self.assertEqual(second.unchanged_count, 2)
        self.assertEqual(second.created_count + second.updated_count, 3)
        self.assertEqual(len(self.batch_calls()) - batches_before, 2)
        emails = [m["email_address"] for m in self.standin.store.members(self.list_id)]
        self.assertEqual(len([e for e in emails if e.startswith("a_crash_mid_run")]), 5)

    def test_a_second_run_of_the_same_audience_is_refused(self):
        self.customers(1)
        with self.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
            self.assertTrue(other_cr.fetchone()[0])
            try:
                with self.assertRaisesRegex(UserError, "already running"):
                    self.sync()
                runs = self.env["mailchimp.sync.run"].search_count([("audience_id", "=", self.audience.id)])
                self.env["mailchimp.audience"]._cron_sync()  # the worker holding it syncs it: skipped
                self.assertEqual(
                    self.env["mailchimp.sync.run"].search_count([("audience_id", "=", self.audience.id)]), runs)
            finally:
                other_cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
        self.assertEqual(self.sync().state, "done")

    def test_the_lock_is_released_when_the_transaction_was_aborted(self):
        """A commit refused for a concurrent update leaves an aborted transaction: the lock must still go."""
        with self.assertRaises(psycopg2.errors.DivisionByZero), mute_logger("odoo.sql_db"), \
                self.audience._sync_lock():
            commit_if_allowed(self.env)
            self.env.cr.execute("SELECT 1 / 0")
        with self.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
            self.assertTrue(other_cr.fetchone()[0], "released")
            other_cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))

    def test_a_run_left_running_by_a_dead_worker_is_marked_interrupted(self):
        dead = self.env["mailchimp.sync.run"].create({"audience_id": self.audience.id, "trigger": "cron"})
        self.customers(1)
        run = self.sync()
        self.assertEqual(dead.state, "interrupted")
        self.assertTrue(dead.date_end)
        self.assertEqual(run.state, "done")

    def test_every_run_emails_its_report(self):
        self.customers(2)
        forgotten = self.customer("Forgotten Too", "forgotten.too@acme-example.com")
        self.client.upsert_member(self.list_id, forgotten.email,
                                  {"email_address": forgotten.email, "status_if_new": "subscribed"})
        self.client.delete_member_permanently(self.list_id, forgotten.email)
        run = self.sync()
        mail = self.env["mail.mail"].search([("model", "=", "mailchimp.sync.run"), ("res_id", "=", run.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "reports@acme-example.com")
        self.assertIn("2 created", mail.subject)
        self.assertIn("1 failed", mail.subject)
        self.assertIn("Forgotten Too", mail.body_html)
        self.assertIn("permanently deleted", mail.body_html)

    def test_no_sync_without_a_report_address(self):
        self.customers(1)
        self.account.report_email = False
        requests_before = len(self.standin.request_log)
        with self.assertRaisesRegex(UserError, "report email"):
            self.sync()
        with self.assertRaisesRegex(UserError, "report email"):
            self.audience.action_sync_now()
        with self.assertLogs("odoo.addons.mailchimp_sync.models.mailchimp_audience_sync", "WARNING") as logs:
            self.env["mailchimp.audience"]._cron_sync()
        self.assertIn("report email", logs.output[0])
        self.assertEqual(len(self.standin.request_log), requests_before)
        self.assertFalse(self.env["mailchimp.sync.run"].search([("audience_id", "=", self.audience.id)]))

    def test_no_sync_without_credentials(self):
        self.account.api_key = False
        with self.assertRaisesRegex(UserError, "API key is missing"):
            self.audience.action_sync_now()
        self.assertFalse(self.audience.sync_requested)

    def test_sync_now_hands_the_run_to_the_scheduled_job(self):
        self.customers(1)
        cron = self.env.ref("mailchimp_sync.ir_cron_mailchimp_sync")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        action = self.audience.action_sync_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(self.audience.sync_requested)
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1)
        self.env["mailchimp.audience"]._cron_sync()
        self.assertFalse(self.audience.sync_requested)
        self.assertEqual(self.audience.last_run_id.trigger, "manual")
        self.assertEqual(self.audience.last_run_id.created_count, 1)

    def test_the_run_names_who_pressed_sync_now_not_odoobot(self):
        self.customers(1)
        manager = new_test_user(self.env, login="sync_presser",
                                groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        self.audience.with_user(manager).action_sync_now()
        self.env["mailchimp.audience"].with_user(self.env.ref("base.user_root"))._cron_sync()
        self.assertEqual(self.audience.last_run_id.user_id, manager)
        self.assertFalse(self.audience.sync_requested_by)

    def report_mails(self, run):
        return self.env["mail.mail"].search([("model", "=", "mailchimp.sync.run"), ("res_id", "=", run.id)])

    def test_report_policy_decides_when_the_report_goes_out(self):
        self.customers(1)
        self.account.report_policy = "changes"
        first = self.sync()
        self.assertEqual(len(self.report_mails(first)), 1, "something changed: reported")
        quiet = self.sync()
        self.assertEqual(quiet.created_count + quiet.updated_count, 0)
        self.assertFalse(self.report_mails(quiet), "nothing happened: no hourly email")
        self.account.report_policy = "always"
        self.assertEqual(len(self.report_mails(self.sync())), 1)
        self.account.report_policy = "failures"
        self.customers(1)
        self.assertFalse(self.report_mails(self.sync()), "changes without failures: not reported")
        self.standin.faults.add(status=503, times=100)
        failed = self.sync()
        self.assertEqual(failed.state, "failed")
        mail = self.report_mails(failed)
        self.assertEqual(len(mail), 1)
        self.assertTrue(mail.subject.startswith("Failed: Mailchimp sync of Customers"), mail.subject)
        self.assertIn("503", mail.subject)

    def test_report_subject_starts_with_the_outcome_and_uses_odoos_layout(self):
        self.customers(1)
        mail = self.report_mails(self.sync())
        self.assertTrue(mail.subject.startswith("Done: Mailchimp sync of Customers: 1 created"), mail.subject)
        self.assertIn("background-color: #F1F1F1", mail.body_html, "rendered in Odoo's mail layout")

    def test_report_goes_to_several_addresses_in_the_recipients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.partner"].create({"name": "Marketing FR", "email": "marketing.fr@acme-example.com",
                                        "lang": "fr_FR"})
        self.account.report_email = "marketing.fr@acme-example.com, boss@acme-example.com"
        self.customers(1)
        run = self.sync()
        mail = self.report_mails(run)
        self.assertEqual(run.report_lang, "fr_FR")
        self.assertIn("marketing.fr@acme-example.com", mail.email_to)
        self.assertIn("boss@acme-example.com", mail.email_to)


@tagged("post_install", "-at_install")
class TestSyncRejections(MailchimpSyncCase):
    """Members Mailchimp refuses in a batch: a fake-looking address, merge data it does not accept."""

    def test_refused_members_keep_their_error_and_the_others_are_synced(self):
        good = self.customer("Good", "good@acme-example.com")
        fake = self.customer("Fake", "someone@acme.example")
        run = self.sync()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(run.failed_count, 1)
        self.assertEqual(self.remote(good.email)["status"], "subscribed")
        self.assertIn("looks fake or invalid", self.member_of(fake).last_error)
        self.assertEqual(run.line_ids.filtered(lambda line: line.kind == "failure").partner_id, fake)

    def test_merge_data_mailchimp_refuses_is_reported_per_member(self):
        city = self.client.create_merge_field(self.list_id, {"tag": "CITY", "name": "City", "type": "text",
                                                             "required": True})
        self.addCleanup(self.client.request, "PATCH", f"lists/{self.list_id}/merge-fields/{city['merge_id']}",
                        json_body={"required": False})
        newcomer = self.customer("Newcomer", "newcomer@acme-example.com")
        run = self.sync()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.failed_count, 1)
        failure = run.line_ids.filtered(lambda line: line.kind == "failure")
        self.assertEqual(failure.partner_id, newcomer)
        self.assertIn("CITY", failure.message)
        self.assertIsNone(self.remote(newcomer.email))
        self.assertIn("CITY", self.member_of(newcomer).last_error)
