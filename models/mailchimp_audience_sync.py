"""The sync runs of an audience: when they start, the lock, how they end and report.

The work of a run is :class:`~.sync_engine.AudienceSync`'s; the decisions are the core's.
"""
import logging
import time
import zlib
from contextlib import contextmanager

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from ..mailchimp_sync.connections import MIN_LEASE, RUN_SLOTS, batch_calls, run_lease
from ..mailchimp_sync.errors import MailchimpError
from . import mailchimp_messages
from .mailchimp_transaction import commit_if_allowed, commit_retrying, describe_failure, undo_since_commit
from .sync_engine import AudienceSync

_logger = logging.getLogger(__name__)

# Key space of our PostgreSQL advisory locks (one lock per audience: one run at a time).
SYNC_LOCK_CLASS = 0x6D63
# ... and of the connection slots the runs of an API key lease (``mailchimp_sync.connections``): one bigint lock
# per slot, (class, the key's CRC-32, slot number) packed (PostgreSQL keeps bigint and (int, int) locks apart).
CONNECTION_SLOT_CLASS = 0x6D64
SLOT_WAIT_SECONDS = 600  # a run waits this long at most for its account's connection slots
SLOT_POLL_SECONDS = 0.5
SYNC_ROUND_PARAM = "mailchimp_sync.sync_round_start"  # the last run's id when the first lane began the round
SYNC_LANE_CRONS = ("mailchimp_sync.ir_cron_mailchimp_sync_lane_2", "mailchimp_sync.ir_cron_mailchimp_sync_lane_3",
                   "mailchimp_sync.ir_cron_mailchimp_sync_lane_4")


