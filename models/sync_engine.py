"""The customers → audience sync engine: one run of one audience.

The audience (``mailchimp.audience``) stays the record and its schema; the
run's lifecycle (lock, state, report) is in ``mailchimp_audience_sync.py``;
this module does the work of a run:

* candidates (a mapped tag, a ticked box, or a member already) are selected
  in SQL and read in chunks of :data:`CHUNK_SIZE`, so that memory is bounded by
  the chunk and the batches in flight, not by the number of customers;
* only the candidates marked dirty for the audience (``mailchimp_sync_mark.py``)
  and the members waiting for a retry (``need_sync``) are read, unless the
  audience's schema or mappings changed since the last complete run
  (:func:`schema_fingerprint`), the run is limited to some customers, or it is
  the full audit (context ``mailchimp_audit``), which reads every candidate and
  counts the stale members the marks had missed; a customer's marks read by the
  run are deleted once its work is done (its push recorded), never before;
* who keeps an address several customers share is decided once, in SQL and
  the core, before the chunks (:func:`decide_duplicates`);
* each chunk is planned by the core (:func:`plan_sync`); renames and archives
  are applied at once, member items are pushed with batch subscribe, up to the
  account's ``max_in_flight`` calls at a time in worker threads, while all
  database work stays in the run's thread;
* a re-subscription is sent only after Mailchimp's answer about the member
  showed that nobody acted there since Odoo's own unsubscribe or archive
  (:func:`decide_resubscription`); otherwise Odoo learns what Mailchimp has;
* unsubscribes and archives wait until every chunk is planned: the
  mass-change guard (``mailchimp_mass_change_guard.py``) lets them go, or
  holds them all back for a manager's word;
* every finished chunk and batch is committed: a crash loses only what
  followed the last commit, and the next run continues from there.
"""
import gc
import logging
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

from odoo import fields
from odoo.tools import SQL

from ..mailchimp_sync.batch_result import CREATED, OUTCOME_FIELDS, parse_batch_response
from ..mailchimp_sync.const import (
    BATCH_LIMIT,
    LEFT_IN_MAILCHIMP,
    STATUS_ARCHIVED,
    STATUS_SUBSCRIBED,
    STATUS_UNSUBSCRIBED,
)
from ..mailchimp_sync.errors import MailchimpError
from ..mailchimp_sync.member_payload import build_member, subscriber_hash
from ..mailchimp_sync.representatives import RepresentativeData
from ..mailchimp_sync.sync_plan import (
    KIND_RESUBSCRIBE,
    KIND_SUBSCRIBE,
    KIND_UNSUBSCRIBE,
    RESUBSCRIBE_GO,
    RESUBSCRIBE_UPDATE,
    KnownMember,
    Push,
    Skip,
    as_update,
    confirmation_push,
    decide_duplicates,
    decide_resubscription,
    is_eligible,
    plan_sync,
    schema_fingerprint,
)
from ..mailchimp_sync.times import parse_mailchimp_time_naive
from . import mailchimp_messages
from .mailchimp_transaction import commit_if_allowed

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000


