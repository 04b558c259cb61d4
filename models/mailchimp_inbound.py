"""Mailchimp → Odoo for an audience: webhooks, reconciliation, member import, SMS sign-ups, the panel's dialog.

Every path turns what Mailchimp says into a :class:`RemoteChange` (the core's
``inbound`` module) and applies it with :meth:`_apply_remote_changes`, one set
of rules:

* the customer is the one the change names (the dialog's), else found by the
  member binding, else by normalized email among the audience's company's
  customers (and those of no company); a subscriber Odoo does not know becomes
  a customer when the audience says so;
* a customer has one member per audience: a change of another of its
  addresses, while the member keeps one that is still the customer's, is
  noted (and recorded as consent) only;
* subscription status: the later change wins (Mailchimp's change time against
  the customer's last change of its box); the box stays ticked while one of
  the customer's members gets (or awaits) campaigns; what the contact,
  Mailchimp or a user in the dialog did is stored on the binding as not done
  by Odoo's sync, so a push never undoes it;
* names, phone and groups (→ the company's tags linked to them): the later
  change wins, compared with the customer's last write;
* cleaned: the address goes to Odoo's ``mail.blacklist`` with the reason;
* everything written here stores the customer's current item hash on its
  binding, so the next run sends nothing back (no echo).
"""
import json
import logging
from datetime import timezone
from itertools import islice
from urllib.parse import quote

from markupsafe import escape

from odoo import SUPERUSER_ID, Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..mailchimp_sync.const import (
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
    STATUS_UNSUBSCRIBED,
    WEBHOOK_CAMPAIGN,
)
from ..mailchimp_sync.eligibility import email_key
from ..mailchimp_sync.gdpr import SOURCE_DIALOG
from ..mailchimp_sync.inbound import (
    RemoteChange,
    change_from_event,
    change_from_member,
    full_name,
    phone_update,
)
from ..mailchimp_sync.member_payload import build_member, payload_hash, subscriber_hash
from ..mailchimp_sync.panel import split_addresses
from ..mailchimp_sync.remote_operations import WEBHOOK_DELETE, WEBHOOK_REGISTER
from ..mailchimp_sync.sms_signup import parse_sms_signup
from ..mailchimp_sync.sync_plan import WANTED_STATUSES
from ..mailchimp_sync.webhooks import new_secret
from . import mailchimp_messages
from .mailchimp_transaction import commit_if_allowed, commit_retrying, undo_since_commit
from .sync_engine import MemberItems

_logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("localhost", "127.", "10.", "192.168.", "172.16.", "172.17.", "172.18.", "172.19.", "172.2",
               "172.30.", "172.31.", "[::1]")
IMPORT_PAGE = 1000  # Mailchimp's largest page
# Read together when one of them is (an Odoo prefetch group), not with the audience's row every webhook delivery reads.
IMPORT = "mailchimp_audience_import"
PULL_POSTPONED_MINUTES = 5  # a pull that met its audience's sync under way runs again this much later
PULL_SLICE = 100  # members the pull applies in one transaction: short, so rarely refused for a concurrent update
NOT_CREATED = "not_created_"  # + the status: a member Odoo does not know, not subscribed, so not created
ERASED = "erased"  # a change (not a sign-up) about a customer erased from the audience: nothing bound again
REMOTE_CONTEXT = {"mailchimp_from_remote": True, "tracking_disable": True}


def _write_changed(record, values):
    """Write only the values that differ: a pull reads every member again, and a member row written for
    nothing is a row the sync run writing it at the same time gets refused (a serialization failure)."""
    changed = {name: value for name, value in values.items() if record[name] != value}
    if changed:
        record.write(changed)


def _prefetched_columns(model):
    """The fields Odoo reads together at a record's first read: found and read in one query (``search_fetch``)
    instead of a search and a read."""
    return [name for name, field in model._fields.items() if field.prefetch is True and field.is_accessible(model.env)]


