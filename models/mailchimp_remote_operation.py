"""The journal of remote operations: a remote write that must not be repeated, recorded before it is made.

A button checks rights and writes Odoo's side in the user's transaction, then
queues an operation (:meth:`_queue`) and triggers the worker. The worker
(:meth:`_cron_process`, a scheduled job) claims one operation at a time with
``FOR UPDATE SKIP LOCKED``, marks it running and commits *before* the call,
makes the call once and commits its outcome. A rollback or a retried request
therefore never repeats the call, and an operation found running by a later
worker (the first was killed between the call and its record) is resolved by
asking the service before anything is redone.

Each kind plugs in through :meth:`_handlers`: a function that makes the call
and one that asks the service whether it was made (the rules are the core's,
:mod:`..mailchimp_sync.remote_operations`).
"""
import logging
from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from psycopg2.errors import UniqueViolation

from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import (
    DONE,
    FAILED,
    NEEDS_CHECK,
    OPEN_STATES,
    OUTCOME_DONE,
    OUTCOME_REDO,
    QUEUED,
    RUNNING,
    after_unknown_failure,
    open_key,
    refused,
)
from . import mailchimp_messages
from .mailchimp_transaction import commit_if_allowed, describe_failure

_logger = logging.getLogger(__name__)

# Key space of the PostgreSQL advisory locks a worker holds on the operation it runs.
OPERATION_LOCK_CLASS = 0x6D6F

KINDS = [
    ("send", "Send campaign"),
    ("schedule", "Schedule campaign"),
    ("unschedule", "Unschedule campaign"),
    ("test_send", "Send test email"),
    ("permanent_delete", "Delete permanently"),
    ("sms_contact_add", "Add SMS contact"),
    ("sms_contact_delete", "Delete SMS contact"),
    ("webhook_register", "Register webhook"),
    ("webhook_delete", "Delete webhook"),
    ("segment_change", "Change segment"),
    ("dialog_change", "Change from the customer's panel"),
    ("replicate", "Replicate campaign"),
]
STATES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed"),
          (NEEDS_CHECK, "Needs checking")]
SERVICES = [("mailchimp", "Mailchimp"), ("serwersms", "SerwerSMS"), ("campaign_monitor", "Campaign Monitor")]

Handler = namedtuple("Handler", "run resolve", defaults=(None,))
Handler.__doc__ = """How the worker settles one kind of operation (methods bound to the operation).

``run()`` makes the call and returns the service's answer as one sentence;
``resolve()`` asks the service whether an operation found running was made and returns
an outcome of the core (done, redo, unknown); without one the outcome is unknown.
"""


