"""An audience copied into a SerwerSMS contact group, then kept current (issue #11).

"Start sync" on the audience only makes a record here (the group's name
``MC_<audience>_<YYYYMMDD>_<HHMMSS>``) and wakes the scheduled job, which does
the rest in the background: it creates the group at the gateway (a group whose
answer was lost is found again by its name), then works in three resumable
phases, committing after each page or chunk so that the count grows on the
screen and a crash loses nothing:

1. *collect*: the audience's subscribed members are read from Mailchimp page
   by page (``members_read`` is where it is); each becomes a contact row with
   its number in E.164, or is listed without one (the core decides:
   ``mailchimp_sync.sms_groups``);
2. *import*: waiting rows go to ``contacts/import`` in chunks. A chunk is
   marked "being sent" (and committed) before the call: when the answer is
   lost, the next run looks in the group for what arrived before sending the
   rest again, so nobody is in the group twice;
3. *check*: the group is listed once to learn each contact's id (for live
   updates) and which numbers the gateway refused.

Live updates afterwards are ``mailchimp.sms.change``'s; the contacts they add
or delete go through the journal of remote operations, made once.
"""
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..mailchimp_sync.const import STATUS_SUBSCRIBED
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import SMS_CONTACT_ADD, SMS_CONTACT_DELETE
from ..mailchimp_sync.serwersms import CODE_INVALID_ID
from ..mailchimp_sync.sms_groups import (
    IMPORT_CHUNK,
    NOTHING,
    REMOVE,
    UPDATE,
    match_group_contacts,
)
from .mailchimp_transaction import commit_if_allowed, undo_since_commit

_logger = logging.getLogger(__name__)

MEMBERS_PAGE = 1000  # Mailchimp's largest page
MEMBER_FIELDS = "members.email_address,members.status,members.merge_fields,total_items"
MAX_AUTOMATIC_ATTEMPTS = 10
STATE_READY, STATE_SYNCING, STATE_DONE, STATE_FAILED = "ready", "syncing", "done", "failed"
PHASE_COLLECT, PHASE_IMPORT, PHASE_CHECK = "collect", "import", "check"
IN_GROUP_STATES = ("queued", "sending", "sent", "imported")  # contact rows that are, or are to be, in the group