class InboundBatch:
    """What applying several changes to an audience keeps between them (see ``_apply_remote_changes``)."""

    def __init__(self, bindings):
        self.bindings = bindings  # {subscriber hash: (member or None, partner or None)}, kept current
        self.created = {}  # {subscriber hash: [notes of its tags]} for customers created ahead for their first change
        self.new_partner_ids = set()  # customers created by these changes (no consent recorded before)
        self.notes = []  # [(partner, chatter note)], in order
        self.bot_notes = []  # [(record, note)] on other documents (a blacklist entry's reason), by OdooBot
        self.touched = {}  # {member: partner} whose item hash is stored at the end
        self.consents = []  # consent record rows, created together at the end


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    webhook_secret = fields.Char(default=lambda self: new_secret(), copy=False, readonly=True,
                                 groups="mailchimp_sync.group_mailchimp_manager")
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_inbound_urls",
                              groups="mailchimp_sync.group_mailchimp_manager",
                              help="Where Mailchimp sends this audience's events.")
    webhook_id = fields.Char(readonly=True, copy=False, groups="mailchimp_sync.group_mailchimp_manager")
    webhook_registered = fields.Boolean(compute="_compute_webhook_registered")
    create_partners = fields.Boolean(
        string="Create customers for new subscribers", default=True,
        help="A subscriber Odoo does not know (webhook, import, SMS) becomes a customer.")
    accept_sms_signups = fields.Boolean(string="Accept SMS sign-ups")
    sms_url = fields.Char(string="SMS URL", compute="_compute_inbound_urls",
                          groups="mailchimp_sync.group_mailchimp_manager",
                          help="Paste it into the SMS gateway's “forward to URL”; #WIADOMOSC# becomes the message.")
    signup_tag_id = fields.Many2one(
        "res.partner.category", string="Tag for new subscribers",
        help="Given to whoever subscribes in Mailchimp or by SMS without a group that decides, so that the sync "
             "keeps them subscribed. Empty: the first tag linked to a group of this audience.")
    import_state = fields.Selection(
        [("requested", "Requested"), ("running", "Importing"), ("done", "Done")], readonly=True, copy=False,
        prefetch=IMPORT)
    import_offset = fields.Integer(string="Members imported", readonly=True, copy=False, prefetch=IMPORT)
    import_total = fields.Integer(string="Members to import", readonly=True, copy=False, prefetch=IMPORT)
    import_progress = fields.Float(compute="_compute_import_progress")
    import_summary = fields.Char(readonly=True, copy=False, prefetch=IMPORT)
    import_summary_text = fields.Char(string="Import", compute="_compute_import_progress")
    last_reconcile = fields.Datetime(string="Last pull from Mailchimp", readonly=True,
                                     compute="_compute_last_reconcile", inverse="_inverse_last_reconcile",
                                     help="Members changed in Mailchimp since then are pulled next.")
    webhook_event_ids = fields.One2many("mailchimp.webhook.event", "audience_id", string="Events from Mailchimp")

    @api.depends("webhook_secret", "accept_sms_signups")
    def _compute_inbound_urls(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for audience in self:
            path = f"{audience.id}/{quote(audience.webhook_secret or '', safe='')}"
            audience.webhook_url = f"{base}/mailchimp/webhook/{path}" if audience.id else False
            audience.sms_url = (f"{base}/mailchimp/sms/{path}/#WIADOMOSC#"
                                if audience.id and audience.accept_sms_signups else False)

    @api.depends("import_offset", "import_total", "import_summary", "import_state")
    def _compute_import_progress(self):
        for audience in self:
            audience.import_progress = (100.0 * audience.import_offset / audience.import_total
                                        if audience.import_total else 0.0)
            audience.import_summary_text = (audience._summary_sentence(json.loads(audience.import_summary))
                                            if audience.import_summary else False)

    def _compute_last_reconcile(self):
        pulls = self.env["mailchimp.audience.pull"].sudo().search([("audience_id", "in", self.ids)])
        last = {pull.audience_id.id: pull.last_pull for pull in pulls}
        for audience in self:
            audience.last_reconcile = last.get(audience.id, False)

    def _inverse_last_reconcile(self):
        for audience in self:
            self.env["mailchimp.audience.pull"]._of(audience).last_pull = audience.last_reconcile

    @api.depends("webhook_id")
    def _compute_webhook_registered(self):
        for audience in self.sudo():
            audience.webhook_registered = bool(audience.webhook_id)

    # ------------------------------------------------------------ buttons

    def action_register_webhook(self):
        """Queue the webhook's registration in Mailchimp (again, under a new secret's URL); the worker makes it."""
        self._checked_backend()
        self._check_no_webhook_operation(WEBHOOK_DELETE)
        self.env["mailchimp.remote.operation"]._queue(WEBHOOK_REGISTER, self, {
            "audience_id": self.id, "company_id": self.company_id.id})
        return self.env["mailchimp.remote.operation"]._queued_notification(
            self.env._("Registering the webhook in Mailchimp is queued."))

    def action_delete_webhook(self):
        """Queue the webhook's deletion in Mailchimp; the audience says it is registered until it is done."""
        self._checked_backend()
        self._check_no_webhook_operation(WEBHOOK_REGISTER)
        webhook_id = self.sudo().webhook_id
        if not webhook_id:
            raise UserError(self.env._("This audience has no webhook registered in Mailchimp."))
        self.env["mailchimp.remote.operation"]._queue(WEBHOOK_DELETE, self, {
            "audience_id": self.id, "company_id": self.company_id.id, "params": {"webhook_id": webhook_id}})
        return self.env["mailchimp.remote.operation"]._queued_notification(
            self.env._("Deleting the webhook in Mailchimp is queued."))

    def action_rotate_webhook_secret(self):
        """A new secret; a registered webhook is registered again with the new URL (queued)."""
        backend = self._checked_backend()
        registered = bool(self.sudo().webhook_id)
        self.sudo().webhook_secret = new_secret()
        if registered:
            return self.action_register_webhook()
        return backend._notification(self.env._("New secret: the old URL no longer works."), reload=True)

    def _checked_backend(self):
        """Rights first, before any request (a remote call cannot be rolled back); returns the backend."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        return backend

    def _check_no_webhook_operation(self, kind):
        """A registration and a deletion of the same webhook are never under way together."""
        if self.env["mailchimp.remote.operation"]._open_operation(kind, self):
            raise UserError(self.env._(
                "The webhook's last change is still under way; its progress shows on this form. Try again once it "
                "has ended."))

    def _webhook_url_hint(self):
        """Why Mailchimp could not reach the URL, when Odoo's address is a local one."""
        host = (self.sudo().webhook_url or "").split("://", 1)[-1]
        if host.startswith(LOCAL_HOSTS):
            return self.env._("Odoo's address (web.base.url) is a local one that Mailchimp cannot reach from the "
                              "internet; that is the likely cause.")
        return None

    def action_import_members(self):
        """Button: link (or create) the customers of every member; the scheduled job does it, page by page."""
        backend = self._checked_backend()
        with backend._user_errors():
            self.account_id._credentials()
        self.write({"import_state": "requested", "import_offset": 0, "import_total": 0, "import_summary": False})
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_reconcile")._trigger()
        return backend._notification(self.env._("The import has started; its progress shows on the audience."),
                                     title=self.env._("Import members"), reload=True)

    @api.model
    def _cron_reconcile(self):
        """Scheduled job: requested imports (resumed where they stopped), then the members changed since the
        last pull, so that a missed webhook is caught within the hour. One audience's failure is its own.
        A sync run no worker holds any more is ended (with its report) on the way. An audience whose sync
        runs now is pulled a few minutes later: both write its members, and the run's batches would be
        refused for the pull's concurrent updates.
        """
        # every audience: one row per Mailchimp list of the companies, a handful
        self.search([])._end_dead_runs()  # pylint: disable=no-search-all
        postponed = False
        for audience in self.search([("account_id.is_connected", "=", True)]):
            audience = audience.with_company(audience.company_id)
            if audience._sync_running():
                _logger.info("Mailchimp pull of %s waits for the sync run under way", audience.name)
                postponed = True
                continue
            try:
                if audience.import_state in ("requested", "running"):
                    audience._import_members()
                audience._reconcile()
            except UserError as error:
                _logger.warning("Mailchimp pull of %s failed: %s", audience.name, error)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:  # refused again and again: the next pull does it
                undo_since_commit(self.env)
                _logger.warning("Mailchimp pull of %s stopped on concurrent updates: %s", audience.name, error)
            commit_if_allowed(self.env)
        if postponed:
            self.env.ref("mailchimp_sync.ir_cron_mailchimp_reconcile")._trigger(
                fields.Datetime.add(fields.Datetime.now(), minutes=PULL_POSTPONED_MINUTES))

    def _import_members(self):
        """Import every member, a page at a time from ``import_offset``: a crash resumes at the last page."""
        client = self._client()
        engine = self._item_engine()
        summary = dict(json.loads(self.import_summary or "{}"))
        self.import_state = "running"
        with self.env["mailchimp.backend"]._user_errors():
            while True:
                page = client.get_members_page(self.mailchimp_id, offset=self.import_offset, count=IMPORT_PAGE)
                members = page.get("members") or []
                changes = [change_from_member(member) for member in members]
                for outcome, _partner in self._apply_remote_changes(changes, source="import", engine=engine):
                    summary[outcome] = summary.get(outcome, 0) + 1
                self._gdpr_from_members(members, "import")
                self.write({"import_offset": self.import_offset + len(members),
                            "import_total": int(page.get("total_items") or 0), "import_summary": json.dumps(summary)})
                commit_if_allowed(self.env)
                if not members or self.import_offset >= self.import_total:
                    break
        self.import_state = "done"
        self.message_post(body=self.env._("Members imported from Mailchimp: %s", self._summary_sentence(summary)))

    def _reconcile(self):
        """Pull the members changed since the last pull (10 minutes of overlap), :data:`PULL_SLICE` at a time.

        Each slice is applied and committed on its own, again if another job's concurrent update
        made PostgreSQL refuse it (it is only Odoo's side of what Mailchimp said: safe to redo);
        the pull's time is kept in its own row (``mailchimp.audience.pull``), never in the
        audience's, which the sync run writes at its end in the same tick.
        """
        pull = self.env["mailchimp.audience.pull"]._of(self)
        overlap = fields.Datetime.subtract(pull.last_pull, minutes=10) if pull.last_pull else None
        started = fields.Datetime.now()
        with self.env["mailchimp.backend"]._user_errors():
            engine = self._item_engine()
            since = overlap and overlap.replace(tzinfo=timezone.utc).isoformat()
            members = self._client().iter_members_changed_since(self.mailchimp_id, since)
            while page := list(islice(members, PULL_SLICE)):
                commit_retrying(self.env, lambda page=page: self._apply_pulled_page(page, engine),
                                "pull of a page of members")
        commit_retrying(self.env, lambda: pull.write({"last_pull": started}), "pull time")

    def _apply_pulled_page(self, page, engine):
        self._apply_remote_changes([change_from_member(member) for member in page], source="Mailchimp",
                                   engine=engine)
        self._gdpr_from_members(page, "Mailchimp")

    def _summary_sentence(self, summary):
        labels = {"linked": self.env._("linked"), "created": self.env._("created"),
                  "updated": self.env._("updated"), "unchanged": self.env._("unchanged"),
                  "skipped": self.env._("skipped (no customer and creating them is off)"),
                  f"{NOT_CREATED}{STATUS_UNSUBSCRIBED}": self.env._("unsubscribed in Mailchimp (no customer created)"),
                  f"{NOT_CREATED}{STATUS_CLEANED}": self.env._("cleaned in Mailchimp (no customer created)"),
                  f"{NOT_CREATED}{STATUS_ARCHIVED}": self.env._("archived in Mailchimp (no customer created)"),
                  NOT_CREATED: self.env._("not subscribed in Mailchimp (no customer created)"),
                  ERASED: self.env._("erased from the audience (nothing kept)")}

        def label(outcome):
            return labels.get(outcome) or (labels[NOT_CREATED] if outcome.startswith(NOT_CREATED) else outcome)

        parts = [f"{count} {label(outcome)}" for outcome, count in sorted(summary.items())]
        return ", ".join(parts) or self.env._("The audience has no members.")

    # ------------------------------------------------------------ events

    def _apply_webhook_event(self, event, engine=None):
        """``(state, outcome, partner)`` for a parsed webhook event."""
        if event.type == WEBHOOK_CAMPAIGN:
            return "ignored", self._on_campaign_event(event), None
        engine = engine or self._item_engine()
        change = change_from_event(event, engine.groups_by_category)
        outcome, partner = self._apply_remote_change(change, source="webhook", engine=engine)
        return ("done" if partner else "ignored"), outcome, partner

    def _apply_webhook_changes(self, events, engine, new_addresses=()):
        """``[(state, outcome, partner)]`` for parsed member events (not campaign ones), applied together;
        ``new_addresses``: some of their addresses known to have no member and no customer
        (:meth:`_address_known_sql`)."""
        groups = engine.groups_by_category
        outcomes = self._apply_remote_changes([change_from_event(event, groups) for event in events],
                                              source="webhook", engine=engine, new_addresses=new_addresses)
        return [(("done" if partner else "ignored"), outcome, partner) for outcome, partner in outcomes]

    def _on_campaign_event(self, event):
        """A campaign was sent (or cancelled): refresh it, its report and its activity at once."""
        if not event.campaign_id:
            return self.env._("Campaign event without a campaign id: logged")
        campaign = self.env["mailchimp.campaign"]._import_one(self, event.campaign_id)
        if not campaign:
            return self.env._("Campaign %(id)s %(status)s: not in this audience in Mailchimp, nothing imported",
                              id=event.campaign_id, status=event.campaign_status)
        return self.env._("Campaign %(id)s %(status)s: statistics refreshed (%(title)s)", id=event.campaign_id,
                          status=event.campaign_status, title=campaign.title or campaign.subject)

    def _groups_by_category(self):
        return {
            category.mailchimp_id: {interest.name: interest.mailchimp_id for interest in category.interest_ids}
            for category in self.interest_category_ids
        }

    def _apply_sms_event(self, event, engine=None):
        """An SMS sign-up: subscribe the address (customer found or created), then push it at once."""
        signup = parse_sms_signup(**json.loads(event.raw))
        change = RemoteChange(email=signup.email, changed_at=fields.Datetime.now().replace(tzinfo=timezone.utc),
                              status=STATUS_SUBSCRIBED)
        received = signup.received_at or change.changed_at
        note = self.env._("text from %(phone)s received %(date)s", phone=signup.phone or self.env._("an unknown number"),
                          date=received.strftime("%Y-%m-%d %H:%M %Z").strip())
        outcome, partner = self._apply_remote_change(change, source="SMS", push=True, phone=signup.phone, note=note,
                                                     engine=engine)
        kept = partner and partner.sudo().mailchimp_member_ids.filtered(lambda member: member.audience_id == self)
        if kept and kept.status not in WANTED_STATUSES:
            return "refused", self._sms_not_subscribed(signup.email, partner, kept.status, engine), partner
        return ("done" if partner else "ignored"), outcome, partner

    def _sms_not_subscribed(self, email, partner, status, engine):
        """Mailchimp kept the address ``status`` (cleaned, or unsubscribed by the contact): Odoo follows it and
        says why nobody was subscribed."""
        now = fields.Datetime.now().replace(tzinfo=timezone.utc)
        self._apply_remote_change(RemoteChange(email=email, changed_at=now, status=status, partner_id=partner.id),
                                  source="SMS", engine=engine)
        why = {STATUS_CLEANED: self.env._("Mailchimp keeps the address cleaned (it bounced) and lets nobody "
                                          "subscribe it again; ask the person for another address"),
               STATUS_UNSUBSCRIBED: self.env._("the contact unsubscribed in Mailchimp, which lets only the "
                                               "contact subscribe again (from a Mailchimp signup form)")}
        return self.env._("not subscribed: %(why)s", why=why.get(status, status))

    # ------------------------------------------------------------ the rules

    def _apply_remote_change(self, change, source, push=False, phone=None, engine=None, note=None, author=None,
                             noted_on=None):
        """Apply one :class:`RemoteChange`; returns ``(outcome word, partner or None)``."""
        [result] = self._apply_remote_changes([change], source, push=push, phone=phone, engine=engine, note=note,
                                              author=author, noted_on=noted_on)
        return result

    def _apply_remote_changes(self, changes, source, push=False, phone=None, engine=None, note=None, author=None,
                              noted_on=None, new_addresses=()):
        """Apply :class:`RemoteChange` s in their order; ``[(outcome word, partner or None)]``, one per change.

        ``source`` says where they come from ("webhook", "Mailchimp" for the hourly pull,
        "import", "SMS", "dialog"); ``author`` is the user who made them in Odoo (the
        dialog's; none: the person or Mailchimp did), named in the note and the consent
        record; ``noted_on`` is another customer whose chatter gets the notes too (the
        form the dialog was opened on); ``new_addresses`` are addresses the caller found no member and no
        customer for in this transaction (:meth:`_address_known_sql`): they are not searched again.

        What they share is done once for all: finding the members and customers of their
        addresses, creating the customers (and members) of new subscribers, writing the
        chatter notes, and storing the hash of each customer's item as it ends up (so
        that the next run sends nothing back: no echo).
        """
        self.ensure_one()
        engine = engine or self._item_engine()
        with self.env["mailchimp.member"]._marks_deferred() as marks:  # one statement, at the end
            batch = InboundBatch(self._find_bindings([change.email for change in changes], new_addresses))
            self._bind_named_customers(changes, batch)
            self._create_new_subscribers(changes, batch, engine.interest_by_tag)
            results = [self._apply_change(change, source, engine, batch, phone, note, author) for change in changes]
            self._sms_members_changed([change for change, (outcome, _partner) in zip(changes, results)
                                       if outcome != ERASED], source)  # an erasure's echo queues no address
            self._log_notes(batch.notes, noted_on, author, bot_notes=batch.bot_notes)
            self.env["mailchimp.consent"]._record_many(batch.consents, new_partner_ids=batch.new_partner_ids)
            self._store_item_hashes(engine, batch.touched, push)
            marks.keep(self, batch.touched)  # their hash is the item as it is now: no run reads them for it
            if self._only_audience():
                marks.keep_alone(self._created_alone(batch))
        return results

    def _created_alone(self, batch):
        """The customers the batch created (no parent, an address no customer of the audience's company or of
        none had: :meth:`_find_bindings` found none) whose member it binds; kept alone when this is the only
        audience (``DeferredMarks.keep_alone``)."""
        bound = {member.partner_id.id for member in batch.touched if member.partner_id}
        return [partner_id for partner_id in batch.new_partner_ids if partner_id in bound]

    def _bind_named_customers(self, changes, batch):
        """A change that names its customer is about that one, whoever else has the address."""
        Partner = self.env["res.partner"].sudo()
        for change in changes:
            if change.partner_id:
                key = subscriber_hash(change.email)
                batch.bindings[key] = (batch.bindings[key][0], Partner.browse(change.partner_id))

    def _apply_change(self, change, source, engine, batch, phone, note, author):
        key = subscriber_hash(change.email)
        if key not in batch.bindings:  # the old address of an earlier email change of the batch
            batch.bindings.update(self._find_bindings([change.email]))
        member, partner = batch.bindings[key]
        if partner and not member and change.status not in WANTED_STATUSES and self._erased_from(partner):
            return ERASED, None
        created_notes = batch.created.pop(key, None)
        outcome = "created" if created_notes is not None else "linked" if partner and not member else "updated"
        if not partner:
            if change.status not in (STATUS_SUBSCRIBED, STATUS_PENDING):
                return f"{NOT_CREATED}{change.status or ''}", None
            if not self.create_partners:
                return "skipped", None
            partner = self._create_partner(change, phone)
            batch.new_partner_ids.add(partner.id)
            outcome = "created"
        partner = partner.with_context(**REMOTE_CONTEXT)
        if member and not member.partner_id:
            member.partner_id = partner
        member = member or self._bind(partner, change.email)
        batch.bindings[key] = (member, partner)
        mapped = engine.interest_by_tag
        notes = self._apply_status(partner, member, change, source, batch) + self._apply_profile(partner, change, mapped)
        notes += created_notes or []
        batch.consents += self._consent_rows(partner, change, source, note, author)
        if change.status in WANTED_STATUSES:
            notes += self._ensure_signup_tag(partner, mapped)
        if change.new_email and member:
            notes += self._apply_new_email(partner, member, change.new_email)
            del batch.bindings[key]
            batch.bindings[subscriber_hash(change.new_email)] = (member, partner)
        if note:
            notes.append(note)
        if phone and not partner.mobile:
            partner.mobile = phone
        if notes:
            batch.notes.append((partner, self._change_note(change, source, notes, author)))
        elif outcome == "updated":
            outcome = "unchanged"
        if member:
            batch.touched[member] = partner
        return outcome, partner

    def _erased_from(self, partner):
        """Whether ``partner`` was erased from the audience (and has not joined it again): a late echo of the
        erasure (Mailchimp's "unsubscribe, delete", a cleaned or profile event) must not bind them again."""
        return self in self.env["mailchimp.consent"]._erased_audiences(partner.id)

    @api.model
    def _inbound_keeps_no_address(self, outcome):
        """Whether an event with ``outcome`` is about an address Odoo keeps nothing of in the audience (no
        customer, not created; or erased from it): its delivery is then stored without the address."""
        return outcome == ERASED or outcome.startswith(NOT_CREATED)

    def _find_bindings(self, emails, new_addresses=()):
        """``{subscriber hash: (member or None, partner or None)}`` of the addresses, in two queries: the audience's
        member of the address and its customer, else the customer with the address (of the audience's company or of
        none; a company first, then the oldest). Ordered by id only: the models' own orders join other tables.
        ``new_addresses`` are known to have neither (:meth:`_address_known_sql`): not searched."""
        new = {subscriber_hash(email) for email in new_addresses}
        searched = [email for email in emails if subscriber_hash(email) not in new]
        if not searched:
            return {subscriber_hash(email): (None, None) for email in emails}
        Member, member_domain, Partner, partner_domain = self._binding_searches(searched)
        members = Member.search_fetch(member_domain, _prefetched_columns(Member), order="id")
        member_by_hash = {member.mailchimp_id: member for member in members}
        partners = Partner.search_fetch(partner_domain, _prefetched_columns(Partner), order="id") \
            if partner_domain else []
        partner_by_email = {}
        for partner in sorted(partners, key=lambda partner: not partner.is_company):  # companies first, by id
            partner_by_email.setdefault(partner.mailchimp_email_key, partner)
        bindings = {}
        for email in emails:
            member = member_by_hash.get(subscriber_hash(email))
            if member and member.partner_id:
                bindings[subscriber_hash(email)] = (member, member.partner_id.sudo())
            else:
                bindings[subscriber_hash(email)] = (member or None, partner_by_email.get(email_key(email)))
        return bindings

    def _binding_searches(self, emails):
        """``(members, their domain, customers, their domain or None)``: what :meth:`_find_bindings` searches for
        the addresses, the one place that says it (:meth:`_address_known_sql` asks the same)."""
        Member = self.env["mailchimp.member"].sudo()
        member_domain = [("audience_id", "=", self.id),
                         ("mailchimp_id", "in", list({subscriber_hash(email) for email in emails}))]
        keys = {email_key(email) for email in emails} - {None}
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partner_domain = [("mailchimp_email_key", "in", list(keys)),
                          ("company_id", "in", [False, self.company_id.id])] if keys else None
        return Member, member_domain, Partner, partner_domain

    def _address_known_sql(self, email):
        """SQL of whether :meth:`_find_bindings` would find a member or a customer for ``email``, for a statement
        that runs anyway (a delivery's first): a new address is then not searched. Its fields are flushed by
        ``env.execute_query``."""
        Member, member_domain, Partner, partner_domain = self._binding_searches([email])
        known = SQL("EXISTS%s", Member._search(member_domain).subselect())
        if partner_domain:
            known = SQL("(%s OR EXISTS%s)", known, Partner._search(partner_domain).subselect())
        return known

    def _create_new_subscribers(self, changes, batch, mapped):
        """The customers of addresses Odoo does not know whose first change subscribes them, created together,
        with their tags (:meth:`_new_customer_tags`) and their box ticked (what :meth:`_follow_box` would do for
        that change: it then has nothing to move); the others are left to :meth:`_apply_change`, in their turn.
        Their members are new records (``new()``) until their item hash is known: created then with all their
        values (:meth:`_create_new_members`)."""
        if not self.create_partners:
            return
        firsts = {}
        for change in changes:
            firsts.setdefault(subscriber_hash(change.email), change)
        new = [(key, change) for key, change in firsts.items()
               if batch.bindings[key] == (None, None) and change.status in (STATUS_SUBSCRIBED, STATUS_PENDING)]
        if not new:
            return
        tagged = [self._new_customer_tags(change, mapped) for _key, change in new]
        self._read_superuser_partner()
        partners = self.env["res.partner"].sudo().with_context(**REMOTE_CONTEXT).create([
            {**self._new_partner_values(change), "mailchimp_subscribe": change.status in WANTED_STATUSES,
             **({"category_id": [Command.set(tags.ids)]} if tags else {})}
            for (_key, change), (tags, _notes) in zip(new, tagged)])
        members = self.env["mailchimp.member"].sudo()._new_to_create(
            [{"audience_id": self.id, "partner_id": partner.id, "need_sync": False} for partner in partners])
        for (key, _change), partner, member, (_tags, notes) in zip(new, partners, members, tagged):
            batch.bindings[key] = (member, partner)
            batch.created[key] = notes
            batch.new_partner_ids.add(partner.id)

    def _read_superuser_partner(self):
        """Odoo computes a new customer's ``partner_share`` from the superuser's partner, which it reads with every
        column of ``res.users`` (3 % of a new subscriber's delivery); read that one column instead."""
        self.env["res.users"].sudo().browse(SUPERUSER_ID).fetch(["partner_id"])

    def _new_customer_tags(self, change, mapped):
        """``(tags, notes)`` a new subscriber's customer is created with: the tags linked to the groups it chose,
        else the sign-up tag (:meth:`_signup_tag`), and the notes that say so. Given at its creation, they are
        not read or written again for it (its write date is later than the change: Mailchimp's groups would not
        be applied to it by :meth:`_apply_profile`)."""
        tags = self.env["res.partner.category"].sudo()
        notes = []
        if change.interests is not None:
            tags = self._follow_groups(tags, change.interests, mapped)
            if tags:
                notes.append(self._groups_note(tags))
        signup = self._signup_tag(tags, mapped) if change.status in WANTED_STATUSES else None
        if signup:
            tags |= signup
            notes.append(self._tag_note(signup))
        return tags, notes

    def _change_note(self, change, source, notes, author):
        """The chatter note of a change: what Mailchimp changed, or which address a user changed from the panel."""
        if source == SOURCE_DIALOG:
            head = self.env._("Mailchimp (%(audience)s): %(email)s %(what)s by %(user)s from the Mailchimp panel",
                              audience=self.name, email=change.email, what=notes[0], user=author.name)
            return "; ".join([head, *notes[1:]])
        return self.env._("Mailchimp (%(origin)s, %(audience)s): %(what)s",
                          origin=mailchimp_messages.inbound_origin(self.env, source), audience=self.name,
                          what="; ".join(notes))

    def _log_notes(self, notes, noted_on=None, author=None, bot_notes=()):
        """One chatter note per change (oldest first; ``noted_on`` gets each one too) and ``bot_notes``
        (``[(record, note)]`` on other documents), created together: one INSERT.

        Their author is the user who acted (the dialog's), else OdooBot: the change came from Mailchimp,
        not from whoever's request happened to carry it (a webhook's is the public user). ``bot_notes`` are
        OdooBot's. Each note has the values Odoo's ``_message_log_batch`` gives its notes (an internal note,
        nobody notified), which takes the records of one model only.
        """
        bot_id, bot_email, bot_reply_to, note_subtype_id = self._odoobot_note(self.env.company.id)
        bot = (bot_id, bot_email)
        by = (author.partner_id.id, author.partner_id.email_formatted) if author else bot
        if noted_on:
            notes = [pair for partner, body in notes
                     for pair in ([(partner, body)] if partner == noted_on else [(partner, body), (noted_on, body)])]
        logged = [(record, body, bot) for record, body in bot_notes] + [(partner, body, by) for partner, body in notes]
        if not logged:
            return
        common = {"record_alias_domain_id": False, "record_company_id": False, "record_name": False,
                  "attachment_ids": False, "message_type": "notification", "is_internal": True, "subject": False,
                  "subtype_id": note_subtype_id,
                  "tracking_value_ids": False, "email_add_signature": False, "partner_ids": False,
                  "message_id": generate_tracking_message_id("message-notify")}
        reply_to = {bot_email: bot_reply_to}  # what Odoo computes, kept
        if by != bot:
            reply_to[by[1]] = self.env["mail.thread"]._notify_get_reply_to(default=by[1])[False]
        self.env["mail.thread"].sudo()._message_create([
            dict(common, author_id=author_id, email_from=email_from, reply_to=reply_to[email_from],
                 model=record._name, res_id=record.id, body=escape(body))
            for record, body, (author_id, email_from) in logged])

    @api.model
    @tools.ormcache("company_id")
    def _odoobot_note(self, company_id):
        """``(partner id, formatted email, reply-to, note subtype id)`` of OdooBot's notes in this company, kept
        by the worker in one entry (a note would read them each time; Odoo reads the company's row for the
        reply-to: its catchall address, else OdooBot's). Renewed with the kept schemas when a company's name or
        alias domain, or an alias domain, changes (mailchimp_audience_schema_cache.py)."""
        odoobot = self.env.ref("base.partner_root").sudo()
        reply_to = self.env["mail.thread"].with_company(company_id)._notify_get_reply_to(
            default=odoobot.email_formatted)[False]
        return odoobot.id, odoobot.email_formatted, reply_to, self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")

    def _store_item_hashes(self, engine, touched, push):
        """Store each customer's item hash on its member (pushing it first for an SMS sign-up); a new
        subscriber's member is created with it."""
        partner_ids = list(dict.fromkeys(partner.id for partner in touched.values()))
        # What was written and recomputed, in one UPDATE per customer; recomputed as the changes were written,
        # untracked (REMOTE_CONTEXT: no tracking values prepared for each recomputed field).
        self.env["res.partner"].with_context(**REMOTE_CONTEXT).flush_model()
        data_by_partner = dict(zip(partner_ids, engine._partner_data(partner_ids)))
        for member, partner in touched.items():
            built = build_member(data_by_partner[partner.id], engine.schema)
            item = built if built.subscribes else None
            if push and item is not None:
                self._push_now(item, member)
            _write_changed(member, {"payload_hash": payload_hash(item.payload) if item else member.payload_hash,
                                    "error_hash": False, "last_error": False, "need_sync": False})
        self._create_new_members(touched)

    def _create_new_members(self, touched):
        """Create the new subscribers' members (new records, see :meth:`_create_new_subscribers`) with their
        values, in one INSERT, and put them in ``touched`` in their place."""
        new = [member for member in touched if not member.id]
        if not new:
            return
        created = self.env["mailchimp.member"].sudo().concat(*new)._create_from_new()
        for member, real in zip(new, created):
            touched[real] = touched.pop(member)

    def _create_partner(self, change, phone=None):
        return self.env["res.partner"].sudo().with_context(**REMOTE_CONTEXT).create(
            self._new_partner_values(change, phone))

    def _new_partner_values(self, change, phone=None):
        """A new subscriber's customer. Its salesperson is given (none: Odoo would take its parent's, and it has no
        parent): with every precomputed field given, Odoo's create builds no draft record to compute one."""
        return {
            "name": full_name(change) or change.email,
            "email": change.email,
            "mobile": phone or change.phone,
            "company_id": self.company_id.id,
            "user_id": False,
        }

    def _bind(self, partner, email):
        """The customer's member in this audience (created when it has none), or None when that member is
        bound to another address that is still one of the customer's: one member per customer and audience."""
        Member = self.env["mailchimp.member"].sudo()
        member = Member.search([("audience_id", "=", self.id), ("partner_id", "=", partner.id)], limit=1)
        if not member:
            return Member.create({"audience_id": self.id, "partner_id": partner.id, "need_sync": False})
        kept = member.email and email_key(member.email) != email_key(email)
        if kept and email_key(member.email) in {email_key(address) for address in split_addresses(partner.email)}:
            return None
        return member

    def _apply_status(self, partner, member, change, source, batch):
        """The later change wins; what the contact, Mailchimp or a user in the dialog did is never the sync's to
        undo. Without a member (another address of the customer's) only the box may follow. A cleaned address
        is blacklisted, the reason noted on its entry with the batch's notes."""
        if change.status is None:
            return []
        changed_at = change.changed_at.astimezone(timezone.utc).replace(tzinfo=None)
        known = bool(member) and member.status == change.status
        if member:
            _write_changed(member, {"status": change.status, "email": change.email,
                                    "mailchimp_id": subscriber_hash(change.email), "left_by_odoo": False,
                                    "last_changed": changed_at, "skip_reason": False,
                                    "unsubscribe_reason": (change.reason if change.status == STATUS_UNSUBSCRIBED
                                                           else False)})
        box_moved = self._follow_box(partner, change.status, changed_at, member)
        if change.status == STATUS_CLEANED:
            entry = self.env["mail.blacklist"].sudo().with_context(**REMOTE_CONTEXT, mail_create_nolog=True)
            batch.bot_notes.append((entry._mailchimp_add(change.email), self.env._(
                "Cleaned in Mailchimp (%s)", change.reason or self.env._("bounced"))))
        if source != SOURCE_DIALOG and not box_moved and (known or not member):
            return []  # nothing changed: the status Odoo knew already (a pull or import reads every member)
        return [self._status_note(change, source)]

    def _follow_box(self, partner, status, changed_at, member=None):
        """The box follows a later change: ticked while one of the customer's members gets (or awaits) campaigns,
        unticked when none does any more (the other audiences' members are not the contact's to leave).
        True when the box moved. ``member``: the customer's member in this audience, when known; in the only
        audience there is, the customer has no other (one member per customer and audience)."""
        if status not in (*WANTED_STATUSES, STATUS_UNSUBSCRIBED, STATUS_CLEANED):
            return False
        if partner.mailchimp_subscribe_date and partner.mailchimp_subscribe_date > changed_at:
            return False
        wanted = status in WANTED_STATUSES or any(
            other in WANTED_STATUSES for other in self._members_of(partner, member).mapped("status"))
        if partner.mailchimp_subscribe == wanted:
            return False
        partner.write({"mailchimp_subscribe": wanted})
        return True

    def _members_of(self, partner, member):
        """The customer's members; ``member`` alone when it is the customer's in the only audience there is."""
        if member and member.partner_id == partner and self._only_audience():
            return member
        return partner.sudo().mailchimp_member_ids

    def _status_note(self, change, source):
        words = {
            STATUS_SUBSCRIBED: self.env._("subscribed"),
            STATUS_PENDING: (self.env._("asked to confirm (Mailchimp sent the confirmation email)")
                             if source == SOURCE_DIALOG else self.env._("waiting for confirmation")),
            STATUS_UNSUBSCRIBED: self.env._("unsubscribed"),
            STATUS_CLEANED: self.env._("cleaned (the address bounced); added to the blacklist"),
            STATUS_ARCHIVED: self.env._("archived"),
        }
        note = words.get(change.status, change.status)
        details = ", ".join(part for part in (
            change.reason and self.env._("reason: %s", change.reason),
            change.campaign_id and self.env._("campaign %s", change.campaign_id)) if part)
        return f"{note} ({details})" if details else note

    def _apply_profile(self, partner, change, mapped):
        """Names, phone and groups, when Mailchimp's change is later than the customer's last write."""
        changed_at = change.changed_at.astimezone(timezone.utc).replace(tzinfo=None)
        if partner.write_date and partner.write_date > changed_at:
            return []
        values, notes = {}, []
        name = full_name(change)
        if name and not partner.is_company and name != partner.name:
            values["name"] = name
            notes.append(self.env._("name %s", name))
        phone = phone_update(change.phone, partner.mobile, partner.phone, partner.country_id.code)
        if phone:
            field, number = phone
            values[field] = number
            notes.append(self.env._("phone %s", number))
        tags = self._tags_for(partner, change.interests, mapped)
        if tags is not None and tags != partner.category_id:
            values["category_id"] = [(6, 0, tags.ids)]
            notes.append(self._groups_note(tags))
        if values:
            if "name" in values:
                # Odoo's write reads the customer's users to find what depends on the name; read after the name
                # is set, they would first write the name alone, and the recomputed complete name after it.
                partner.fetch(["user_ids"])
            partner.write(values)
        return notes

    def _tags_for(self, partner, interests, mapped):
        """The customer's tags after Mailchimp's groups: linked tags follow their group, others stay; None when
        the change lists no groups (the tags are then not even read)."""
        if interests is None:
            return None
        return self._follow_groups(partner.category_id, interests, mapped)

    def _follow_groups(self, tags, interests, mapped):
        """``tags`` after Mailchimp's groups: linked tags follow their group, others stay."""
        Tag = self.env["res.partner.category"].sudo()
        for tag_id, interest_id in mapped.items():
            if interest_id in interests:
                tags = tags | Tag.browse(tag_id) if interests[interest_id] else tags - Tag.browse(tag_id)
        return tags

    def _ensure_signup_tag(self, partner, mapped):
        """A subscriber without a tag linked to this audience's groups gets the sign-up tag (see the field)."""
        tag = self._signup_tag(partner.category_id, mapped) if mapped else None
        if not tag:
            return []
        partner.write({"category_id": [(4, tag.id)]})
        return [self._tag_note(tag)]

    def _signup_tag(self, tags, mapped):
        """The sign-up tag a subscriber with ``tags`` gets (see the field), or None: it has a tag linked to this
        audience's groups, or none is linked."""
        if not mapped or set(tags.ids) & set(mapped):
            return None
        return self.signup_tag_id or self.env["res.partner.category"].sudo().browse(min(mapped))

    def _groups_note(self, tags):
        return self.env._("groups %s", ", ".join(tags.mapped("name")) or "-")

    def _tag_note(self, tag):
        return self.env._("tag %s", tag.name)

    def _apply_new_email(self, partner, member, new_email):
        partner.email = new_email
        member.write({"email": new_email, "mailchimp_id": subscriber_hash(new_email)})
        return [self.env._("email changed to %s", new_email)]

    def _push_now(self, item, member):
        """An SMS sign-up goes to Mailchimp at once (``status_if_new``, or pending for double opt-in)."""
        payload = dict(item.payload)
        if self.double_optin:
            payload["status_if_new"] = STATUS_PENDING
        with self.env["mailchimp.backend"]._user_errors():
            answer = self._client().upsert_member(self.mailchimp_id, payload["email_address"], payload)
        member.write({"status": answer.get("status"), "email": payload["email_address"],
                      "mailchimp_id": subscriber_hash(payload["email_address"])})

    def _item_engine(self):
        """What building customers' member items needs (the schema and tag links, read once): a :class:`MemberItems`."""
        return MemberItems(self, cached=True)

    @staticmethod
    def _current_item(engine, partner):
        """The customer's member item as it is now; its hash on the binding means no run pushes it back (no echo)."""
        return engine.current_item(partner)