class MemberItems:
    """What building customers' member items for one audience needs, read once: the audience's schema
    and tag → group links, and the customers' data as the core sees them.

    The sync run builds every item with it; the inbound changes and the panel build a customer's
    current item with it (its hash stored on the binding means no run pushes it back).
    """

    def __init__(self, audience, cached=False):
        self.audience = audience
        self.env = audience.env
        if cached:  # kept between requests (mailchimp_audience_schema_cache.py); the sync run reads it fresh
            self.interest_by_tag, self.schema, self._groups = audience._cached_schema()
            return
        self.interest_by_tag = audience._mapped_tags()
        self.schema = audience._audience_schema(self.interest_by_tag)
        self._groups = None

    @property
    def groups_by_category(self):
        """The audience's groups by category (``_groups_by_category``): what a webhook's groups are read with."""
        if self._groups is None:
            self._groups = self.audience._groups_by_category()
        return self._groups

    def partner_data(self, partner_ids):
        """The core's :class:`PartnerData` of the customers, in their order, with all the audience maps."""
        extra = defaultdict(dict)  # partner id -> what the audience's maps add to its data
        for partner_id, representatives in self._representatives_by_company(partner_ids).items():
            extra[partner_id]["representatives"] = representatives
        if self.schema.field_merges:
            for partner_id, values in self.audience.field_merge_ids._plain_values(partner_ids).items():
                extra[partner_id]["field_values"] = values
        if self.schema.marketing_permissions:
            for partner_id, purposes in self.env["mailchimp.consent"]._consented_purposes(
                    self.audience, partner_ids).items():
                extra[partner_id]["consented_purposes"] = purposes
        # in SQL, one query: the ORM's per-record cost would be most of a run's (every candidate is read)
        return self.env["res.partner"]._mailchimp_partners_data(partner_ids, self.interest_by_tag, extra)

    _partner_data = partner_data  # the name the inbound apply path reads it by

    def current_item(self, partner):
        """The customer's member item as it is now, or None when the customer is not subscribed."""
        [data] = self.partner_data(partner.ids)
        built = build_member(data, self.schema)
        return built if built.subscribes else None

    def _representatives_by_company(self, partner_ids):
        """``{company id: [RepresentativeData]}`` of the companies among ``partner_ids`` that have contacts."""
        field_names = sorted({field.field_name for field in self.schema.representative_fields if field.merge_tag})
        if not field_names or not partner_ids:
            return {}
        contacts = self.env["res.partner"].search_read(
            [("parent_id", "in", list(partner_ids)), ("parent_id.is_company", "=", True), ("type", "=", "contact")],
            ["parent_id", "name", *field_names], order="parent_id, id")
        by_company = {}
        for contact in contacts:
            values = {name: contact[name] or "" for name in field_names}
            by_company.setdefault(contact["parent_id"][0], []).append(
                RepresentativeData(name=contact["name"] or "", values=values))
        return by_company