class MailchimpSmsGroup(models.Model):
    _name = "mailchimp.sms.group"
    _description = "Audience copied to a SerwerSMS group"
    _order = "id desc"

    name = fields.Char(string="SMS group", required=True, readonly=True)
    audience_id = fields.Many2one("mailchimp.audience", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True, index=True)
    mailchimp_list_id = fields.Char(related="audience_id.mailchimp_id", string="Mailchimp ID")
    audience_name = fields.Char(related="audience_id.name", string="Audience name")
    gateway_group_id = fields.Integer(string="Group id at SerwerSMS", readonly=True)
    state = fields.Selection(
        [(STATE_READY, "Ready to sync"), (STATE_SYNCING, "Syncing"), (STATE_DONE, "Sync finished"),
         (STATE_FAILED, "Failed")], required=True, default=STATE_READY, readonly=True, index=True)
    status_text = fields.Char(string="Status", compute="_compute_status_text")
    phase = fields.Selection(
        [(PHASE_COLLECT, "Reading the audience"), (PHASE_IMPORT, "Importing"), (PHASE_CHECK, "Checking the group")],
        default=PHASE_COLLECT, required=True, readonly=True)
    failure = fields.Text(readonly=True)
    failed_attempts = fields.Integer(readonly=True, help="Runs that failed in a row; the job stops retrying at 10.")
    members_read = fields.Integer(string="Members read", readonly=True)
    members_total = fields.Integer(string="Subscribed members", readonly=True)
    imported_count = fields.Integer(string="Contacts imported", readonly=True)
    rejected_count = fields.Integer(string="Refused by SerwerSMS", readonly=True)
    no_phone_count = fields.Integer(string="Without a usable number", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    in_group_count = fields.Integer(
        string="In the group", compute="_compute_in_group_count",
        help="Contacts in the group at SerwerSMS now: none once the group is deleted there "
             "(“Contacts imported” keeps what the sync did).")
    date_done = fields.Datetime(string="Completed on", readonly=True)
    live = fields.Boolean(string="Live updates", default=True, readonly=True,
                          help="New subscribers, changes and unsubscribes reach the group as they happen.")
    deleted_at_gateway = fields.Boolean(string="Deleted at SerwerSMS", readonly=True)
    requested_by = fields.Many2one("res.users", readonly=True)
    contact_ids = fields.One2many("mailchimp.sms.contact", "group_id", string="Contacts")

    @api.depends("state", "failure", "deleted_at_gateway")
    def _compute_status_text(self):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for group in self:
            if group.deleted_at_gateway:
                group.status_text = self.env._("Group deleted at SerwerSMS")
            elif group.state == STATE_FAILED:
                group.status_text = self.env._("Failed: %s", group.failure or self.env._("unknown reason"))
            else:
                group.status_text = labels.get(group.state)

    @api.depends("imported_count", "deleted_at_gateway")
    def _compute_in_group_count(self):
        for group in self:
            group.in_group_count = 0 if group.deleted_at_gateway else group.imported_count

    def write(self, vals):
        """A group deleted at SerwerSMS holds nobody: its contacts' rows say so (the counts stay as history)."""
        result = super().write(vals)
        if vals.get("deleted_at_gateway"):
            self.env["mailchimp.sms.contact"].sudo().search(
                [("group_id", "in", self.ids), ("state", "in", IN_GROUP_STATES)]).write(
                {"state": "removed", "reason": self.env._("Group deleted at SerwerSMS")})
        return result

    @api.depends("members_read", "members_total", "imported_count", "rejected_count", "no_phone_count", "state")
    def _compute_progress(self):
        for group in self:
            if group.state == STATE_DONE:
                group.progress = 100.0
            elif not group.members_total:
                group.progress = 0.0
            else:  # reading counts for half, importing for the other half
                handled = group.imported_count + group.rejected_count + group.no_phone_count
                group.progress = 50.0 * group.members_read / group.members_total + 50.0 * handled / group.members_total

    # ------------------------------------------------------------ buttons

    def _checked(self):
        """Rights first, before any request (a remote change cannot be rolled back)."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        return self.env["mailchimp.backend"]

    def action_stop_live_updates(self):
        """Button (trash icon): the group stays at SerwerSMS as it is; Odoo stops changing it."""
        backend = self._checked()
        self.write({"live": False})
        return backend._notification(self.env._("Live updates stopped; the group stays at SerwerSMS as it is."),
                                     title=self.env._("SerwerSMS"), reload=True)

    def action_delete_group(self):
        """Button: delete the group (and its contacts) at SerwerSMS; the record stays as history."""
        backend = self._checked()
        for group in self.filtered(lambda group: not group.deleted_at_gateway):
            with backend._user_errors():
                try:
                    sms = self.env["mailchimp.sms.account"]._for_company(group.company_id)._client()
                    sms.delete_group(group.gateway_group_id)
                except ServiceError as error:
                    if getattr(error, "code", None) != CODE_INVALID_ID:  # already gone: deleted all the same
                        raise
            group.write({"deleted_at_gateway": True, "live": False})
        return backend._notification(self.env._("Group deleted at SerwerSMS: %s", ", ".join(self.mapped("name"))),
                                     title=self.env._("SerwerSMS"), reload=True)

    def action_resume(self):
        """Button on a failed sync: the scheduled job continues where it stopped."""
        backend = self._checked()
        self.filtered(lambda group: group.state == STATE_FAILED and not group.deleted_at_gateway).write(
            {"state": STATE_SYNCING, "failed_attempts": 0})
        self._trigger_job()
        return backend._notification(self.env._("The sync continues where it stopped."),
                                     title=self.env._("SerwerSMS"), reload=True)

    def action_view_contacts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "mailchimp.sms.contact",
            "view_mode": "list,form",
            "domain": [("group_id", "=", self.id)],
            "context": {"search_default_group_state": 1},
        }

    @api.model
    def _trigger_job(self):
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_sms").sudo()._trigger()

    # ------------------------------------------------------------ the scheduled job

    @api.model
    def _cron_run(self):
        """Scheduled job: live updates first (they are quick), then the imports, each resumed where it stopped."""
        self.env["mailchimp.sms.change"]._process_queue()
        groups = self.search([
            ("deleted_at_gateway", "=", False), "|", ("state", "in", (STATE_READY, STATE_SYNCING)),
            "&", ("state", "=", STATE_FAILED), ("failed_attempts", "<", MAX_AUTOMATIC_ATTEMPTS)], order="id")
        for group in groups:
            group.with_company(group.company_id)._run()
        self.env["mailchimp.sms.change"]._process_queue()

    def _run(self):
        """One run of the import; a failure ends it as "Failed: <reason>" and the next run resumes."""
        self.ensure_one()
        try:
            self.write({"state": STATE_SYNCING, "failure": False})
            commit_if_allowed(self.env)
            self._run_phases()
        except (ServiceError, UserError) as error:
            undo_since_commit(self.env)
            _logger.warning("SerwerSMS sync of %s failed: %s", self.name, error)
            self.write({"state": STATE_FAILED, "failure": str(error.args[0] if isinstance(error, UserError) else error),
                        "failed_attempts": self.failed_attempts + 1})
        commit_if_allowed(self.env)

    def _run_phases(self):
        sms = self.env["mailchimp.sms.account"]._for_company(self.company_id)._client()
        if not self.gateway_group_id:
            self._create_gateway_group(sms)
        if self.phase == PHASE_COLLECT:
            self._collect_members(self.audience_id._client())
        if self.phase == PHASE_IMPORT:
            self._settle_uncertain_chunks(sms)
            self._import_waiting(sms)
        if self.phase == PHASE_CHECK:
            self._check_group(sms)
        self.write({"state": STATE_DONE, "date_done": fields.Datetime.now(), "failed_attempts": 0})

    def _create_gateway_group(self, sms):
        """The group at SerwerSMS; one that a run made but never heard back about is found by its name."""
        self.gateway_group_id = sms.find_group(self.name) or sms.add_group(self.name)
        commit_if_allowed(self.env)

    def _collect_members(self, client):
        """Phase 1: read the subscribed members page by page, from ``members_read``; commit each page."""
        page_size = int(self.env.context.get("mailchimp_sms_page_size") or MEMBERS_PAGE)
        company_country = self.company_id.country_id.code
        while True:
            page = client.get_members_page(self.audience_id.mailchimp_id, offset=self.members_read, count=page_size,
                                           status="subscribed", fields=MEMBER_FIELDS)
            members = page.get("members") or []
            new_rows = self.env["mailchimp.sms.contact"]._rows_for_members(self, members, company_country)
            self.write({
                "members_read": self.members_read + len(members),
                "members_total": int(page.get("total_items") or 0),
                "no_phone_count": self.no_phone_count + sum(1 for row in new_rows if not row.get("phone")),
            })
            commit_if_allowed(self.env)
            if not members or self.members_read >= self.members_total:
                break
        self.phase = PHASE_IMPORT

    def _settle_uncertain_chunks(self, sms):
        """A chunk whose answer was lost: what arrived counts as sent, the rest waits again (no duplicates)."""
        uncertain = self.contact_ids.filtered(lambda row: row.state == "sending")
        if not uncertain:
            return
        found = match_group_contacts([row._sms_contact() for row in uncertain],
                                     sms.iter_contacts(self.gateway_group_id))
        arrived = uncertain.filtered(lambda row: row._key() in found)
        arrived.write({"state": "sent"})
        (uncertain - arrived).write({"state": "queued"})
        self.imported_count += len(arrived)
        commit_if_allowed(self.env)

    def _import_waiting(self, sms):
        """Phase 2: the waiting contacts in chunks; the count grows with each chunk the gateway took."""
        chunk_size = int(self.env.context.get("mailchimp_sms_chunk_size") or IMPORT_CHUNK)
        Contact = self.env["mailchimp.sms.contact"]
        while True:
            rows = Contact.search([("group_id", "=", self.id), ("state", "=", "queued")], order="id", limit=chunk_size)
            if not rows:
                break
            rows.write({"state": "sending"})
            commit_if_allowed(self.env)
            try:
                answer = sms.import_contacts(self.name, [row._sms_contact().as_gateway() for row in rows])
            except ServiceError as error:
                if getattr(error, "code", None) is not None:  # the gateway answered: it imported nothing
                    rows.write({"state": "queued"})
                    commit_if_allowed(self.env)
                raise
            rows.write({"state": "sent"})
            self.write({"imported_count": self.imported_count + int(answer.get("correct") or 0),
                        "rejected_count": self.rejected_count + int(answer.get("failed") or 0)})
            commit_if_allowed(self.env)
            self.env.invalidate_all()
        self.phase = PHASE_CHECK

    def _check_group(self, sms):
        """Phase 3: the group's contacts give each sent row its id; the rows missing were refused."""
        sent = self.env["mailchimp.sms.contact"].search([("group_id", "=", self.id), ("state", "=", "sent")])
        found = match_group_contacts([row._sms_contact() for row in sent], sms.iter_contacts(self.gateway_group_id))
        self.env["mailchimp.sms.contact"]._write_check_results(sent, found)
        self._refresh_counts()

    def _refresh_counts(self):
        """The counts as the contact rows say (after the check and after live changes)."""
        self.env["mailchimp.sms.contact"].flush_model()
        self.env.cr.execute(SQL("SELECT state, count(*) FROM mailchimp_sms_contact WHERE group_id = %s GROUP BY state",
                                self.id))
        counts = dict(self.env.cr.fetchall())
        self.write({"imported_count": counts.get("imported", 0), "rejected_count": counts.get("rejected", 0),
                    "no_phone_count": counts.get("no_phone", 0)})

    # ------------------------------------------------------------ live updates (see mailchimp.sms.change)

    def _apply_live(self, action, row, status, outcome, partner, sms):
        """Carry out ``action`` (the core's :func:`plan_live_change`) for one member, and record it on its row.

        ``status`` is the member's in Mailchimp now (None: gone); ``outcome`` its
        :class:`MemberContact` (its contact, or why it has none). An update is
        idempotent and made at once; an add or a delete is queued in the journal
        of remote operations (:mod:`.mailchimp_sms_operation`), committed with the
        change it carries out, and made once by its worker.
        """
        self.ensure_one()
        Contact = self.env["mailchimp.sms.contact"]
        removed = {"contact_id": row.gateway_contact_id, "phone": row.phone} if action == REMOVE else None
        if action == NOTHING:  # not in the group, nor to be: a subscriber without a usable number is listed
            if status != STATUS_SUBSCRIBED or outcome.contact is not None:
                return
            values = {"state": "no_phone"}
        elif action == UPDATE and self._edit_contact(sms, row, outcome.contact):
            values = {"state": "imported", "reason": False}
        elif action == REMOVE:
            values = {"state": "removing", "reason": False}
        else:  # an add, or an update of a contact deleted at the gateway by hand: added again
            values = {"state": "adding", "gateway_contact_id": False, "reason": False}
        values.update(Contact._values_for(self, outcome, partner))
        if row:
            row.write(values)
        else:
            row = Contact.create(values)
        if removed:
            self._queue_contact_operation(SMS_CONTACT_DELETE, row, removed)
        elif values["state"] == "adding":
            self._queue_contact_operation(SMS_CONTACT_ADD, row)
        self._refresh_counts()

    def _edit_contact(self, sms, row, contact):
        """Update the contact at the gateway (idempotent); False when it was deleted there by hand."""
        try:
            sms.edit_contact(row.gateway_contact_id, self.gateway_group_id, contact.as_gateway())
        except ServiceError as error:
            if getattr(error, "code", None) != CODE_INVALID_ID:
                raise
            return False
        return True

    def _gets_live_updates(self):
        """Whether Odoo still changes the group at SerwerSMS (not stopped, not deleted there)."""
        self.ensure_one()
        return self.live and not self.deleted_at_gateway

    def _queue_contact_operation(self, kind, row, params=None):
        self.env["mailchimp.remote.operation"]._queue(kind, row, {
            "service": "serwersms", "audience_id": self.audience_id.id, "company_id": self.company_id.id,
            "email": row.email, "sms_contact_id": row.id, "params": params})
