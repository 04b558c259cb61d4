from odoo import api, fields, models
from odoo.tools import SQL

from ..mailchimp_sync.const import MEMBER_STATUSES, STATUS_DELETED
from .mailchimp_messages import SKIP_REASON_SELECTION

MEMBER_STATUS_SELECTION = [(status, status.capitalize()) for status in MEMBER_STATUSES] + [
    (STATUS_DELETED, "Deleted permanently")]


class MailchimpMember(models.Model):
    """The binding of a customer to an audience: what was pushed, when, and how it went.

    ``payload_hash`` is the hash of the last member item Mailchimp accepted: a
    run pushes a customer again only when its item hashes differently. A
    rejected item keeps its hash in ``error_hash`` and is not retried until the
    customer changes. ``need_sync`` is set by edits in Odoo and cleared by a run.
    The binding outlives a deleted customer (``partner_id`` empty) so that the
    next run can still archive the member.
    """

    _name = "mailchimp.member"
    _description = "Mailchimp audience member"
    _order = "audience_id, email, id"
    _rec_name = "email"

    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null", index=True)
    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True, index=True)
    email = fields.Char(readonly=True, help="The address this member has in Mailchimp.")
    mailchimp_id = fields.Char(string="Mailchimp ID", readonly=True, index=True,
                               help="MD5 of the address's identity (lower-cased, ASCII domain): "
                                    "the member is found by it.")
    status = fields.Selection(MEMBER_STATUS_SELECTION, readonly=True, help="The member's status in Mailchimp.")
    last_changed = fields.Datetime(readonly=True, help="When Mailchimp last changed the member.")
    last_sync = fields.Datetime(readonly=True)
    last_error = fields.Text(readonly=True)
    skip_reason = fields.Selection(SKIP_REASON_SELECTION, readonly=True)
    need_sync = fields.Boolean(default=True, index=True)
    left_by_odoo = fields.Boolean(
        readonly=True, copy=False,
        help="Unsubscribed or archived because Odoo did it (box unticked, customer archived…), not the contact: "
             "Odoo subscribes it again when the customer is eligible again.")
    payload_hash = fields.Char(readonly=True, copy=False)
    error_hash = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        ("partner_audience_unique", "unique(partner_id, audience_id)",
         "A customer has one member per audience."),
    ]

    @api.model
    def _new_to_create(self, values_list):
        """New records (``new()``) of these values, to be created with :meth:`_create_from_new` once every value
        is known. Every other column gets its default (else nothing) at once: reading a column a new record does
        not hold asks for its default, field by field."""
        stored = [name for name, field in self._created_columns() if not field.compute]
        defaults = dict.fromkeys(stored, False) | self.default_get(stored)
        return self.concat(*(self.new({**defaults, **values}) for values in values_list))

    def _create_from_new(self):
        """Create these new records (see :meth:`_new_to_create`) with every value set on them: one INSERT
        holding all of them, not an INSERT of what was known first and an UPDATE of what was decided after."""
        columns = self._created_columns()
        return self.create([{name: field.convert_to_write(member[name], member) for name, field in columns}
                            for member in self])

    def _created_columns(self):
        """``[(name, field)]`` of the columns a create gives: the table's, except Odoo's own (id, dates, users)."""
        return [(name, field) for name, field in self._fields.items() if field.column_type and not field.automatic]

    @api.model
    def _write_push_results(self, rows):
        """Store a batch's outcome in one UPDATE, whatever the batch size.

        A row is ``{id, email, mailchimp_id, status, payload_hash, error_hash,
        last_error, last_sync, last_changed, left_by_odoo}``; a ``None`` status,
        payload hash, last change or ``left_by_odoo`` (a rejected item) keeps the stored one.
        """
        if not rows:
            return
        self.flush_model()
        columns = ("id", "email", "mailchimp_id", "status", "payload_hash", "error_hash", "last_error", "last_sync",
                   "last_changed", "left_by_odoo")
        types = ("int", "varchar", "varchar", "varchar", "varchar", "varchar", "text", "timestamp", "timestamp",
                 "boolean")
        # one array per column (a handful of parameters, not one SQL fragment per row)
        pushed = SQL(", ").join(SQL("unnest(%s::%s[])", [row[column] for row in rows], SQL(kind))
                               for column, kind in zip(columns, types))
        self.env.cr.execute(SQL(
            """UPDATE mailchimp_member AS member
                  SET email = pushed.email, mailchimp_id = pushed.mailchimp_id,
                      status = COALESCE(pushed.status, member.status),
                      payload_hash = COALESCE(pushed.payload_hash, member.payload_hash),
                      error_hash = pushed.error_hash, last_error = pushed.last_error,
                      last_sync = pushed.last_sync, need_sync = FALSE, skip_reason = NULL,
                      last_changed = COALESCE(pushed.last_changed, member.last_changed),
                      left_by_odoo = COALESCE(pushed.left_by_odoo, member.left_by_odoo),
                      write_date = NOW() AT TIME ZONE 'UTC', write_uid = %s
                 FROM (SELECT %s) AS pushed(id, email, mailchimp_id, status, payload_hash, error_hash,
                                            last_error, last_sync, last_changed, left_by_odoo)
                WHERE member.id = pushed.id""",
            self.env.uid, pushed,
        ))
        self.invalidate_model([*columns[1:], "need_sync", "skip_reason"])
