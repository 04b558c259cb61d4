"""Dirty marks: which customers of which audience may have a changed member item.

A sync run reads only the customers marked for its audience (and the members
waiting for a retry, ``need_sync``), not every candidate: a run costs what
changed, not what exists. Every path that can change a member item marks the
customers it touches (see ``res_partner.py``, ``res_partner_category.py``,
``mail_blacklist.py``, ``mailchimp_consent.py``, the partner merge wizard); a
change of the audience's schema or mappings makes the next run a full one
(``mailchimp.audience.sync_schema_hash``).

Marks are plain rows, never updated: a change inserts a row, a run deletes the
rows it read (by id) once the customer's work is done. A change made while the
run works inserts a new row, which the run did not read and does not delete, so
the next run sees it. Inserts are set-based (one statement per write, whatever
its size) and never wait on a run.

Modules that change customers in SQL mark them with
``env["mailchimp.member"]._mark_dirty(partner_ids)``; the weekly full audit
(``mailchimp.audience._cron_audit``) finds what a mark missed.
"""
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL

DEFERRED_MARKS = "mailchimp_sync.deferred_marks"  # key of the DeferredMarks in the transaction's precommit data


class MailchimpSyncMark(models.Model):
    _name = "mailchimp.sync.mark"
    _description = "Mailchimp dirty mark (customer to check in the next run)"
    _log_access = False

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)

    def init(self):
        self.env.cr.execute("""CREATE INDEX IF NOT EXISTS mailchimp_sync_mark_audience_partner_idx
                                   ON mailchimp_sync_mark (audience_id, partner_id)""")


class DeferredMarks:
    """The marks asked for while :meth:`mailchimp.member._marks_deferred` runs, inserted together at its end
    but for the customers whose item hash in an audience the caller stores itself (:meth:`keep`)."""

    def __init__(self):
        self.asked = []  # (partner ids, email keys, need_sync, parents, audience ids or None, sharers, emails)
        self.kept = {}  # {(audience id, partner id): member id} whose item hash the caller stores
        self.alone = set()  # customers whose every mark is kept (see keep_alone)

    def add(self, *asked):
        self.asked.append(asked)

    def keep(self, audience, members):
        """The caller stores the item hash of these members' customers in ``audience``: nothing to mark there."""
        self.kept.update({(audience.id, member.partner_id.id): member.id for member in members if member.partner_id})

    def keep_alone(self, partner_ids):
        """Kept customers that nothing else could be marked for: the caller created them, without a parent, for
        an address no other customer of the audience's company (or of none) has, in the only audience there is,
        whose item hash it stores (:meth:`keep`): no other audience, parent, sharer of their address or member
        of theirs is there to mark."""
        self.alone.update(partner_ids)

    def covered(self, partner_ids, email_keys, need_sync, parents, audience_ids, sharers, emails):
        """Whether marks asked with these arguments are all of kept customers (e.g. a consent's, or any of
        customers kept alone)."""
        if partner_ids and not (email_keys or emails) and self.alone.issuperset(partner_ids):
            return True
        return not (parents or sharers or email_keys or need_sync or emails) and audience_ids is not None and all(
            (audience_id, partner_id) in self.kept for audience_id in audience_ids for partner_id in partner_ids)

    def statement_arguments(self):
        """``_insert_marks``'s arguments for what is not covered (one statement), None when it is all covered."""
        partner_ids, email_keys, need_sync_ids, parents_of = set(), set(), set(), set()
        emails, need_sync_emails = set(), set()
        for asked in self.asked:
            if self.covered(*asked):
                continue
            # gathered: every audience, sharers
            ids, keys, need_sync, parents, _audience_ids, _sharers, addresses = asked
            partner_ids.update(ids)
            email_keys.update(key for key in keys if key)
            need_sync_ids.update(ids if need_sync else ())
            parents_of.update(ids if parents else ())
            emails.update(addresses)
            need_sync_emails.update(addresses if need_sync else ())
        if not (partner_ids or emails):
            return None
        return {"partner_ids": partner_ids, "email_keys": email_keys, "need_sync_ids": need_sync_ids,
                "parents_of": parents_of, "kept": self.kept, "emails": emails, "need_sync_emails": need_sync_emails}