class MailchimpRemoteOperation(models.Model):
    _name = "mailchimp.remote.operation"
    _description = "Remote operation (Mailchimp, SerwerSMS, Campaign Monitor)"
    _order = "id desc"
    _rec_name = "kind"

    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    service = fields.Selection(SERVICES, required=True, readonly=True, default="mailchimp")
    audience_id = fields.Many2one("mailchimp.audience", readonly=True, ondelete="cascade", index=True)
    campaign_id = fields.Many2one("mailchimp.campaign", readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    email = fields.Char(readonly=True, help="The person the operation is about, where there is one.")
    params = fields.Json(readonly=True, help="What the call needs beyond its target (dropped once done).")
    user_id = fields.Many2one("res.users", string="Asked by", required=True, readonly=True,
                              default=lambda self: self.env.user)
    state = fields.Selection(STATES, required=True, readonly=True, default=QUEUED, index=True)
    attempts = fields.Integer(readonly=True, help="How many times a worker made the call.")
    date_start = fields.Datetime(string="Last started", readonly=True)
    date_end = fields.Datetime(string="Ended", readonly=True)
    message = fields.Char(string="Answer", readonly=True, help="The service's answer, or the error, in one sentence.")
    open_key = fields.Char(readonly=True, copy=False,
                           help="Held while the operation is open: one open operation per kind and target.")

    _sql_constraints = [
        ("open_key_unique", "unique(open_key)", "This operation is already queued."),
    ]

    # ------------------------------------------------------------ queueing (the user's transaction)

    @api.model
    def _open_operation(self, kind, target):
        """The open operation of ``kind`` on ``target`` (a record), if any."""
        return self.sudo().search([("open_key", "=", open_key(kind, f"{target._name},{target.id}"))], limit=1)

    @api.model
    def _queue(self, kind, target, values):
        """Queue an operation of ``kind`` on ``target`` and trigger the worker; the open one if there is one.

        Rights are the caller's to check, before: the journal is written as superuser.
        """
        operation = self._open_operation(kind, target)
        if operation:
            return operation
        try:
            with self.env.cr.savepoint():
                operation = self.sudo().create({
                    **values, "kind": kind, "user_id": self.env.uid,
                    "open_key": open_key(kind, f"{target._name},{target.id}")})
        except UniqueViolation:
            # queued by a request running at the same time, not visible to this one: this one is undone
            raise UserError(self.env._(
                "This was just asked for by another request; its progress shows in Remote operations.")) from None
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_remote_operations")._trigger()
        return operation

    # ------------------------------------------------------------ the worker

    def _handlers(self):
        """The handler of each kind (:class:`Handler`), bound to this operation; a kind added extends the table."""
        return {}

    @api.model
    def _cron_process(self, limit=100):
        """Scheduled job: settle the queued operations, and those a killed worker left running."""
        skipped = []
        for _count in range(limit):
            operation = self._claim(skipped)
            if operation is None:
                break
            try:
                operation.with_company(operation.company_id)._process()
            finally:
                self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (OPERATION_LOCK_CLASS, operation.id))
            skipped.append(operation.id)  # queued again after an unknown outcome: for the next round

    @api.model
    def _claim(self, skipped):
        """The next open operation no other worker holds, locked; ``skipped``: those held or done this round."""
        cr = self.env.cr
        while True:
            cr.execute("""
                SELECT id FROM mailchimp_remote_operation
                 WHERE state IN %s AND NOT id = ANY(%s)
                 ORDER BY id LIMIT 1
                   FOR UPDATE SKIP LOCKED
            """, (OPEN_STATES, skipped or [0]))
            row = cr.fetchone()
            if not row:
                return None
            # A running operation is held by its live worker's session lock; a killed worker's is released.
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (OPERATION_LOCK_CLASS, row[0]))
            if cr.fetchone()[0]:
                return self.sudo().browse(row[0])
            skipped.append(row[0])

    def _process(self):
        self.ensure_one()
        handler = self._handlers().get(self.kind)
        if not handler:
            self._end(FAILED, self.env._("Odoo has no worker for this kind of operation."))
            self._commit()
            return
        if self.state == RUNNING and not self._resolved(handler):
            return
        self.write({"state": RUNNING, "attempts": self.attempts + 1, "date_start": fields.Datetime.now()})
        self._commit()
        try:
            with self.env.cr.savepoint():
                answer = handler.run()
        except ServiceError as error:
            self._failed_call(handler, error)
        except Exception as error:  # noqa: BLE001 - whatever broke, the operation says so and is checked
            _logger.exception("Remote operation %s (%s) failed", self.id, self.kind)
            self._end(NEEDS_CHECK, self.env._(
                "Odoo stopped on an error (%(error)s) after the call may have been made; check it in the service.",
                error=describe_failure(error)))
        else:
            self._end(DONE, answer)
        self._commit()

    def _resolved(self, handler):
        """For a call whose answer was lost (its worker killed, or no answer): ask the service.

        Returns True when the service says it was not made: the call is to be made (again).
        """
        _logger.info("Remote operation %s (%s): outcome unknown, asking the service", self.id, self.kind)
        try:
            outcome = handler.resolve() if handler.resolve else None
        except ServiceError as error:
            self.write({"message": mailchimp_messages.error_text(self.env, error)})
            self._commit()
            return False  # the service does not answer: the next round asks again
        if outcome == OUTCOME_REDO:
            return True
        if outcome == OUTCOME_DONE:
            self._end(DONE, self.env._("Made; its answer was lost and the service confirms it."))
        else:
            self._end(NEEDS_CHECK, self.env._(
                "The call's answer was lost and the service cannot tell whether it was made: check it there."))
        self._commit()
        return False

    def _failed_call(self, handler, error):
        _logger.info("Remote operation %s (%s) failed: %s", self.id, self.kind, error)
        if self.audience_id:
            self.audience_id.account_id._flag_refused_credentials(error)
        if refused(error.status):
            self._end(FAILED, mailchimp_messages.error_text(self.env, error))
            return
        # No answer or a server error: the call may have been made. Ask, as for a killed worker.
        self._commit()
        if not self._resolved(handler):
            return
        if after_unknown_failure(self.attempts) == QUEUED:
            self.write({"state": QUEUED, "message": mailchimp_messages.error_text(self.env, error)})
        else:
            self._end(FAILED, mailchimp_messages.error_text(self.env, error))

    def _end(self, state, message):
        """Record the outcome; an ended operation frees its target for a new one and forgets what it needed."""
        self.write({"state": state, "message": message, "date_end": fields.Datetime.now(), "open_key": False,
                    "params": False if state == DONE else self.params})

    def _commit(self):
        """Commit (a savepoint in tests): what the worker records must outlive what follows."""
        commit_if_allowed(self.env)
