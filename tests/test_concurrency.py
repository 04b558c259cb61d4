"""Jobs at the same time: the sync run and the hourly pull share a tick; a worker dies mid-run.

Odoo tests run in one transaction, so a second worker cannot see the test's rows: PostgreSQL's
refusal of a concurrent update (a serialization failure) is raised where it would come, and a
worker holding a run is a second connection holding the run's lock.
"""
import urllib.parse
from contextlib import contextmanager
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo.addons.mailchimp_sync.models import mailchimp_audience_sync
from odoo.addons.mailchimp_sync.models.mailchimp_audience_sync import (
    SYNC_LANE_CRONS,
    SYNC_LOCK_CLASS,
    SYNC_ROUND_PARAM,
)
from odoo.tests import tagged

from .common import new_list_body
from .sync_common import MailchimpSyncCase

REFUSED = "could not serialize access due to concurrent update"


@tagged("post_install", "-at_install")
class TestConcurrency(MailchimpSyncCase):
    def setUp(self):
        super().setUp()
        self.account.report_policy = "always"
        self.Run = self.env["mailchimp.sync.run"]
        self.Audience = type(self.audience)

    @contextmanager
    def sync_held_by_a_live_worker(self):
        """The audience's sync lock held by another connection, as a worker running its sync holds it."""
        with self.registry.cursor() as worker:
            worker.execute("SELECT pg_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))
            try:
                yield
            finally:
                worker.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.audience.id))

    def reports(self, run):
        return self.env["mail.mail"].search([("model", "=", "mailchimp.sync.run"), ("res_id", "=", run.id)])

    def test_sync_and_pull_in_the_same_tick_both_end_and_the_report_is_sent(self):
        self.customer("Same Tick", "same.tick@acme-example.com")
        real_send_report = type(self.Run)._send_report
        refused = []

        def send_report_while_the_pull_commits(run):
            if not refused:  # the pull of the same tick (another worker) commits first: the run's end is refused
                refused.append(run)
                self.audience._reconcile()
                raise SerializationFailure(REFUSED)
            return real_send_report(run)

        with patch.object(type(self.Run), "_send_report", send_report_while_the_pull_commits):
            run = self.sync()

        self.assertTrue(refused)
        self.assertEqual(run.state, "done")
        self.assertTrue(run.date_end)
        self.assertEqual(run.created_count, 1, "the run's work was committed before its end")
        self.assertEqual(len(self.reports(run)), 1, "the report is sent, once")
        self.assertTrue(self.audience.last_reconcile, "the pull ended too")

    def test_the_pull_keeps_its_time_in_its_own_row_not_the_audiences(self):
        """The sync run writes the audience's row at its end: the pull of the same tick must not."""
        written = []
        real_write = self.Audience.write

        def write(records, values):
            written.extend(records.ids)
            return real_write(records, values)

        with patch.object(self.Audience, "write", write):
            self.audience._reconcile()
        self.assertNotIn(self.audience.id, written)
        self.assertTrue(self.audience.last_reconcile)

    def test_a_pulled_page_refused_for_a_concurrent_update_is_applied_again(self):
        partner = self.customer("Pulled Again", "pulled.again@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "pulled.again@acme-example.com")
        real_apply = self.Audience._apply_pulled_page
        attempts = []

        def apply_refused_once(audience, page, engine):
            attempts.append(len(page))
            real_apply(audience, page, engine)
            if len(attempts) == 1:
                raise SerializationFailure(REFUSED)

        with patch.object(self.Audience, "_apply_pulled_page", apply_refused_once):
            self.audience._reconcile()
        self.assertEqual(len(attempts), 2)
        self.assertFalse(partner.mailchimp_subscribe, "the unsubscription was applied")
        self.assertEqual(len(partner.message_ids.filtered(lambda message: "unsubscribed" in message.body)), 1,
                         "and noted once: the refused try was undone")

    def test_a_run_left_running_by_a_killed_worker_is_ended_by_the_next_job_with_its_report(self):
        dead = self.Run.create({"audience_id": self.audience.id, "trigger": "cron"})
        self.env["mailchimp.audience"]._cron_reconcile()
        self.assertEqual(dead.state, "interrupted")
        self.assertTrue(dead.date_end)
        self.assertIn("interrupted", dead.message)
        self.assertEqual(len(self.reports(dead)), 1)

    def test_a_run_whose_end_is_refused_every_time_is_ended_by_the_next_run_with_its_report(self):
        self.customer("Never Ended", "never.ended@acme-example.com")
        real_send_report = type(self.Run)._send_report
        refused = None
        with patch.object(type(self.Run), "_send_report", side_effect=SerializationFailure(REFUSED)), \
                patch("odoo.addons.mailchimp_sync.models.mailchimp_transaction.time.sleep"):
            try:  # not assertRaises: its savepoint would undo the run, which a real worker's commit kept
                self.sync()
            except SerializationFailure as error:
                refused = error
        self.assertTrue(refused, "the end was refused five times: the worker gives up")
        stuck = self.Run.search([("audience_id", "=", self.audience.id)], limit=1)
        self.assertEqual(stuck.state, "running")
        with patch.object(type(self.Run), "_send_report", real_send_report):
            run = self.sync()
        self.assertEqual((stuck.state, run.state), ("interrupted", "done"))
        self.assertEqual(len(self.reports(stuck)), 1)
        self.assertEqual(len(self.reports(run)), 1)

    def test_the_pull_waits_while_the_audiences_sync_runs(self):
        cron = self.env.ref("mailchimp_sync.ir_cron_mailchimp_reconcile")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with self.sync_held_by_a_live_worker():
            self.env["mailchimp.audience"]._cron_reconcile()
        self.assertFalse(self.audience.last_reconcile, "not pulled while its members are being pushed")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1,
                         "pulled a few minutes later")
        self.env["mailchimp.audience"]._cron_reconcile()
        self.audience.invalidate_recordset(["last_reconcile"])
        self.assertTrue(self.audience.last_reconcile)

    def test_a_webhook_refused_for_a_concurrent_update_is_left_to_odoos_retry_not_marked_failed(self):
        raw = urllib.parse.urlencode([
            ("type", "subscribe"), ("fired_at", "2026-12-02 10:00:00"), ("data[list_id]", self.list_id),
            ("data[email]", "refused.once@acme-example.com"),
            ("data[merges][EMAIL]", "refused.once@acme-example.com")]).encode()
        Event = self.env["mailchimp.webhook.event"]
        refused = None
        with patch.object(type(Event), "_apply_together", side_effect=SerializationFailure(REFUSED)):
            try:  # not assertRaises: its savepoint would undo the stored event
                Event._receive_webhook(self.audience, raw)
            except SerializationFailure as error:  # Odoo's HTTP layer runs the request again
                refused = error
        self.assertTrue(refused)
        event = Event.search([("email", "=", "refused.once@acme-example.com")])
        self.assertEqual(event.state, "new", "waiting, not failed")
        Event._receive_webhook(self.audience, raw)  # the request run again
        self.assertEqual(event.state, "done")

    def test_a_run_its_live_worker_holds_is_left_running(self):
        live = self.Run.create({"audience_id": self.audience.id, "trigger": "cron"})
        with self.sync_held_by_a_live_worker():
            self.env["mailchimp.audience"]._cron_reconcile()
        self.assertEqual(live.state, "running")
        self.assertFalse(self.reports(live))

    # ------------------------------------------------------------ several cron workers

    def second_audience(self):
        list_id = self.client.create_list(new_list_body(f"Lane {self._testMethodName[-20:]}"))["id"]
        self.env["mailchimp.audience"].action_refresh_audiences()
        return self.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])

    def whole_runs(self, audience):
        return self.Run.search_count([("audience_id", "=", audience.id), ("whole_audience", "=", True)])

    def test_a_lane_syncs_the_audience_no_other_worker_syncs_and_never_one_twice(self):
        other = self.second_audience()
        (self.audience | other).write({"sync_requested": True})
        self.env["ir.config_parameter"].set_param(SYNC_ROUND_PARAM, "0")
        with self.sync_held_by_a_live_worker():  # another cron worker's lane syncs the first audience now
            self.env["mailchimp.audience"]._cron_sync_lane()
        self.assertEqual((self.whole_runs(self.audience), self.whole_runs(other)), (0, 1))
        self.env["mailchimp.audience"]._cron_sync_lane()  # that worker is gone before running it: this lane takes it
        self.env["mailchimp.audience"]._cron_sync_lane()  # nothing is due any more in this round
        self.assertEqual((self.whole_runs(self.audience), self.whole_runs(other)), (1, 1))

    def test_a_round_wakes_up_the_other_lanes_and_each_audience_is_synced_once_in_it(self):
        self.customer("Round Trip", "round.trip@acme-example.com")
        other = self.second_audience()
        other.sync_requested = True
        lanes = [self.env.ref(xmlid) for xmlid in SYNC_LANE_CRONS]
        Trigger = self.env["ir.cron.trigger"]
        before = [Trigger.search_count([("cron_id", "=", lane.id)]) for lane in lanes]
        self.env["mailchimp.audience"]._cron_sync()
        after = [Trigger.search_count([("cron_id", "=", lane.id)]) for lane in lanes]
        self.assertEqual(after[0] - before[0], 1, "two audiences due (at least): another lane is woken up")
        self.assertEqual((self.whole_runs(self.audience), self.whole_runs(other)), (1, 1))
        self.env["mailchimp.audience"]._cron_sync_lane()  # the woken lane: both were synced in this round already
        self.assertEqual((self.whole_runs(self.audience), self.whole_runs(other)), (1, 1))
        self.env["mailchimp.audience"]._cron_sync()  # the next round
        self.assertEqual(self.whole_runs(self.audience), 2)

    @contextmanager
    def slots_held_by_other_runs(self, count):
        keys = self.audience._connection_slot_keys()[:count]
        with self.registry.cursor() as worker:
            for key in keys:
                worker.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                for key in keys:
                    worker.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def test_a_run_keeps_open_only_the_connections_other_workers_runs_left_free(self):
        for n in range(6):
            self.customer(f"Slot {n}", f"slot.{n}@acme-example.com")
        self.account.max_in_flight = 4
        self.standin.faults.add(delay=0.3, times=None, method="POST", path_contains=f"/lists/{self.list_id}")
        try:
            with self.slots_held_by_other_runs(6):  # 8 slots for runs: 2 left, its own thread and one batch call
                run = self.audience.with_context(mailchimp_batch_size=2)._sync_members(trigger="manual")
        finally:
            self.standin.faults.clear()
        self.assertEqual((run.state, run.created_count, run.max_in_flight), ("done", 6, 1))

    def test_a_run_whose_account_connections_stay_taken_fails_saying_so_and_calls_nothing(self):
        self.customer("No Slot", "no.slot@acme-example.com")
        calls = len(self.standin.request_log)
        with self.slots_held_by_other_runs(8), patch.object(mailchimp_audience_sync, "SLOT_WAIT_SECONDS", 0):
            run = self.sync()
        self.assertEqual(run.state, "failed")
        self.assertIn("connections for this account stayed in use", run.message)
        self.assertEqual(len(self.standin.request_log), calls)