class MailchimpMember(models.Model):
    _inherit = "mailchimp.member"

    @api.model
    def _mark_dirty(self, partner_ids, email_keys=(), need_sync=True, flush=True, parents=False,
                    audience_ids=None, sharers=True, emails=()):
        """Mark customers for the next run of every audience (the documented way for SQL writes).

        Also marked: the customers sharing their address (who keeps a shared address may change) and
        those sharing one of ``email_keys`` (their addresses before the change); with ``parents`` their
        parent companies too. ``need_sync`` also shows their members as waiting on the partner form.
        ``audience_ids`` limits the marks to these audiences and ``sharers=False`` to the customers
        themselves (a change that changes nothing else, e.g. a consent). ``emails``: the customers whose
        normalized address is one of these are marked too, found by the statement itself (``mail.blacklist``:
        ``is_blacklisted`` reads ``email_normalized``). One statement, whatever the number of customers; none
        while :meth:`_marks_deferred` runs (its end inserts them).
        """
        partner_ids = [partner_id for partner_id in partner_ids if isinstance(partner_id, int)]
        emails = [email for email in emails if email]
        if not (partner_ids or emails):
            return
        deferred = self.env.cr.precommit.data.get(DEFERRED_MARKS)
        if deferred is not None:
            deferred.add(partner_ids, email_keys, need_sync, parents, audience_ids, sharers, emails)
            return
        self._insert_marks(partner_ids, email_keys, partner_ids if need_sync else (), partner_ids if parents else (),
                           audience_ids=audience_ids, sharers=sharers, flush=flush, emails=emails,
                           need_sync_emails=emails if need_sync else ())

    @api.model
    @contextmanager
    def _marks_deferred(self):
        """Within it, marks are gathered (:class:`DeferredMarks`, given to the block) and inserted in one
        statement at its end, but for the customers the block ``keep`` s; nothing if the block raises.
        Nested, the outer one inserts them."""
        data = self.env.cr.precommit.data
        if data.get(DEFERRED_MARKS) is not None:
            yield data[DEFERRED_MARKS]
            return
        deferred = data[DEFERRED_MARKS] = DeferredMarks()
        try:
            yield deferred
        finally:
            data.pop(DEFERRED_MARKS, None)
        if arguments := deferred.statement_arguments():
            self._insert_marks(**arguments)

    @api.model
    def _insert_marks(self, partner_ids, email_keys=(), need_sync_ids=(), parents_of=(), audience_ids=None,
                      sharers=True, kept=None, flush=True, emails=(), need_sync_emails=()):
        kept = kept or {}
        if flush:
            self.env["res.partner"].flush_model(["mailchimp_email_key", "parent_id",
                                                 *(["email_normalized"] if emails else [])])
        if need_sync_ids or need_sync_emails:
            self.flush_model(["need_sync"])
        # by address only when asked: res_partner.email_normalized has no index (a scan of the table)
        by_address = SQL("OR email_normalized = ANY(%s)", list(emails)) if emails else SQL()
        waiting_by_address = SQL("OR partner_id IN (SELECT id FROM res_partner WHERE email_normalized = ANY(%s))",
                                 list(need_sync_emails)) if need_sync_emails else SQL()
        self.env.cr.execute(SQL(
            """WITH own AS (SELECT id, mailchimp_email_key FROM res_partner
                             WHERE id = ANY(%(ids)s)
                                OR id IN (SELECT parent_id FROM res_partner WHERE id = ANY(%(parents_of)s))
                                %(by_address)s),
                    marked AS (
                        SELECT id FROM own
                         UNION
                        SELECT other.id FROM res_partner other
                         WHERE %(sharers)s AND other.mailchimp_email_key IN (
                                   SELECT mailchimp_email_key FROM own WHERE mailchimp_email_key IS NOT NULL
                                    UNION SELECT unnest(%(keys)s::varchar[]))),
                    waiting AS (
                        UPDATE mailchimp_member SET need_sync = TRUE
                         WHERE (partner_id = ANY(%(need_sync_ids)s) %(waiting_by_address)s) AND need_sync IS NOT TRUE
                           AND id != ALL(%(kept_members)s))
               INSERT INTO mailchimp_sync_mark (audience_id, partner_id)
               SELECT audience.id, marked.id FROM mailchimp_audience audience, marked
                WHERE (%(all_audiences)s OR audience.id = ANY(%(audience_ids)s))
                  AND NOT EXISTS (SELECT FROM unnest(%(kept_audiences)s::int[], %(kept_partners)s::int[])
                                              AS kept(audience_id, partner_id)
                                   WHERE kept.audience_id = audience.id AND kept.partner_id = marked.id)""",
            ids=list(partner_ids), parents_of=list(parents_of), sharers=sharers,
            keys=[key for key in email_keys if key], need_sync_ids=list(need_sync_ids),
            kept_members=list(kept.values()), all_audiences=audience_ids is None,
            audience_ids=list(audience_ids or ()), kept_audiences=[audience for audience, _partner in kept],
            kept_partners=[partner for _audience, partner in kept], by_address=by_address,
            waiting_by_address=waiting_by_address,
        ))
        if need_sync_ids or need_sync_emails:
            self.invalidate_model(["need_sync"])
            self.env["res.partner"].invalidate_model(["mailchimp_sync_state"])