class ConnectionsBusy(UserError):
    """Other runs kept every connection slot of the account (see :meth:`MailchimpAudience._connection_lease`)."""


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    member_ids = fields.One2many("mailchimp.member", "audience_id", string="Members")
    sync_run_ids = fields.One2many("mailchimp.sync.run", "audience_id", string="Sync runs")
    last_run_id = fields.Many2one("mailchimp.sync.run", compute="_compute_last_run")
    last_run_state = fields.Selection(
        lambda self: self.env["mailchimp.sync.run"]._fields["state"].selection, string="State",
        compute="_compute_last_run")
    last_run_progress = fields.Float(string="Progress", compute="_compute_last_run")
    sync_requested = fields.Boolean(readonly=True, help="“Sync now” was pressed; the scheduled job picks it up.")
    sync_requested_by = fields.Many2one("res.users", readonly=True, help="Who pressed “Sync now”.")
    sync_run_count = fields.Integer(compute="_compute_counts")
    sync_blocker = fields.Char(string="Why no sync runs", compute="_compute_sync_blocker")
    member_binding_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        runs = dict(self.env["mailchimp.sync.run"]._read_group(
            [("audience_id", "in", self.ids)], ["audience_id"], ["__count"]))
        members = dict(self.env["mailchimp.member"]._read_group(
            [("audience_id", "in", self.ids)], ["audience_id"], ["__count"]))
        for audience in self:
            audience.sync_run_count = runs.get(audience, 0)
            audience.member_binding_count = members.get(audience, 0)

    def _compute_last_run(self):
        for audience in self:
            run = self.env["mailchimp.sync.run"].search([("audience_id", "=", audience.id)], limit=1)
            audience.last_run_id = run
            audience.last_run_state = run.state
            audience.last_run_progress = run.progress

    # ------------------------------------------------------------ actions

    def action_sync_now(self):
        """Button: ask the scheduled job to sync this audience now; progress shows in its run."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        self._check_sync_possible()
        self.write({"sync_requested": True, "sync_requested_by": self.env.uid})
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_sync")._trigger()
        return self.env["mailchimp.backend"]._notification(
            self.env._("The sync has started; its progress shows under Sync runs."),
            title=self.env._("Sync started"), reload=True)

    @api.model
    def _cron_sync(self):
        """Scheduled job (the first lane): end the runs no worker holds any more, begin a round, wake up the
        other lanes and sync, with them, the audiences due in it (see :meth:`_sync_due_audiences`)."""
        self._all_audiences()._end_dead_runs()
        last_run = self.env["mailchimp.sync.run"].sudo().search([], order="id desc", limit=1)
        round_start = last_run.id or 0
        self.env["ir.config_parameter"].sudo().set_param(SYNC_ROUND_PARAM, str(round_start))
        commit_if_allowed(self.env)
        due = self._all_audiences()._due_in_round(round_start)
        for lane in self._sync_lanes()[:max(0, len(due) - 1)]:
            lane._trigger()
        self._sync_due_audiences(round_start)

    @api.model
    def _all_audiences(self):
        """Every audience: one row per Mailchimp list of the companies, a handful."""
        return self.search([])  # pylint: disable=no-search-all

    @api.model
    def _cron_sync_lane(self):
        """Scheduled job (another lane): sync the audiences of the current round the other lanes have not taken."""
        self._sync_due_audiences(int(self.env["ir.config_parameter"].sudo().get_param(SYNC_ROUND_PARAM) or 0))

    def _sync_lanes(self):
        """The lanes besides the first one (cron jobs: Odoo runs each in one cron worker at a time)."""
        return [lane for lane in (self.env.ref(xmlid, raise_if_not_found=False) for xmlid in SYNC_LANE_CRONS)
                if lane and lane.active]

    @api.model
    def _sync_due_audiences(self, round_start):
        """Sync, one after the other, the audiences due in the round ``round_start`` that no other lane
        has taken: several lanes, in several cron workers, sync several audiences at once, never one twice.

        An audience is taken with its sync lock (:meth:`_sync_lock`, a PostgreSQL advisory lock: another
        worker's lane skips it), then checked again in a new transaction (a lane that read the audiences
        before another one's run was committed would otherwise run it a second time). The job reports its
        progress to Odoo's cron machinery after each audience.
        """
        tried = set()
        while audience := self._take_due_audience(round_start, tried):
            tried.add(audience.id)
            remaining = len(self._all_audiences()._due_in_round(round_start))
            self.env["ir.cron"]._notify_progress(done=len(tried) - 1, remaining=remaining)
            requested_by = audience.sync_requested_by if audience.sync_requested else self.env["res.users"]
            try:
                audience._sync_members(trigger="manual" if audience.sync_requested else "cron", user=requested_by)
            except UserError as error:  # refused before it started: the request stays for the next round
                _logger.warning("Mailchimp sync of %s not run: %s", audience.name, error)
            finally:
                audience._sync_unlock()
        self.env["ir.cron"]._notify_progress(done=len(tried), remaining=0)

    @api.model
    def _take_due_audience(self, round_start, tried):
        """The next audience due that no worker syncs now, its sync lock held (None when there is none)."""
        for audience in self.search([("id", "not in", list(tried))])._due_in_round(round_start):
            if not audience._sync_try_lock():
                continue  # another lane syncs it now
            commit_if_allowed(self.env)  # a new snapshot: a run committed meanwhile is seen
            self.env.invalidate_all()
            if audience._due_in_round(round_start):
                return audience
            audience._sync_unlock()
        return None

    def _due_in_round(self, round_start):
        """The audiences due in the round ``round_start`` (the last run's id when it began): asked for
        (“Sync now”), or with mapped groups and no run of the whole audience started since."""
        synced = set(self.env["mailchimp.sync.run"].sudo().search([
            ("audience_id", "in", self.ids), ("whole_audience", "=", True), ("id", ">", round_start),
        ]).audience_id.ids)
        return self.filtered(lambda audience: audience.sync_requested or (
            audience.id not in synced and audience._mapped_tags()))

    @api.depends("account_id.report_email")
    def _compute_sync_blocker(self):
        for audience in self:
            audience.sync_blocker = audience.account_id._sync_blocker() if audience.account_id else False

    def _check_sync_possible(self):
        """Refuse, before any call, a run that cannot work or could not report."""
        for audience in self:
            blocker = audience.account_id._sync_blocker()
            if blocker:
                raise UserError(blocker)
            with self.env["mailchimp.backend"]._user_errors():
                audience.account_id._credentials()

    # ------------------------------------------------------------ the run

    def _sync_members(self, trigger="manual", user=None, partner_ids=None):
        """Push the audience's customers to Mailchimp; returns the run (also when it failed).

        ``user`` is who asked for the run (“Sync now”); the scheduled job runs as OdooBot.
        ``partner_ids`` limits the run to these customers (a collection's); None: the whole audience.

        The run always ends with its report: its start and its end are bookkeeping of its own,
        committed again when another job's concurrent update made PostgreSQL refuse them
        (:func:`~.mailchimp_transaction.commit_retrying`); a run whose worker died is ended by the next
        job (:meth:`_end_dead_runs`).
        """
        self.ensure_one()
        if self.env.company != self.company_id:  # the tag → group mapping is per company
            return self.with_company(self.company_id)._sync_members(trigger, user, partner_ids)
        self._check_sync_possible()
        with self._sync_lock():
            self._end_dead_runs()
            run = commit_retrying(self.env, lambda: self._start_run(trigger, user or self.env.user, partner_ids),
                                  "sync run start")
            ending = self._run_work(run, partner_ids)
            commit_retrying(self.env, lambda: self._end_run(run, ending), "sync run end")
        return run

    def _run_work(self, run, partner_ids):
        """Do the run's work; returns how it ended (the run's values), whatever happened."""
        try:
            with self._run_transaction():
                self._run_sync(run, partner_ids)
                commit_if_allowed(self.env)
            return {"state": "done"}
        except ConnectionsBusy as error:
            _logger.warning("Mailchimp sync of %s not made: %s", self.name, error)
            return {"state": "failed", "message": mailchimp_messages.error_text(self.env, error)}
        except MailchimpError as error:
            _logger.warning("Mailchimp sync of %s failed: %s", self.name, error)
            reconnect = self.account_id._flag_refused_credentials(error)
            message = mailchimp_messages.error_text(self.env, error)
            return {"state": "failed", "message": f"{message} {reconnect}" if reconnect else message}
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            _logger.warning("Mailchimp sync of %s stopped on a concurrent update: %s", self.name, error)
            return {"state": "failed", "message": self.env._(
                "The run stopped because another job changed the same records at the same time (%(error)s); "
                "what was pushed before is kept, the next run continues.", error=describe_failure(error))}
        except Exception as error:  # noqa: BLE001 - whatever broke, the run ends saying so
            _logger.exception("Mailchimp sync of %s failed", self.name)
            return {"state": "failed", "message": self.env._(
                "The run stopped on an error in Odoo (%(error)s); what was pushed before is kept, "
                "the next run continues.", error=describe_failure(error))}

    def _end_run(self, run, ending):
        """The run's end: its state, the SMS groups' changes, its report (all local, so safe to redo)."""
        run.write({**ending, "date_end": fields.Datetime.now()})
        self._sms_after_sync_run(run)
        run._send_report()

    def _end_dead_runs(self):
        """End, with their report, the runs left "running" that no worker holds: their worker was killed, or
        the end of the run could not be committed. A live run is told apart by its worker's lock
        (:meth:`_sync_lock`), which PostgreSQL releases when the worker's connection goes."""
        Run = self.env["mailchimp.sync.run"].sudo()
        cr = self.env.cr
        for audience in self:
            if not Run.search_count([("audience_id", "=", audience.id), ("state", "=", "running")]):
                continue
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, audience.id))
            if not cr.fetchone()[0]:
                continue  # a live worker runs it
            try:
                commit_retrying(self.env, audience._end_interrupted_runs, "end of interrupted sync runs")
            finally:
                cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, audience.id))

    def _sync_running(self):
        """Whether a worker runs this audience's sync now (it holds the lock of :meth:`_sync_lock`)."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.id))
        if not cr.fetchone()[0]:
            return True
        cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.id))
        return False

    def _end_interrupted_runs(self):
        message = self.env._("The run was interrupted before it ended (its worker stopped, or its end could not "
                             "be saved); what was pushed before is kept, the next run continues.")
        for run in self.env["mailchimp.sync.run"].sudo().search(
                [("audience_id", "=", self.id), ("state", "=", "running")]):
            _logger.warning("Mailchimp sync run %s of %s was left running by a stopped worker: ended", run.id,
                            self.name)
            self._end_run(run, {"state": "interrupted", "message": message})

    @contextmanager
    def _run_transaction(self):
        """Undo the unfinished part of a run that raised, so the run can still be closed and reported.

        Each batch is committed (:func:`~.mailchimp_transaction.commit_if_allowed`): only what followed the
        last commit is lost.
        """
        try:
            yield
        except Exception:
            undo_since_commit(self.env)
            raise

    def _start_run(self, trigger, user, partner_ids=None):
        """The run's row; a run of the whole audience answers “Sync now”."""
        if partner_ids is None and self.sync_requested:
            self.write({"sync_requested": False, "sync_requested_by": False})
        return self.env["mailchimp.sync.run"].create({"audience_id": self.id, "trigger": trigger, "user_id": user.id,
                                                      "whole_audience": partner_ids is None})

    @contextmanager
    def _sync_lock(self):
        """One run at a time per audience, across workers: a PostgreSQL session advisory lock.

        A session lock (not a transaction one) because the run commits after
        every batch; it is released at the end, or by PostgreSQL if the worker dies.
        """
        if not self._sync_try_lock():
            raise UserError(self.env._("A sync of the audience %s is already running; try again when it ends.",
                                       self.name))
        try:
            yield
        finally:
            self._sync_unlock()

    def _sync_try_lock(self):
        """Take the audience's sync lock (see :meth:`_sync_lock`; the same worker may take it again); False when
        another worker holds it."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.id))
        return self.env.cr.fetchone()[0]

    def _sync_unlock(self):
        self._usable_transaction()
        self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.id))

    def _usable_transaction(self):
        if self.env.cr._cnx.info.transaction_status == TRANSACTION_STATUS_INERROR:
            # e.g. a commit refused for a concurrent update: the transaction takes no command until
            # undone, and what followed the last commit is lost anyway; the error itself goes on
            undo_since_commit(self.env)

    @contextmanager
    def _connection_lease(self):
        """The API key's connection slots this run may use (``mailchimp_sync.connections``), held until the run
        ends: yields how many. Each slot is a PostgreSQL advisory lock, so the runs of every worker, thread or
        process, count together, and a dead worker's slots are freed with its connection. Waits (at most
        :data:`SLOT_WAIT_SECONDS`) while other runs hold them all."""
        wanted = run_lease(self.account_id.max_in_flight, tools.config.get("max_cron_threads"))
        deadline = time.monotonic() + SLOT_WAIT_SECONDS
        cr = self.env.cr
        while True:
            held = []
            for key in self._connection_slot_keys():
                if len(held) == wanted:
                    break
                cr.execute("SELECT pg_try_advisory_lock(%s)", (key,))
                if cr.fetchone()[0]:
                    held.append(key)
            if len(held) >= MIN_LEASE:
                break
            self._release_slots(held)
            if time.monotonic() >= deadline:
                raise ConnectionsBusy(self.env._(
                    "Mailchimp's connections for this account stayed in use by other sync runs; the next run "
                    "continues."))
            time.sleep(SLOT_POLL_SECONDS)
        try:
            yield len(held)
        finally:
            self._usable_transaction()
            self._release_slots(held)

    def _connection_slot_keys(self):
        """The advisory lock keys of the connection slots of the audience's API key (or OAuth token): accounts
        sharing a key (several companies, one Mailchimp account) share its 10 connections."""
        with self.env["mailchimp.backend"]._user_errors():
            secret = self.account_id._credentials().secret
        base = (CONNECTION_SLOT_CLASS << 36) | (zlib.crc32(secret.encode("utf-8")) << 4)
        return [base | slot for slot in range(RUN_SLOTS)]

    def _release_slots(self, keys):
        for key in keys:
            self.env.cr.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _run_sync(self, run, partner_ids=None):
        with self._connection_lease() as slots:
            sync = AudienceSync(self, run, self._client(), partner_ids)
            sync.max_in_flight = min(sync.max_in_flight, batch_calls(slots))
            sync.execute()
