"""What a sync run must do, decided without Odoo: push, unsubscribe, archive, skip.

The Odoo layer hands over every candidate customer as a
:class:`~.datatypes.PartnerData` and what it remembers of the audience's
members as :class:`~.datatypes.KnownMember`; :func:`plan_sync` returns the
work as a :class:`~.datatypes.SyncPlan`:

* an eligible customer gets its member item pushed, unless the item hashes the
  same as the last accepted one (``unchanged``) or as the last rejected one
  (held until the customer changes);
* a customer whose address changed in Odoo keeps its Mailchimp member: the
  old address is renamed to the new one (``email_changes``) before the push;
* a customer that left (box unticked, group unmapped) is unsubscribed; one
  archived in Odoo, or deleted (its member has no customer any more), is
  archived in Mailchimp, or unsubscribed when ``on_archive="unsubscribe"``;
  only members Mailchimp accepted before are touched, and never an address
  that another eligible customer keeps;
* several eligible customers sharing an address: one is kept
  (:mod:`.duplicates`), the others are skipped and reported as conflicts.
"""
from __future__ import annotations

from .const import ARCHIVED, DUPLICATE_EMAIL, STATUS_ARCHIVED
from .datatypes import (  # noqa: F401 - re-exported for callers
    Archive,
    AudienceSchema,
    BuiltMember,
    Conflict,
    DuplicateDecision,
    EmailChange,
    KnownMember,
    PartnerData,
    PayloadWarning,
    Push,
    Skip,
    SyncPlan,
)
from .duplicates import email_key, resolve_duplicates
from .member_payload import build_member, payload_hash, unsubscribe_payload

ON_ARCHIVE_ARCHIVE = "archive"
ON_ARCHIVE_UNSUBSCRIBE = "unsubscribe"

KIND_SUBSCRIBE = "subscribe"
KIND_UNSUBSCRIBE = "unsubscribe"


def plan_sync(partners: list[PartnerData], known: dict[int, KnownMember], schema: AudienceSchema,
              orphans: list[KnownMember] = (), on_archive: str = ON_ARCHIVE_ARCHIVE,
              duplicates: DuplicateDecision | None = None) -> SyncPlan:
    """Decide the work for ``partners`` (and ``orphans``); ``known`` maps partner ids to their members.

    Without ``duplicates`` the shared addresses are resolved among ``partners``
    (a whole run at once); a run planned chunk by chunk passes the decision it
    made once over all customers sharing an address (:func:`decide_duplicates`).
    """
    plan = SyncPlan()
    built = {partner.partner_id: build_member(partner, schema) for partner in partners}
    if duplicates is None:
        duplicates = decide_duplicates([partner for partner in partners if built[partner.partner_id].subscribes])
        plan.conflicts = list(duplicates.conflicts)
    kept_emails = set(duplicates.kept_emails)
    kept_emails.update(email_key(partner.email) for partner in partners
                       if built[partner.partner_id].subscribes and partner.partner_id not in duplicates.held_back)
    for partner in partners:
        member = known.get(partner.partner_id)
        eligible = built[partner.partner_id].subscribes
        if eligible and partner.partner_id not in duplicates.held_back:
            _plan_subscriber(plan, partner, built[partner.partner_id], member)
        else:
            reasons = built[partner.partner_id].eligibility.reasons or (DUPLICATE_EMAIL,)
            _plan_leaver(plan, partner.partner_id, member, reasons, kept_emails, on_archive)
    for member in orphans:
        _plan_leaver(plan, None, member, (ARCHIVED,), kept_emails, on_archive)
    return plan


def decide_duplicates(eligible: list[PartnerData]) -> DuplicateDecision:
    """Resolve the shared addresses among eligible customers (:mod:`.duplicates` picks who keeps one)."""
    kept, conflicts = resolve_duplicates(eligible)
    held_back = frozenset(partner_id for conflict in conflicts for partner_id in conflict.held_back_partner_ids)
    return DuplicateDecision(tuple(conflicts), held_back,
                             frozenset(key for key in (email_key(partner.email) for partner in kept) if key))


def is_eligible(partner: PartnerData, schema: AudienceSchema) -> bool:
    """Whether the customer would be subscribed (the rules of :mod:`.eligibility`, through the payload)."""
    return build_member(partner, schema).subscribes


def _plan_subscriber(plan: SyncPlan, partner: PartnerData, built: BuiltMember, member: KnownMember | None) -> None:
    payload = built.payload
    digest = payload_hash(payload)
    member_key = member.member_key if member else None
    renamed = bool(member and member.was_pushed and member.status != STATUS_ARCHIVED
                   and email_key(member.email) != email_key(payload["email_address"]))
    if renamed:
        plan.email_changes.append(EmailChange(member.member_key, partner.partner_id, member.email,
                                              payload["email_address"]))
    elif member and (digest == member.error_hash
                     or (digest == member.payload_hash and member.status != STATUS_ARCHIVED)):
        # An archived member is out of the audience although it keeps its last hash: push it again.
        plan.unchanged_member_keys.append(member.member_key)
        return
    plan.pushes.append(Push(KIND_SUBSCRIBE, payload, digest, partner.partner_id, member_key, built.warnings))


def _plan_leaver(plan: SyncPlan, partner_id: int | None, member: KnownMember | None, reasons: tuple[str, ...],
                 kept_emails: set, on_archive: str) -> None:
    pushed = bool(member and member.was_pushed and member.status != STATUS_ARCHIVED)
    if not pushed or email_key(member.email) in kept_emails:
        if partner_id is not None:
            plan.skips.append(Skip(partner_id, member.member_key if member else None, reasons[0]))
        return
    if ARCHIVED in reasons and on_archive == ON_ARCHIVE_ARCHIVE:
        plan.archives.append(Archive(member.member_key, partner_id, member.email))
        return
    payload = unsubscribe_payload(member.email)
    digest = payload_hash(payload)
    if digest in (member.payload_hash, member.error_hash):
        plan.unchanged_member_keys.append(member.member_key)
        return
    plan.pushes.append(Push(KIND_UNSUBSCRIBE, payload, digest, partner_id, member.member_key))