class AudienceSync:
    """One run of one audience; :meth:`execute` does it all and raises what it cannot handle.

    ``partner_ids`` limits the run to these customers (a collection's, pushed first): their
    members are created or updated by the rules of every run, and no other member is touched
    (no orphan is archived). None: the whole audience.
    """

    def __init__(self, audience, run, client, partner_ids=None):
        self.audience = audience
        self.env = audience.env
        self.run = run
        self.client = client
        self.partner_ids = None if partner_ids is None else list(partner_ids)
        account = audience.account_id
        self.on_archive = account.on_archive
        self.max_in_flight = max(1, min(account.max_in_flight or 1, 10))
        self.batch_size = int(self.env.context.get("mailchimp_batch_size") or BATCH_LIMIT)
        self.chunk_size = int(self.env.context.get("mailchimp_chunk_size") or CHUNK_SIZE)
        self.items = None
        self.duplicates = None
        self.waiting = []  # pushes not yet in a batch
        self.removals = []  # (unsubscribe push or archive, reason code): made once the guard lets them go
        self.subscribed_before = 0
        self.in_flight = {}  # future -> batch of pushes
        self.peak_in_flight = 0
        self.audit = bool(self.env.context.get("mailchimp_audit")) and self.partner_ids is None
        self.full = True  # every candidate is read (decided in execute)
        self.fingerprint = None
        self.marks = {}  # partner id -> ids of its dirty marks read, deleted once its work is done
        self.missed_count = 0  # audit: stale members that had no mark

    # ------------------------------------------------------------ the run

    def execute(self):
        with _heap_frozen():
            self._execute()

    def _execute(self):
        warnings = self.audience._refresh_schema(self.client) or []
        self.run._add_lines([{"kind": "warning", "message": warning} for warning in warnings])
        self.items = MemberItems(self.audience)
        self.fingerprint = schema_fingerprint(self.items.schema)
        self.full = self.audit or self.partner_ids is not None or self.fingerprint != self.audience.sync_schema_hash
        self.subscribed_before = self.env["mailchimp.member"].search_count(
            [("audience_id", "=", self.audience.id), ("status", "=", STATUS_SUBSCRIBED)])
        self.run.write({"total_count": self._count(self._candidate_ids_sql()) + self._count(self._orphan_ids_sql())})
        self.duplicates = self._decide_duplicates()
        self.run._add_conflicts(self.duplicates.conflicts)
        self._commit()
        with ThreadPoolExecutor(max_workers=self.max_in_flight, thread_name_prefix="mailchimp-batch") as pool:
            for partner_ids in self._chunks(self._candidate_ids_sql()):
                self._sync_partners(pool, partner_ids)
            for member_ids in self._chunks(self._orphan_ids_sql()):
                self._sync_orphans(pool, member_ids)
            self._apply_removals()
            while self.waiting or self.in_flight:  # a refused re-subscription comes back as a confirmation
                self._send_waiting(pool, everything=True)
                self._collect(wait_for_one=True)
        now = fields.Datetime.now()
        self.run.write({"max_in_flight": self.peak_in_flight, "missed_count": self.missed_count})
        values = self.audience._values_from_list(self.client.get_list(self.audience.mailchimp_id), now)
        if self.partner_ids is None:
            self._forget_other_marks()
            values["sync_schema_hash"] = self.fingerprint
        if self.audit:
            values.update(last_audit_date=now, last_audit_missed_count=self.missed_count)
        self.audience.write(values)

    def _commit(self):
        commit_if_allowed(self.audience.env)

    # ------------------------------------------------------------ what to read, in SQL

    def _candidate_ids_sql(self):
        """The candidates this run reads: all of them (:meth:`_all_candidate_ids_sql`) in a full run, otherwise
        those marked dirty for the audience and those whose member waits for a retry."""
        candidates = self._all_candidate_ids_sql()
        if self.full:
            return candidates
        return SQL(
            """SELECT id FROM (%s) AS candidates
                WHERE id IN (SELECT partner_id FROM mailchimp_sync_mark WHERE audience_id = %s
                             UNION ALL
                             SELECT partner_id FROM mailchimp_member WHERE audience_id = %s AND need_sync)""",
            candidates, self.audience.id, self.audience.id)

    def _all_candidate_ids_sql(self):
        """Customers of the audience's company or of none, with a mapped tag, a ticked box or a member
        (only ``partner_ids`` among them, when the run is limited)."""
        candidates = self._audience_candidate_ids_sql()
        if self.partner_ids is None:
            return candidates
        return SQL("SELECT id FROM (%s) AS candidates WHERE id = ANY(%s)", candidates, self.partner_ids)

    def _audience_candidate_ids_sql(self):
        relation = self.env["res.partner"]._fields["category_id"]
        return SQL(
            """SELECT p.id FROM res_partner p
                WHERE (p.company_id IS NULL OR p.company_id = %s)
                  AND (p.mailchimp_subscribe
                       OR EXISTS (SELECT 1 FROM %s tag WHERE tag.%s = p.id AND tag.%s = ANY(%s))
                       OR EXISTS (SELECT 1 FROM mailchimp_member m WHERE m.partner_id = p.id AND m.audience_id = %s))""",
            self.audience.company_id.id, SQL.identifier(relation.relation), SQL.identifier(relation.column1),
            SQL.identifier(relation.column2), list(self.items.interest_by_tag), self.audience.id,
        )

    def _orphan_ids_sql(self):
        """Members whose customer was deleted or now belongs to another company (none in a limited run)."""
        if self.partner_ids is not None:
            return SQL("SELECT id FROM mailchimp_member WHERE FALSE")
        return SQL(
            """SELECT m.id FROM mailchimp_member m LEFT JOIN res_partner p ON p.id = m.partner_id
                WHERE m.audience_id = %s AND (m.partner_id IS NULL OR p.company_id != %s)""",
            self.audience.id, self.audience.company_id.id,
        )

    def _count(self, ids_sql):
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) AS ids", ids_sql))
        return self.env.cr.fetchone()[0]

    def _chunks(self, ids_sql):
        """The ids of ``ids_sql`` in ascending chunks (keyset paging: nothing is held but one chunk)."""
        last = 0
        while True:
            self.env.cr.execute(SQL("SELECT id FROM (%s) AS ids WHERE id > %s ORDER BY id LIMIT %s",
                                    ids_sql, last, self.chunk_size))
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return
            yield ids
            last = ids[-1]

    def _decide_duplicates(self):
        """Who keeps each address that several candidates share (or that another customer's member has).

        Addresses are compared by their identity (``res.partner.mailchimp_email_key``, the core's
        ``email_key``; a member's ``mailchimp_id`` is its hash). Only those customers are read here;
        the core decides with its one rule.
        """
        self.env["res.partner"].flush_model(["mailchimp_email_key"])
        self.env["mailchimp.member"].flush_model(["mailchimp_id", "audience_id", "partner_id"])
        self.env.cr.execute(SQL(
            """SELECT p.id FROM res_partner p
                WHERE p.id IN (%s) AND p.mailchimp_email_key IN (
                    SELECT c.mailchimp_email_key FROM res_partner c WHERE c.id IN (%s)
                     GROUP BY c.mailchimp_email_key HAVING count(*) > 1)
               UNION
               SELECT p.id FROM res_partner p
                 JOIN mailchimp_member m ON m.mailchimp_id = md5(p.mailchimp_email_key) AND m.audience_id = %s
                                        AND m.partner_id IS DISTINCT FROM p.id
                WHERE p.id IN (%s)""",
            self._all_candidate_ids_sql(), self._all_candidate_ids_sql(), self.audience.id,
            self._all_candidate_ids_sql(),
        ))
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        eligible = []
        for start in range(0, len(partner_ids), self.chunk_size):
            eligible += [data for data in self.items.partner_data(partner_ids[start:start + self.chunk_size])
                         if is_eligible(data, self.items.schema)]
            self.env.invalidate_all()
        return decide_duplicates(eligible)

    def _known_members(self, column, ids):
        """What Odoo remembers of the audience's members whose ``column`` (``partner_id`` or ``id``) is in
        ``ids``, read in one query (no ORM records: a run reads every member)."""
        self.env["mailchimp.member"].flush_model()
        self.env.cr.execute(SQL(
            """SELECT id, partner_id, email, payload_hash, error_hash, status, left_by_odoo, last_changed
                 FROM mailchimp_member WHERE audience_id = %s AND %s = ANY(%s) ORDER BY id""",
            self.audience.id, SQL.identifier(column), list(ids)))
        return [KnownMember(member_id, partner_id, email, payload_hash or None, error_hash or None, status or None,
                            bool(left_by_odoo), last_changed)
                for member_id, partner_id, email, payload_hash, error_hash, status, left_by_odoo, last_changed
                in self.env.cr.fetchall()]

    # ------------------------------------------------------------ one chunk

    def _sync_partners(self, pool, partner_ids):
        marks = self._read_marks(partner_ids)  # in the transaction that reads the customers: what they show
        data = self.items.partner_data(partner_ids)
        known = {member.partner_id: member for member in self._known_members("partner_id", partner_ids)}
        plan = plan_sync(data, known, self.items.schema, on_archive=self.on_archive, duplicates=self.duplicates)
        busy = {push.partner_id for push in plan.pushes} | {archive.partner_id for archive in plan.archives} \
            | {change.partner_id for change in plan.email_changes}
        if self.audit:
            self.missed_count += self._count_missed(busy - set(marks))
        self.marks.update((partner_id, marks.pop(partner_id)) for partner_id in busy if partner_id in marks)
        self._delete_marks([mark_id for mark_ids in marks.values() for mark_id in mark_ids])
        self._apply(pool, plan, len(partner_ids))

    # ------------------------------------------------------------ dirty marks

    def _read_marks(self, partner_ids):
        """``{partner id: [mark ids]}`` of the audience's dirty marks of these customers."""
        self.env.cr.execute(SQL(
            """SELECT partner_id, array_agg(id) FROM mailchimp_sync_mark
                WHERE audience_id = %s AND partner_id = ANY(%s) GROUP BY partner_id""",
            self.audience.id, partner_ids))
        return dict(self.env.cr.fetchall())

    def _delete_marks(self, mark_ids):
        if mark_ids:
            self.env.cr.execute(SQL("DELETE FROM mailchimp_sync_mark WHERE id = ANY(%s)", mark_ids))

    def _forget_marks(self, partner_ids):
        """The work of these customers is done (or waits in ``need_sync``): delete the marks the run read."""
        self._delete_marks([mark_id for partner_id in partner_ids for mark_id in self.marks.pop(partner_id, ())])

    def _forget_other_marks(self):
        """Delete the marks of customers that are no candidates (nothing to do for them, in this very
        snapshot; a later change marks them again). Marks of work not done (a rename Mailchimp refused,
        removals the guard held back) stay for the next run."""
        self.env.cr.execute(SQL(
            """DELETE FROM mailchimp_sync_mark WHERE audience_id = %s AND partner_id NOT IN (%s)""",
            self.audience.id, self._all_candidate_ids_sql()))

    def _count_missed(self, partner_ids):
        """The audit's count: customers with work to do that had no mark and whose member waited for nothing."""
        if not partner_ids:
            return 0
        self.env.cr.execute(SQL(
            """SELECT count(*) FROM unnest(%s::int[]) AS stale(id)
                WHERE NOT EXISTS (SELECT 1 FROM mailchimp_member m
                                   WHERE m.partner_id = stale.id AND m.audience_id = %s AND m.need_sync)""",
            sorted(partner_ids), self.audience.id))
        return self.env.cr.fetchone()[0]

    def _sync_orphans(self, pool, member_ids):
        orphans = self._known_members("id", member_ids)
        plan = plan_sync([], {}, self.items.schema, orphans, on_archive=self.on_archive, duplicates=self.duplicates)
        self._apply(pool, plan, len(member_ids))

    def _apply(self, pool, plan, checked):
        run = self.run
        run._add_skips(plan.skips)
        run._add_counts(unchanged_count=len(plan.unchanged_member_keys))
        self._clear_need_sync(plan.unchanged_member_keys)
        self._store_skips(plan.skips)
        not_renamed = self._apply_email_changes(plan.email_changes)
        self.removals += [(archive, plan.removal_reasons[archive.member_key]) for archive in plan.archives]
        self.removals += [(push, plan.removal_reasons[push.member_key])
                          for push in plan.pushes if push.kind == KIND_UNSUBSCRIBE]
        pushes = [push for push in plan.pushes if push.member_key not in not_renamed and push.kind != KIND_UNSUBSCRIBE]
        self.waiting += self._check_resubscriptions(pushes)
        self._send_waiting(pool)
        self._collect(wait_for_one=False)
        run._add_counts(done_count=checked)
        self._commit()
        self.env.invalidate_all()  # what the chunk read is not needed any more

    def _clear_need_sync(self, member_ids):
        """Unchanged members wait for nothing (one UPDATE, only of those that waited)."""
        if not member_ids:
            return
        Member = self.env["mailchimp.member"]
        Member.flush_model(["need_sync"])
        self.env.cr.execute(SQL("UPDATE mailchimp_member SET need_sync = FALSE WHERE id = ANY(%s) AND need_sync",
                                member_ids))
        Member.invalidate_model(["need_sync"])

    def _store_skips(self, skips):
        """A skipped customer's member says why, and waits for nothing (e.g. a held-back duplicate)."""
        Member = self.env["mailchimp.member"]
        by_reason = {}
        for skip in skips:
            if skip.member_key:
                by_reason.setdefault(skip.reason, []).append(skip.member_key)
        for reason, member_keys in by_reason.items():
            Member.browse(member_keys).write({"skip_reason": reason, "need_sync": False})

    # ------------------------------------------------------------ re-subscriptions: Mailchimp's word first

    def _check_resubscriptions(self, pushes):
        """``pushes`` without the re-subscriptions Mailchimp's current state says no to.

        One read per member Odoo would make subscribed again (a rare path); what the contact or a
        Mailchimp admin did since Odoo's own change is learned through the one inbound apply path
        and the customer is skipped. A member that cannot be read now is left for the next run.
        """
        resubscriptions = [push for push in pushes if push.kind == KIND_RESUBSCRIBE]
        if not resubscriptions:
            return pushes
        known = {member.member_key: member
                 for member in self._known_members("id", [push.member_key for push in resubscriptions])}
        now = datetime.now(timezone.utc)
        kept, changes, skips = [], [], []
        for push in pushes:
            if push.kind != KIND_RESUBSCRIBE:
                kept.append(push)
                continue
            try:
                remote = self.client.find_member(self.audience.mailchimp_id, push.email)
            except MailchimpError as error:
                if error.status == 401:
                    raise
                self._resubscription_unread(push, error)
                continue
            decision = decide_resubscription(known[push.member_key], remote, now)
            if decision.action == RESUBSCRIBE_GO:
                kept.append(push)
            elif decision.action == RESUBSCRIBE_UPDATE:
                kept.append(as_update(push))
            else:
                changes.append(replace(decision.change, partner_id=push.partner_id))
                skips.append(Skip(push.partner_id, push.member_key, LEFT_IN_MAILCHIMP))
        if changes:
            self.audience._apply_remote_changes(changes, source="Mailchimp", engine=self.items)
            self.run._add_skips(skips)
            self._store_skips(skips)
        kept_partners = {push.partner_id for push in kept}
        self._forget_marks([push.partner_id for push in resubscriptions if push.partner_id not in kept_partners])
        return kept

    def _resubscription_unread(self, push, error):
        message = self.env._("Not subscribed again: Mailchimp could not tell the member's state now (%s); "
                             "the next run asks again.", mailchimp_messages.error_text(self.env, error))
        self.env["mailchimp.member"].browse(push.member_key).write({"last_error": message, "need_sync": True})
        self.run._add_lines([_run_line("failure", push, message)])
        self.run._add_counts(failed_count=1)

    # ------------------------------------------------------------ unsubscribes and archives, once guarded

    def _apply_removals(self):
        """Make the run's unsubscribes and archives that the mass-change guard lets go; it holds the others."""
        removals, self.removals = self.removals, []
        allowed = self.audience._mass_change_allowed(self.run, removals, self.subscribed_before,
                                                     limited=self.partner_ids is not None)
        self._apply_archives([item for item, _reason in removals
                              if item.member_key in allowed and not isinstance(item, Push)])
        self.waiting += [item for item, _reason in removals if item.member_key in allowed and isinstance(item, Push)]

    # ------------------------------------------------------------ renames and archives

    def _apply_email_changes(self, changes):
        """Rename members whose customer's address changed; returns the member keys not renamed.

        A rename Mailchimp refuses (the member is not subscribed any more, the
        new address is taken, Mailchimp is down) creates nothing: the new
        address is not pushed, the binding learns the member's real status and
        the failure is reported. A rename found already done (a run killed
        after Mailchimp did it) is no failure.
        """
        Member = self.env["mailchimp.member"]
        not_renamed = set()
        for change in changes:
            member = Member.browse(change.member_key)
            try:
                self.client.update_member(self.audience.mailchimp_id, change.old_email,
                                          {"email_address": change.new_email})
            except MailchimpError as error:
                if not (error.status == 404 and self._remote_status(change.new_email)):
                    not_renamed.add(change.member_key)
                    self._rename_failed(member, change, error)
                    continue
            member.write({"email": change.new_email, "mailchimp_id": subscriber_hash(change.new_email)})
        return not_renamed

    def _remote_status(self, email):
        """The member's status in Mailchimp now, or None when it is not there (or cannot be asked)."""
        try:
            return self.client.get_member(self.audience.mailchimp_id, email).get("status")
        except MailchimpError:
            return None

    def _rename_failed(self, member, change, error):
        message = self.env._("Could not change the address to %(new)s, so it is not subscribed: %(error)s",
                             new=change.new_email, error=mailchimp_messages.error_text(self.env, error))
        status = self._remote_status(change.old_email)
        member.write({"last_error": message, **({"status": status} if status else {})})
        self.run._add_lines([{"kind": "failure", "partner_id": change.partner_id, "email": change.old_email,
                              "message": message}])
        self.run._add_counts(failed_count=1)

    def _apply_archives(self, archives):
        Member = self.env["mailchimp.member"]
        for archive in archives:
            member = Member.browse(archive.member_key)
            try:
                self.client.archive_member(self.audience.mailchimp_id, archive.email)
            except MailchimpError as error:
                if error.status != 404:
                    message = mailchimp_messages.error_text(self.env, error)
                    member.write({"last_error": message, "need_sync": False})
                    self.run._add_lines([{"kind": "failure", "partner_id": archive.partner_id,
                                          "email": archive.email, "message": message}])
                    self.run._add_counts(failed_count=1)
                    continue
            member.write({"status": STATUS_ARCHIVED, "last_sync": fields.Datetime.now(), "last_error": False,
                          "need_sync": False, "left_by_odoo": True})
            self.run._add_counts(archived_count=1)
        self._forget_marks([archive.partner_id for archive in archives])

    # ------------------------------------------------------------ batches in flight

    def _send_waiting(self, pool, everything=False):
        """Start batch calls for the waiting pushes, keeping at most ``max_in_flight`` calls open."""
        while len(self.waiting) >= self.batch_size or (everything and self.waiting):
            batch, self.waiting = self.waiting[:self.batch_size], self.waiting[self.batch_size:]
            while len(self.in_flight) >= self.max_in_flight:
                self._collect(wait_for_one=True)
            batch = self._ensure_members(batch)
            self._commit()
            future = pool.submit(_push_batch, self.client, self.audience.mailchimp_id,
                                 [push.payload for push in batch])
            self.in_flight[future] = batch
            self.peak_in_flight = max(self.peak_in_flight, len(self.in_flight))

    def _collect(self, wait_for_one):
        """Store the outcome of the finished batch calls (in this thread: the database is not shared)."""
        if not self.in_flight:
            return
        done, _pending = wait(list(self.in_flight), timeout=None if wait_for_one else 0,
                              return_when=FIRST_COMPLETED)
        for future in done:
            batch = self.in_flight.pop(future)
            try:
                result = future.result()
            except MailchimpError as error:
                self._record_failed_batch(batch, error)
            else:
                self._record_batch(batch, result)
            self._commit()

    def _ensure_members(self, batch):
        """Create the members of first-time customers, in one INSERT (no ORM records: an initial run creates
        every member), before their push."""
        new = [push for push in batch if push.member_key is None]
        if not new:
            return batch
        Member = self.env["mailchimp.member"]
        Member.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mailchimp_member (partner_id, audience_id, company_id, need_sync,
                                             create_uid, create_date, write_uid, write_date)
               SELECT partner_id, %s, %s, TRUE, %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[]) AS new(partner_id)
            RETURNING id, partner_id""",
            self.audience.id, self.audience.company_id.id, self.env.uid, self.env.uid,
            [push.partner_id for push in new]))
        member_by_partner = {partner_id: member_id for member_id, partner_id in self.env.cr.fetchall()}
        self.env["res.partner"].invalidate_model(["mailchimp_member_ids"])
        self.audience.invalidate_recordset(["member_ids"])
        return [
            replace(push, member_key=member_by_partner[push.partner_id]) if push.member_key is None else push
            for push in batch
        ]

    def _record_batch(self, batch, result):
        now = fields.Datetime.now()
        rows, lines = [], []
        counts = dict(created_count=0, updated_count=0, unsubscribed_count=0, failed_count=0)
        for push in batch:
            outcome = result.outcome_for(push.email)
            if outcome is not None and outcome.failed and push.kind == KIND_RESUBSCRIBE \
                    and outcome.in_compliance_state:
                self.waiting.append(confirmation_push(push))  # Mailchimp asks the contact to confirm
                continue
            if outcome is None or outcome.failed:
                message = outcome.message if outcome else self.env._("Mailchimp did not report on this member.")
                status = None
                if push.kind != KIND_SUBSCRIBE:  # a known member: learn what Mailchimp has now
                    status = self._remote_status(push.email)
                    if status is None:
                        message = self.env._(
                            "No longer in Mailchimp under this address (changed or removed there), so it was not "
                            "added again: %s", message)
                rows.append(_member_row(push, error=message, synced_at=now, status=status))
                lines.append(_run_line("failure", push, message))
                counts["failed_count"] += 1
                continue
            rows.append(_member_row(push, status=outcome.status, synced_at=now,
                                    last_changed=parse_mailchimp_time_naive(outcome.last_changed)))
            counts[_count_field(push, outcome)] += 1
            lines += [_run_line("warning", push, warning.message) for warning in push.warnings]
        self.env["mailchimp.member"]._write_push_results(rows)
        self.run._add_lines(lines)
        self.run._add_counts(**counts)
        self._forget_marks([row["partner_id"] for row in rows])

    def _record_failed_batch(self, batch, error):
        """A batch Mailchimp did not take even after the retries: the run goes on with the next one.

        Its members keep their last accepted state and stay marked for the next run. Refused
        credentials (401) stop the run instead: every further batch would be refused too.
        """
        if error.status == 401:
            raise error
        _logger.warning("Mailchimp sync of %s: a batch of %s failed: %s", self.audience.name, len(batch), error)
        message = self.env._("Not sent, the next run tries again: %s", mailchimp_messages.error_text(self.env, error))
        self.env["mailchimp.member"].browse([push.member_key for push in batch]).write(
            {"last_error": message, "need_sync": True})
        self.run._add_lines([_run_line("failure", push, message) for push in batch])
        self.run._add_counts(failed_count=len(batch))
        self._forget_marks([push.partner_id for push in batch])  # need_sync brings them back


@contextmanager
def _heap_frozen():
    """Python's cyclic garbage collector leaves what the process held before the run alone while it runs.

    A run makes tens of objects a customer that live through a chunk or a batch, so the collector's
    oldest generation is collected again and again, each time through the whole heap of the Odoo
    process (its registry and caches), nothing of which the run made: with the benchmark's heap of
    about 160 000 objects, 0.27 s of CPU for a first sync of 20 000 customers, 0.10 s with it set aside
    (a server with more modules has a larger heap). ``gc.freeze`` sets those objects aside (nothing is
    freed, copied or kept longer; the run's own garbage is collected as usual) and ``gc.unfreeze`` hands
    them back to the collector afterwards. Runs in other threads of the process only share the effect.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _push_batch(client, list_id, payloads):
    """One batch call, in a worker thread; Mailchimp's answer is narrowed to what the run reads of it
    (:data:`OUTCOME_FIELDS`) and read there too (the core's pure :func:`parse_batch_response`): only each
    member's outcome is kept."""
    return parse_batch_response(client.batch_subscribe(list_id, payloads, fields=OUTCOME_FIELDS))


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
        "partner_id": push.partner_id,
        "email": push.email,
        "mailchimp_id": subscriber_hash(push.email),
        "status": status or (STATUS_UNSUBSCRIBED if push.kind == KIND_UNSUBSCRIBE and not error else None),
        "payload_hash": None if error else push.payload_hash,
        "error_hash": push.payload_hash if error else None,
        "last_error": error,
        "last_sync": synced_at,
        "last_changed": last_changed,
        "left_by_odoo": None if error else push.kind == KIND_UNSUBSCRIBE,
    }
