"""What the journal shows: its targets, changes journaled as they were made, a button's notification once it
queued an operation, and the progress of the last one on the campaign's or audience's form."""
import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.sql_db import TestCursor

from ..mailchimp_sync.remote_operations import DIALOG_CHANGE, SEGMENT_CHANGE, WEBHOOK_DELETE, WEBHOOK_REGISTER
from .mailchimp_remote_operation import STATES
from .mailchimp_transaction import commits_allowed


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    summary = fields.Char(compute="_compute_summary", string="Operation")
    what = fields.Char(compute="_compute_what",
                       help="The change asked for, in a few words: the box ticked or unticked, the segment, "
                            "the number.")

    @api.depends("kind", "state", "message")
    def _compute_summary(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        for operation in self:
            operation.summary = self.env._("%(kind)s: %(state)s", kind=kinds.get(operation.kind),
                                           state=states.get(operation.state))
            if operation.message:
                operation.summary = self.env._("%(summary)s (%(answer)s)", summary=operation.summary,
                                               answer=operation.message)

    collection_id = fields.Many2one("mailchimp.collection", readonly=True, ondelete="set null",
                                    index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null",
                                 index="btree_not_null")

    @api.depends("kind", "what")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for operation in self:
            operation.display_name = self.env._("%(kind)s: %(what)s", kind=kinds.get(operation.kind),
                                                what=operation.what) if operation.what else kinds.get(operation.kind)

    @api.depends("kind", "params", "audience_id", "campaign_id", "sms_contact_id")
    def _compute_what(self):
        for operation in self:
            params = operation.params or {}
            if operation.kind == DIALOG_CHANGE:
                operation.what = (self.env._("Subscribe to %s", operation.audience_id.name) if params.get("subscribe")
                                  else self.env._("Unsubscribe from %s", operation.audience_id.name))
            elif operation.kind == SEGMENT_CHANGE:
                operation.what = self.env._("Create the segment %s", params.get("name") or operation.collection_id.name)
            elif operation.sms_contact_id:
                contact = operation.sms_contact_id
                operation.what = self.env._("%(phone)s in %(group)s", phone=params.get("phone") or contact.phone,
                                            group=contact.group_id.name)
            elif operation.kind in (WEBHOOK_REGISTER, WEBHOOK_DELETE):
                operation.what = self.env._("The webhook of %s", operation.audience_id.name)
            else:
                operation.what = operation.campaign_id.title or operation.audience_id.name

    @api.model
    def _record(self, kind, values, state, message):
        """Journal a change made at once, not queued: it was idempotent, or made by a job that settles it itself.

        Written as superuser, like every row of the journal; ``values`` name the target and the person.
        """
        now = fields.Datetime.now()
        return self.sudo().create({"user_id": self.env.uid, **values, "kind": kind, "state": state,
                                   "message": message, "attempts": 1, "date_start": now, "date_end": now})

    @api.model
    def _record_kept_on_rollback(self, kind, values, state, message):
        """:meth:`_record`, committed at once by a cursor of its own: the caller's rollback keeps the row.

        As for a refusal's flag (``mailchimp.account._write_kept_on_rollback``): in Odoo's tests a cursor of
        its own is a savepoint of the caller's, so the row is written here and, in a request's test cursor,
        again right after its rollback (a test cursor runs its rollback hooks); a test calling the method
        directly keeps this transaction's row.
        """
        values = {"user_id": self.env.uid, **values}
        registry = self.env.registry

        def record_in_own_transaction(lock_timeout=None):
            with registry.cursor() as cr:
                if lock_timeout:
                    cr.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
                api.Environment(cr, SUPERUSER_ID, {})[self._name]._record(kind, values, state, message)

        if registry.in_test_mode() or not commits_allowed():
            self._record(kind, values, state, message)
            if isinstance(self.env.cr, TestCursor):
                self.env.cr.postrollback.add(record_in_own_transaction)
            return
        try:
            record_in_own_transaction(lock_timeout="2s")
        except psycopg2.errors.LockNotAvailable:
            # a row the new transaction needs is locked by this request: kept only if the request commits
            self._record(kind, values, state, message)

    @api.model
    def _queued_notification(self, message):
        """A button's answer once it queued an operation: queued, and where its progress shows."""
        return self.env["mailchimp.backend"]._notification(
            self.env._("%s Its progress shows on this form and in Mailchimp › Configuration › Remote operations.",
                       message), kind="info", title=self.env._("Queued"), reload=True)


class MailchimpOperationProgress(models.AbstractModel):
    """The last operation of a record of the journal (a campaign, an audience), for its form's banner."""
    _name = "mailchimp.operation.progress"
    _description = "Progress of the last remote operation"

    # Computed at each read, without dependencies: an operation's progress is written by the worker's own
    # transaction, and a related field would make every write of the journal look for the records showing it.
    last_operation_id = fields.Many2one("mailchimp.remote.operation", compute="_compute_last_operation",
                                        string="Last remote operation",
                                        groups="mailchimp_sync.group_mailchimp_manager")
    last_operation_state = fields.Selection(STATES, compute="_compute_last_operation",
                                            string="Last operation's state",
                                            groups="mailchimp_sync.group_mailchimp_manager")
    last_operation_summary = fields.Char(compute="_compute_last_operation", string="Last operation",
                                         groups="mailchimp_sync.group_mailchimp_manager")

    _operation_field = None  # the operation's field that points to the record

    def _operation_domain(self):
        return [(self._operation_field, "=", self.id)]

    def _compute_last_operation(self):
        Operation = self.env["mailchimp.remote.operation"].sudo()
        for record in self:
            operation = Operation.search(record._operation_domain(), limit=1) if record.id else Operation
            record.last_operation_id = operation
            record.last_operation_state = operation.state
            record.last_operation_summary = operation.summary


class MailchimpCampaign(models.Model):
    _name = "mailchimp.campaign"
    _inherit = ["mailchimp.campaign", "mailchimp.operation.progress"]
    _operation_field = "campaign_id"


class MailchimpAudience(models.Model):
    _name = "mailchimp.audience"
    _inherit = ["mailchimp.audience", "mailchimp.operation.progress"]
    _operation_field = "audience_id"

    operation_ids = fields.One2many("mailchimp.remote.operation", "audience_id", string="Remote operations",
                                    readonly=True, groups="mailchimp_sync.group_mailchimp_manager")

    def _operation_domain(self):
        """The audience's own operations (its webhook); a campaign's or a contact's show on their own forms."""
        return [*super()._operation_domain(), ("kind", "in", (WEBHOOK_REGISTER, WEBHOOK_DELETE))]
