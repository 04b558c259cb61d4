"""Contact collections: customers picked by hand or by a domain, kept in Mailchimp as a static segment.

"Sync collection" only queues the collection; the scheduled job
(:meth:`MailchimpCollection._cron_sync_collections`) does the sync, out of the
button's request, and the form shows it queued, running, then its result.
Its segment is created once (:meth:`MailchimpCollection._segment`); adding and
removing members in it is idempotent.
"""
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from ..mailchimp_sync.collections import plan_collection, segment_batches
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import DONE, FAILED, SEGMENT_CHANGE
from . import mailchimp_messages
from .mailchimp_transaction import commit_if_allowed, describe_failure, undo_since_commit

_logger = logging.getLogger(__name__)

KIND_STATIC = "static"
KIND_DYNAMIC = "dynamic"
CAMPAIGN_MARKETING = "marketing"
CAMPAIGN_SYSTEM = "system"
SYNC_QUEUED, SYNC_RUNNING, SYNC_DONE, SYNC_FAILED = "queued", "running", "done", "failed"


class MailchimpCollection(models.Model):
    _name = "mailchimp.collection"
    _description = "Mailchimp contact collection"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(string="Code", required=True, tracking=True,
                       help="Also the name of the collection's segment (tag) in Mailchimp.")
    description = fields.Char()
    owner_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user,
                               tracking=True)
    notes = fields.Html()
    shared = fields.Boolean(default=True, tracking=True,
                            help="Visible to every Mailchimp user; unticked, only to its owner.")
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [(KIND_STATIC, "Static: hand-picked customers"), (KIND_DYNAMIC, "Dynamic: customers matching a rule")],
        string="Type", default=KIND_STATIC, required=True, tracking=True)
    partner_ids = fields.Many2many("res.partner", string="Customers")
    domain = fields.Char(string="Rule", default="[]",
                         help="Which customers belong to the collection; evaluated at every sync.")
    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True,
                                  domain="[('company_id', 'in', allowed_company_ids)]")
    company_id = fields.Many2one(related="audience_id.company_id", store=True, index=True)
    campaign_type = fields.Selection(
        [(CAMPAIGN_MARKETING, "Marketing"), (CAMPAIGN_SYSTEM, "System / transactional")],
        default=CAMPAIGN_MARKETING, required=True, tracking=True,
        help="Marketing campaigns are checked for consent (GDPR) before they are sent; system or transactional "
             "messages (order, invoice, service notices) are exempt from that check.")
    segment_id = fields.Char(string="Mailchimp segment ID", readonly=True, copy=False)
    segment_pending_name = fields.Char(
        readonly=True, copy=False,
        help="The name the segment was asked to be created under, recorded before the call: a creation whose "
             "answer was lost is found by it in Mailchimp, never made twice.")
    last_sync = fields.Datetime(readonly=True, copy=False)
    odoo_count = fields.Integer(string="Customers in Odoo", readonly=True, copy=False)
    mailchimp_count = fields.Integer(string="Members in Mailchimp", readonly=True, copy=False)
    skip_ids = fields.One2many("mailchimp.collection.skip", "collection_id", string="Left out", readonly=True)
    skip_count = fields.Integer(string="Left out count", compute="_compute_skip_count")
    sync_state = fields.Selection(
        [(SYNC_QUEUED, "Queued"), (SYNC_RUNNING, "Running"), (SYNC_DONE, "Synced"), (SYNC_FAILED, "Failed")],
        string="Sync", readonly=True, copy=False,
        help="Where the last “Sync collection” is: the scheduled job does it.")
    sync_message = fields.Char(string="Sync result", readonly=True, copy=False)
    sync_requested_by = fields.Many2one("res.users", readonly=True, copy=False,
                                        help="Who pressed “Sync collection”: the job syncs with their rights.")

    @api.depends("skip_ids")
    def _compute_skip_count(self):
        for collection in self:
            collection.skip_count = len(collection.skip_ids)

    @api.constrains("kind", "domain")
    def _check_domain(self):
        for collection in self.filtered(lambda c: c.kind == KIND_DYNAMIC):
            try:
                self.env["res.partner"].search_count(collection._rule_domain(), limit=1)
            except Exception as error:  # noqa: BLE001 - any mistake in the rule is the user's to fix
                raise ValidationError(self.env._(
                    "The rule of the collection %(code)s is not a valid customer filter: %(error)s",
                    code=collection.name, error=error)) from None

    def _rule_domain(self):
        domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, (list, tuple)):
            raise TypeError(self.env._("a rule is a list of conditions"))
        return list(domain)

    def _partners(self):
        """The customers of the collection now: hand-picked, or the rule evaluated at this moment."""
        self.ensure_one()
        company_domain = [("company_id", "in", [False, self.company_id.id])]
        if self.kind == KIND_DYNAMIC:
            return self.env["res.partner"].search(self._rule_domain() + company_domain)
        return self.partner_ids.filtered_domain(company_domain)

    # ------------------------------------------------------------ sync

    def action_sync_collection(self):
        """Button: queue the collection for the scheduled job, which makes its segment in Mailchimp hold exactly
        its subscribed, eligible customers. Rights and credentials are checked here, before anything is queued.
        """
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        with backend._user_errors():
            for account in self.audience_id.account_id:
                account._credentials()
        self.write({"sync_state": SYNC_QUEUED, "sync_message": False, "sync_requested_by": self.env.uid})
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_collections")._trigger()
        return backend._notification(
            self.env._("Collection queued: it is synced in the background; the form shows when it is done."),
            title=self.env._("Sync queued"), reload=True)

    def action_new_campaign(self):
        """Button: the dialog that creates a campaign to the collection's segment, tests it and sends it."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New campaign"),
            "res_model": "mailchimp.collection.campaign.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_collection_id": self.id},
        }

    @api.model
    def _cron_sync_collections(self):
        """Scheduled job: sync the queued collections, one after the other, each committed when it ends.

        A collection left "Running" by a job that died is synced again (a segment sync can be repeated).
        """
        collections = self.search([("sync_state", "in", (SYNC_QUEUED, SYNC_RUNNING))], order="id")
        for done, collection in enumerate(collections):
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(collections) - done)
            collection._run_queued_sync()
        self.env["ir.cron"]._notify_progress(done=len(collections), remaining=0)

    def _run_queued_sync(self):
        """Sync one queued collection as who queued it (their rights, their ``uid`` in the rule); a failure is
        recorded on the collection, whose earlier result stays.
        """
        self.ensure_one()
        self.write({"sync_state": SYNC_RUNNING})
        commit_if_allowed(self.env)
        collection = self.with_user(self.sync_requested_by or self.env.user).with_company(self.company_id)
        try:
            collection.env["mailchimp.backend"]._check_manager()
            collection._sync_segment()
            result = {"sync_state": SYNC_DONE, "sync_message": self.env._(
                "%(count)s in the segment, %(skipped)s left out.", count=self.mailchimp_count,
                skipped=self.skip_count)}
        except UserError as error:
            undo_since_commit(self.env)
            result = {"sync_state": SYNC_FAILED, "sync_message": error.args[0]}
        except Exception as error:  # noqa: BLE001 - whatever broke, the collection says so
            _logger.exception("Mailchimp sync of the collection %s failed", self.name)
            undo_since_commit(self.env)
            result = {"sync_state": SYNC_FAILED, "sync_message": self.env._(
                "The sync stopped on an error in Odoo (%(error)s).", error=describe_failure(error))}
        self.write(result)
        commit_if_allowed(self.env)

    def _sync_segment(self):
        self.ensure_one()
        audience = self.audience_id
        partners = self._partners()
        plan = self._plan(partners)
        if plan.to_push:
            self._push_first(plan.to_push)
            plan = self._plan(partners, pushed=True)
        backend = self.env["mailchimp.backend"]
        with backend._user_errors():
            client = audience._client()
            segment = self._segment(client)
            segment_id = str(segment["id"])
            current = [m["email_address"] for m in client.iter_segment_members(audience.mailchimp_id, segment_id)]
            refused = []
            for batch in segment_batches(plan.wanted, current):
                result = client.batch_segment_members(audience.mailchimp_id, segment_id, batch.body())
                refused += [email for error in result.get("errors") or [] for email in error.get("email_addresses") or []]
            segment = client.find_segment(audience.mailchimp_id, segment_id) or segment
        words = mailchimp_messages.skip_reasons(self.env)
        left_out = [(partner_id, mailchimp_messages.left_out(self.env, codes, status, words))
                    for partner_id, codes, status in plan.left_out] + self._refused_partners(partners, refused)
        self.write({
            "segment_id": segment_id,
            "last_sync": fields.Datetime.now(),
            "odoo_count": len(partners),
            "mailchimp_count": segment.get("member_count", 0),
            "skip_ids": [fields.Command.clear()] + [
                fields.Command.create({"partner_id": partner_id, "reason": reason}) for partner_id, reason in left_out],
        })

    def _segment(self, client):
        """The collection's segment in Mailchimp, made once.

        Creating a segment is not idempotent: the name it is created under is
        committed before the call, and a creation whose answer was lost (a kill,
        a rollback of the run) is found again by that name before anything is
        created; the creation is recorded in the journal of remote operations.
        """
        list_id = self.audience_id.mailchimp_id
        segment = self.segment_id and client.find_segment(list_id, self.segment_id)
        if segment:
            return segment
        Operation = self.env["mailchimp.remote.operation"]
        if self.segment_pending_name:
            segment = client.find_static_segment_named(list_id, self.segment_pending_name)
            if segment:
                self._segment_made(segment, self.env._(
                    "Segment %s: its creation's answer was lost; found in Mailchimp.", segment["name"]))
                return segment
        self.sudo().segment_pending_name = self.name
        commit_if_allowed(self.env)
        try:
            segment = client.create_static_segment(list_id, self.name)
        except ServiceError as error:
            Operation._record(SEGMENT_CHANGE, self._segment_journal_values(), FAILED,
                              mailchimp_messages.error_text(self.env, error))
            commit_if_allowed(self.env)
            raise
        self._segment_made(segment, self.env._("Segment %s created.", segment["name"]))
        return segment

    def _segment_made(self, segment, answer):
        """Record the segment and journal its creation, committed at once: what follows may be rolled back."""
        self.env["mailchimp.remote.operation"]._record(SEGMENT_CHANGE, self._segment_journal_values(), DONE, answer)
        self.sudo().write({"segment_id": str(segment["id"]), "segment_pending_name": False})
        commit_if_allowed(self.env)

    def _segment_journal_values(self):
        return {"audience_id": self.audience_id.id, "company_id": self.company_id.id, "collection_id": self.id,
                "params": {"name": self.segment_pending_name}}

    def _plan(self, partners, pushed=False):
        interest_by_tag = self.audience_id._mapped_tags()
        data = [partner._mailchimp_partner_data(interest_by_tag) for partner in partners]
        members = self.env["mailchimp.member"].search(
            [("audience_id", "=", self.audience_id.id), ("partner_id", "in", partners.ids)])
        return plan_collection(data, {m.partner_id.id: (m.email, m.status) for m in members}, pushed=pushed)

    def _push_first(self, partner_ids):
        """Push the customers who are not subscribed members yet, by the sync's own rules (a sync run)."""
        run = self.audience_id._sync_members(trigger="manual", partner_ids=partner_ids)
        if run.state == "failed":
            raise UserError(self.env._("The customers could not be pushed to Mailchimp first: %s", run.message))

    def _refused_partners(self, partners, emails):
        refused = {email.lower() for email in emails}
        members = self.env["mailchimp.member"].search(
            [("audience_id", "=", self.audience_id.id), ("partner_id", "in", partners.ids)])
        return [(m.partner_id.id, self.env._("Left out: Mailchimp says the address is not on the audience"))
                for m in members if (m.email or "").lower() in refused]


    @api.model
    def _count_segment_members(self, audience, client, segment_id):
        """“Members in Mailchimp” of the collections on ``segment_id`` as the segment has them now.

        Members leave a segment outside the collection's sync (the consent check before a campaign
        removes who may not receive it): the count follows, not the number of the last sync.
        """
        collections = self.sudo().with_context(active_test=False).search(
            [("audience_id", "=", audience.id), ("segment_id", "=", str(segment_id))])
        segment = collections and client.find_segment(audience.mailchimp_id, segment_id)
        if segment:
            collections.write({"mailchimp_count": segment.get("member_count", 0)})
