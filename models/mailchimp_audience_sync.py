"""The customers → audience sync of an audience: schema refresh, run, lock, batches.

The decisions are the core's (:func:`plan_sync`); this file reads the records
it needs, calls Mailchimp through the one client, and writes the outcome back.
"""
import logging
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

from odoo import api, fields, models, modules, tools
from odoo.exceptions import UserError

from ..mailchimp_sync.batch_result import CREATED, chunked, parse_batch_response
from ..mailchimp_sync.const import BATCH_LIMIT, STATUS_ARCHIVED, STATUS_UNSUBSCRIBED
from ..mailchimp_sync.errors import MailchimpError
from ..mailchimp_sync.member_payload import subscriber_hash
from ..mailchimp_sync.representatives import RepresentativeData
from ..mailchimp_sync.sync_plan import KIND_UNSUBSCRIBE, KnownMember, plan_sync

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
        """Scheduled job: sync the requested audiences and those with mapped groups."""
        audiences = self.search([]).filtered(lambda audience: audience.sync_requested or audience._mapped_tags())
        for audience in audiences:
            requested_by = audience.sync_requested_by if audience.sync_requested else self.env["res.users"]
            try:
                audience._sync_members(trigger="manual" if audience.sync_requested else "cron",
                                       user=requested_by)
            except UserError as error:  # refused before it started: the request stays for the next round
                _logger.warning("Mailchimp sync of %s not run: %s", audience.name, error)
                continue
            if audience.sync_requested:
                audience.write({"sync_requested": False, "sync_requested_by": False})
            self._commit_if_allowed()

    def _check_sync_possible(self):
        """Refuse, before any call, a run that cannot work or could not report."""
        for audience in self:
            if not audience.account_id.report_email:
                raise UserError(self.env._(
                    "Set the sync report email in Settings → Mailchimp first: every run sends its report there."))
            with self.env["mailchimp.backend"]._user_errors():
                audience.account_id._credentials()

    # ------------------------------------------------------------ the run

    def _sync_members(self, trigger="manual", user=None):
        """Push the audience's customers to Mailchimp; returns the run (also when it failed).

        ``user`` is who asked for the run (“Sync now”); the scheduled job runs as OdooBot.
        """
        self.ensure_one()
        if self.env.company != self.company_id:  # the tag → group mapping is per company
            return self.with_company(self.company_id)._sync_members(trigger, user)
        self._check_sync_possible()
        with self._sync_lock():
            run = self._start_run(trigger, user or self.env.user)
            try:
                with self._run_transaction():
                    self._run_sync(run)
                run.write({"state": "done", "date_end": fields.Datetime.now()})
            except MailchimpError as error:
                _logger.warning("Mailchimp sync of %s failed: %s", self.name, error)
                run.write({"state": "failed", "message": str(error), "date_end": fields.Datetime.now()})
            except Exception as error:  # noqa: BLE001 - whatever broke, the run ends saying so
                _logger.exception("Mailchimp sync of %s failed", self.name)
                run.write({"state": "failed", "date_end": fields.Datetime.now(), "message": self.env._(
                    "The run stopped on an error in Odoo (%(error)s); what was pushed before is kept, "
                    "the next run continues.", error=f"{type(error).__name__}: {error}".strip())})
            run._send_report()
            self._commit_if_allowed()
        return run

    @contextmanager
    def _run_transaction(self):
        """Undo the unfinished part of a run that raised, so the run can still be closed and reported.

        Each batch is committed (:meth:`_commit_if_allowed`): only what followed the last commit is lost.
        """
        try:
            yield
        except Exception:
            self._undo_since_commit()
            raise

    def _start_run(self, trigger, user):
        Run = self.env["mailchimp.sync.run"]
        Run.search([("audience_id", "=", self.id), ("state", "=", "running")]).write(
            {"state": "interrupted", "date_end": fields.Datetime.now()})
        run = Run.create({"audience_id": self.id, "trigger": trigger, "user_id": user.id})
        self._commit_if_allowed()
        return run

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
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_CLASS, self.id))

    def _run_sync(self, run):
        client = self._client()
        self._refresh_schema(client)
        schema = self._audience_schema()
        partners, known, orphans = self._collect_members(schema)
        plan = plan_sync(partners, known, schema, orphans, on_archive=self._on_archive_policy())
        run.write({"total_count": plan.work_count, "unchanged_count": len(plan.unchanged_member_keys)})
        run._add_skips(plan.skips)
        run._add_conflicts(plan.conflicts)
        Member = self.env["mailchimp.member"]
        Member.browse(plan.unchanged_member_keys).filtered("need_sync").write({"need_sync": False})
        self._apply_email_changes(client, run, plan.email_changes)
        self._apply_archives(client, run, plan.archives)
        for batch in chunked(plan.pushes, self._batch_size()):
            self._push_batch(client, run, batch)
        self.write(self._values_from_list(client.get_list(self.mailchimp_id), fields.Datetime.now()))

    def _batch_size(self):
        return int(self.env.context.get("mailchimp_batch_size") or BATCH_LIMIT)

    def _on_archive_policy(self):
        return self.account_id.on_archive

    def _collect_members(self, schema):
        """Candidates (mapped group, ticked box or known member), their members, and orphan members.

        Ticked customers without a mapped group are candidates too, so that the
        run reports them as skipped ("no mapped group") instead of ignoring them.
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        interest_by_tag = self._mapped_tags()
        members = self.env["mailchimp.member"].search([("audience_id", "=", self.id)])
        partners = Partner.search([
            "|", ("category_id", "in", list(interest_by_tag)), ("mailchimp_subscribe", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
        ])
        partners |= members.partner_id.with_context(active_test=False).filtered(
            lambda partner: not partner.company_id or partner.company_id == self.company_id)
        partners.invalidate_recordset(["is_blacklisted"])  # the blacklist may have changed in this transaction
        representatives = self._representatives_by_company(partners, schema)
        partner_data = [
            partner._mailchimp_partner_data(interest_by_tag, representatives.get(partner.id, ()))
            for partner in partners
        ]
        known, orphans = {}, []
        for member in members:
            entry = KnownMember(member.id, member.partner_id.id or None, member.email, member.payload_hash or None,
                                member.error_hash or None, member.status or None)
            if member.partner_id in partners:
                known[member.partner_id.id] = entry
            else:
                orphans.append(entry)
        return partner_data, known, orphans

    def _representatives_by_company(self, partners, schema):
        field_names = sorted({field.field_name for field in schema.representative_fields if field.merge_tag})
        companies = partners.filtered("is_company")
        if not field_names or not companies:
            return {}
        contacts = self.env["res.partner"].search_read(
            [("parent_id", "in", companies.ids), ("type", "=", "contact")],
            ["parent_id", "name", *field_names], order="parent_id, id")
        by_company = {}
        for contact in contacts:
            values = {name: contact[name] or "" for name in field_names}
            by_company.setdefault(contact["parent_id"][0], []).append(
                RepresentativeData(name=contact["name"] or "", values=values))
        return by_company

    # ------------------------------------------------------------ applying the plan

    def _apply_email_changes(self, client, run, changes):
        """Rename members whose customer's address changed; if Mailchimp refuses, unsubscribe the old one."""
        Member = self.env["mailchimp.member"]
        for change in changes:
            try:
                client.update_member(self.mailchimp_id, change.old_email, {"email_address": change.new_email})
            except MailchimpError as error:
                run._add_lines([{"kind": "failure", "partner_id": change.partner_id, "email": change.old_email,
                                 "message": self.env._("Could not change the address to %(new)s: %(error)s",
                                                       new=change.new_email, error=str(error))}])
                self._unsubscribe_old_address(client, run, change)
            Member.browse(change.member_key).write(
                {"email": change.new_email, "mailchimp_id": subscriber_hash(change.new_email)})
        run._add_counts(done_count=len(changes))

    def _unsubscribe_old_address(self, client, run, change):
        """The new address gets its own member: the old one must not stay subscribed."""
        try:
            client.update_member(self.mailchimp_id, change.old_email, {"status": STATUS_UNSUBSCRIBED})
        except MailchimpError as error:
            run._add_lines([{"kind": "failure", "partner_id": change.partner_id, "email": change.old_email,
                             "message": str(error)}])

    def _apply_archives(self, client, run, archives):
        Member = self.env["mailchimp.member"]
        for archive in archives:
            member = Member.browse(archive.member_key)
            try:
                client.archive_member(self.mailchimp_id, archive.email)
            except MailchimpError as error:
                if error.status != 404:
                    member.write({"last_error": str(error), "need_sync": False})
                    run._add_lines([{"kind": "failure", "partner_id": archive.partner_id, "email": archive.email,
                                     "message": str(error)}])
                    run._add_counts(failed_count=1, done_count=1)
                    continue
            member.write({"status": STATUS_ARCHIVED, "last_sync": fields.Datetime.now(), "last_error": False,
                          "need_sync": False})
            run._add_counts(archived_count=1, done_count=1)
        self._commit_if_allowed()

    def _push_batch(self, client, run, batch):
        batch = self._ensure_members(batch)
        try:
            response = client.batch_subscribe(self.mailchimp_id, [push.payload for push in batch])
        except MailchimpError as error:
            self._record_failed_batch(run, batch, error)
            return
        result = parse_batch_response(response)
        now = fields.Datetime.now()
        rows, lines = [], []
        counts = dict(created_count=0, updated_count=0, unsubscribed_count=0, failed_count=0)
        for push in batch:
            outcome = result.outcome_for(push.email)
            if outcome is None or outcome.failed:
                message = outcome.message if outcome else self.env._("Mailchimp did not report on this member.")
                rows.append(_member_row(push, error=message, synced_at=now))
                lines.append(_run_line("failure", push, message))
                counts["failed_count"] += 1
                continue
            rows.append(_member_row(push, status=outcome.status, synced_at=now,
                                    last_changed=_parse_mailchimp_datetime(outcome.last_changed)))
            counts[_count_field(push, outcome)] += 1
            lines += [_run_line("warning", push, warning.message) for warning in push.warnings]
        self.env["mailchimp.member"]._write_push_results(rows)
        run._add_lines(lines)
        run._add_counts(done_count=len(batch), **counts)
        self._commit_if_allowed()

    def _record_failed_batch(self, run, batch, error):
        """A batch Mailchimp did not take even after the retries: the run goes on with the next one.

        Its members keep their last accepted state and stay marked for the next run.
        """
        _logger.warning("Mailchimp sync of %s: a batch of %s failed: %s", self.name, len(batch), error)
        message = self.env._("Not sent, the next run tries again: %s", error)
        self.env["mailchimp.member"].browse([push.member_key for push in batch]).write(
            {"last_error": message, "need_sync": True})
        run._add_lines([_run_line("failure", push, message) for push in batch])
        run._add_counts(done_count=len(batch), failed_count=len(batch))
        self._commit_if_allowed()

    def _ensure_members(self, batch):
        """Create the members of first-time customers, in one insert, before their push."""
        new = [push for push in batch if push.member_key is None]
        if not new:
            return batch
        created = self.env["mailchimp.member"].create([
            {"partner_id": push.partner_id, "audience_id": self.id} for push in new])
        member_by_partner = {member.partner_id.id: member.id for member in created}
        return [
            replace(push, member_key=member_by_partner[push.partner_id]) if push.member_key is None else push
            for push in batch
        ]

    @api.model
    def _commits_allowed(self):
        return not tools.config["test_enable"] and not modules.module.current_test

    @api.model
    def _commit_if_allowed(self):
        """Commit a finished batch so that a crash loses nothing.

        Tests may not commit: there a savepoint stands for the commit, so that an
        error undoes what followed it and nothing before, as in production.
        """
        if self._commits_allowed():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        else:
            self.env.cr.flush()
            self.env.cr.execute("SAVEPOINT mailchimp_sync_commit")

    @api.model
    def _undo_since_commit(self):
        cr = self.env.cr
        if self._commits_allowed():
            cr.rollback()
        else:
            cr.clear()
            cr.execute("ROLLBACK TO SAVEPOINT mailchimp_sync_commit")


def _run_line(kind, push, message):
    return {"kind": kind, "partner_id": push.partner_id, "email": push.email, "message": message}


def _count_field(push, outcome):
    """The run counter an accepted push adds to."""
    if push.kind == KIND_UNSUBSCRIBE:
        return "unsubscribed_count"
    return "created_count" if outcome.outcome == CREATED else "updated_count"


def _member_row(push, status=None, error=None, synced_at=None, last_changed=None):
    return {
        "id": push.member_key,
        "email": push.email,
        "mailchimp_id": subscriber_hash(push.email),
        "status": status or (STATUS_UNSUBSCRIBED if push.kind == KIND_UNSUBSCRIBE and not error else None),
        "payload_hash": None if error else push.payload_hash,
        "error_hash": push.payload_hash if error else None,
        "last_error": error,
        "last_sync": synced_at,
        "last_changed": last_changed,
    }


def _parse_mailchimp_datetime(value):
    """Mailchimp's ``2015-10-21T15:41:36+00:00`` as a naive UTC datetime (None if absent or odd)."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed
