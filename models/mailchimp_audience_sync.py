"""The sync runs of an audience: when they start, the lock, how they end and report.

The work of a run is :class:`~.sync_engine.AudienceSync`'s; the decisions are the core's.
"""
import logging
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from ..mailchimp_sync.errors import MailchimpError
from .mailchimp_transaction import commit_if_allowed, commit_retrying, describe_failure, undo_since_commit
from .sync_engine import AudienceSync

_logger = logging.getLogger(__name__)

# Key space of our PostgreSQL advisory locks (one lock per audience: one run at a time).
SYNC_LOCK_CLASS = 0x6D63


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
        """Scheduled job: end the runs no worker holds any more, then sync the requested audiences and those with
        mapped groups, one after the other.

        Each audience's run ends by itself (a failure is its own, see :meth:`_sync_members`); the
        job reports its progress to Odoo's cron machinery after each audience.
        """
        # every audience: one row per Mailchimp list of the companies, a handful
        audiences = self.search([])  # pylint: disable=no-search-all
        audiences._end_dead_runs()
        audiences = audiences.filtered(lambda audience: audience.sync_requested or audience._mapped_tags())
        for done, audience in enumerate(audiences, start=1):
            self.env["ir.cron"]._notify_progress(done=done - 1, remaining=len(audiences) - done + 1)
            requested_by = audience.sync_requested_by if audience.sync_requested else self.env["res.users"]
            try:
                audience._sync_members(trigger="manual" if audience.sync_requested else "cron",
                                       user=requested_by)
            except UserError as error:  # refused before it started: the request stays for the next round
                _logger.warning("Mailchimp sync of %s not run: %s", audience.name, error)
                continue
        self.env["ir.cron"]._notify_progress(done=len(audiences), remaining=0)

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
        except MailchimpError as error:
            _logger.warning("Mailchimp sync of %s failed: %s", self.name, error)
            reconnect = self.account_id._flag_refused_credentials(error)
            return {"state": "failed", "message": f"{error} {reconnect}" if reconnect else str(error)}
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
        return self.env["mailchimp.sync.run"].create({"audience_id": self.id, "trigger": trigger, "user_id": user.id})

    @contextmanager
    def _sync_lock(self):
        """One run at a time per audience, across workers: a PostgreSQL session advisory lock.

        A session lock (not a transaction one) because the run commits after
        every batch; it is released at the end, or by PostgreSQL if the worker dies.
        """
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_CLASS, self.id))
        if not cr.fetchone()[0]:
            raise UserError(self.env._("A sync of the audience %s is already running; try again when it ends.",
                                       self.name))
        try:
            yield
        finally:
            if cr._cnx.info.transaction_status == TRANSACTION_STATUS_INERROR:
                # e.g. a commit refused for a concurrent update: the transaction takes no command until
                # undone, and what followed the last commit is lost anyway; the error itself goes on
                undo_since_commit(self.env)
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.id))

    def _run_sync(self, run, partner_ids=None):
        AudienceSync(self, run, self._client(), partner_ids).execute()
