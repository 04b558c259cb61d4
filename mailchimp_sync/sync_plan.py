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
* nobody who left in Mailchimp (unsubscribed, cleaned, archived there) is made
  subscribed again by us; what Odoo itself unsubscribed is re-subscribed when
  the customer is eligible again (see :func:`_plan_subscriber`), once
  Mailchimp's answer about the member shows that nobody acted there since
  (:func:`decide_resubscription`);
* a customer that left (box unticked, group unmapped) is unsubscribed; one
  archived in Odoo, or deleted (its member has no customer any more), is
  archived in Mailchimp, or unsubscribed when ``on_archive="unsubscribe"``;
  only members Mailchimp accepted before are touched, and never an address
  that another eligible customer keeps;
* several eligible customers sharing an address: one is kept
  (:mod:`.duplicates`), the others are skipped and reported as conflicts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from .const import (
    ARCHIVED,
    DUPLICATE_EMAIL,
    LEFT_IN_MAILCHIMP,
    OUT_OF_AUDIENCE_STATUSES,
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_DELETED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
    STATUS_UNSUBSCRIBED,
)
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
from .inbound import RemoteChange
from .member_payload import build_member, payload_hash, unsubscribe_payload
from .times import parse_mailchimp_time, parse_mailchimp_time_naive

ON_ARCHIVE_ARCHIVE = "archive"
ON_ARCHIVE_UNSUBSCRIBE = "unsubscribe"

KIND_SUBSCRIBE = "subscribe"  # a new member: status_if_new
KIND_UPDATE = "update"  # a known member's profile: no status at all
KIND_RESUBSCRIBE = "resubscribe"  # undo Odoo's own unsubscribe or archive: status subscribed
KIND_CONFIRM = "confirm"  # Mailchimp refused the re-subscription: status pending (opt-in email)
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
    # a subscribing customer's email key is its item's address lower-cased (that address is its sync_email)
    kept_emails.update(built[partner.partner_id].payload["email_address"].lower() for partner in partners
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


def schema_fingerprint(schema: AudienceSchema) -> str:
    """A hash of everything in the audience's schema and mappings that member items are built from.

    A run whose schema hashes differently from the last complete run's checks every customer
    (a merge field, a representative or field mapping, a GDPR field or a managed group changed
    every item); otherwise it checks only the customers marked dirty.
    """
    canonical = {
        "interests": sorted(schema.managed_interest_ids),
        "merge_fields": sorted([tag, list(entry)] for tag, entry in schema.merge_fields.items()),
        "representatives": sorted([rep.field_name, rep.merge_tag or "", rep.sequence]
                                  for rep in schema.representative_fields),
        "field_merges": sorted([merge.field_name, merge.merge_tag, merge.merge_type] for merge in schema.field_merges),
        "permissions": sorted(schema.marketing_permissions.items()),
    }
    return payload_hash(canonical)


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
    """Push an eligible customer, without ever making subscribed whom the contact or Mailchimp made leave.

    * never accepted by Mailchimp: a new member (``status_if_new``: Mailchimp
      leaves an address it knows as it is);
    * unsubscribed, cleaned or archived in Mailchimp, not by Odoo: nothing is
      sent (no rename, no update, no status);
    * unsubscribed or archived by Odoo (box unticked, customer archived…): Odoo
      undoes it with ``status: subscribed`` (the engine falls back to
      ``pending`` if Mailchimp answers with its compliance rule);
    * otherwise an update without any status, so that a member that is gone
      from Mailchimp under this address is reported, not created again; an
      address changed in Odoo is renamed first (only a subscribed member can be).
    """
    payload = built.payload
    digest = payload_hash(payload)
    if member is None or not member.was_pushed:
        if member is not None and digest == member.error_hash:
            plan.unchanged_member_keys.append(member.member_key)
            return
        plan.pushes.append(_push(KIND_SUBSCRIBE, payload, digest, partner.partner_id, member, built.warnings))
        return
    if member.status in OUT_OF_AUDIENCE_STATUSES and not member.left_by_odoo or member.status == STATUS_CLEANED:
        plan.skips.append(Skip(partner.partner_id, member.member_key, LEFT_IN_MAILCHIMP))
        return
    address = payload["email_address"]
    renamed = member.email != address and email_key(member.email) != email_key(address)
    if member.left_by_odoo:
        kind = KIND_SUBSCRIBE if renamed else KIND_RESUBSCRIBE
        plan.pushes.append(_push(kind, payload, digest, partner.partner_id, member, built.warnings))
        return
    if renamed and member.status == STATUS_SUBSCRIBED:
        plan.email_changes.append(EmailChange(member.member_key, partner.partner_id, member.email, address))
    elif not renamed and digest in (member.payload_hash, member.error_hash):
        plan.unchanged_member_keys.append(member.member_key)
        return
    plan.pushes.append(_push(KIND_UPDATE, payload, digest, partner.partner_id, member, built.warnings))


def _plan_leaver(plan: SyncPlan, partner_id: int | None, member: KnownMember | None, reasons: tuple[str, ...],
                 kept_emails: set, on_archive: str) -> None:
    """Unsubscribe (or archive) what Odoo subscribed; whoever left in Mailchimp is left alone.

    A cleaned member is final: never unsubscribed or archived by us.
    """
    in_audience = bool(member and member.was_pushed and member.status not in (STATUS_ARCHIVED, STATUS_DELETED))
    if not in_audience or email_key(member.email) in kept_emails or member.status == STATUS_CLEANED:
        if partner_id is not None:
            plan.skips.append(Skip(partner_id, member.member_key if member else None, reasons[0]))
        return
    if ARCHIVED in reasons and on_archive == ON_ARCHIVE_ARCHIVE:
        plan.archives.append(Archive(member.member_key, partner_id, member.email))
        plan.removal_reasons[member.member_key] = ARCHIVED
        return
    if member.status == STATUS_UNSUBSCRIBED:
        plan.unchanged_member_keys.append(member.member_key)
        return
    plan.removal_reasons[member.member_key] = ARCHIVED if ARCHIVED in reasons else reasons[0]
    payload = unsubscribe_payload(member.email)
    plan.pushes.append(Push(KIND_UNSUBSCRIBE, payload, payload_hash(payload), partner_id, member.member_key))


def _push(kind: str, payload: dict, digest: str, partner_id: int, member: KnownMember | None,
          warnings: tuple) -> Push:
    """The item sent for ``kind``; ``payload_hash`` stays the hash of the customer's profile item."""
    item = {key: value for key, value in payload.items() if key != "status_if_new"}
    if kind == KIND_SUBSCRIBE:
        item = payload
    elif kind == KIND_RESUBSCRIBE:
        item["status"] = STATUS_SUBSCRIBED
    return Push(kind, item, digest, partner_id, member.member_key if member else None, warnings)


def confirmation_push(push: Push) -> Push:
    """The fallback of a re-subscription Mailchimp refused (compliance): ``pending`` sends an opt-in email."""
    return replace(push, kind=KIND_CONFIRM, payload={**push.payload, "status": STATUS_PENDING})


# ------------------------------------------------------------------ re-subscribing: Mailchimp's word first

RESUBSCRIBE_GO = "resubscribe"  # Odoo's own unsubscribe or archive still stands: undo it
RESUBSCRIBE_UPDATE = "update"  # subscribed or pending in Mailchimp already: an update without status
RESUBSCRIBE_LEAVE = "leave"  # the contact or a Mailchimp admin acted since: what they did stands

UNSUBSCRIBED_BY_CONTACT = "contact"
UNSUBSCRIBED_BY_ADMIN = "admin"
# ``data[reason]`` of an unsubscribe webhook: sent for the contact's and an admin's unsubscribes alike.
_WEBHOOK_UNSUBSCRIBE_REASON = "manual"


@dataclass(frozen=True)
class ResubscribeDecision:
    """What to do with a re-subscription once Mailchimp told the member's state (:func:`decide_resubscription`).

    ``change`` (with :data:`RESUBSCRIBE_LEAVE`) is the member as Mailchimp has it: Odoo applies it
    like any change learned from Mailchimp.
    """

    action: str
    change: RemoteChange | None = None


def unsubscribed_by(reason: str | None) -> str | None:
    """Who unsubscribed a member, from its ``unsubscribe_reason``; None when it does not tell.

    Mailchimp writes “N/A (Unsubscribed by an admin)” for an unsubscribe made by an admin (or
    through the API, as Odoo does); any other reason is the contact's (the one they picked on the
    unsubscribe page, or Mailchimp's “N/A (Unsubscribed by the contact)”). An unsubscribe webhook's
    ``manual`` is sent for both, so it tells nothing.
    """
    text = " ".join((reason or "").split()).lower()
    if not text or text == _WEBHOOK_UNSUBSCRIBE_REASON:
        return None
    return UNSUBSCRIBED_BY_ADMIN if "admin" in text else UNSUBSCRIBED_BY_CONTACT


def decide_resubscription(member: KnownMember, remote: Mapping | None, now: datetime) -> ResubscribeDecision:
    """Re-subscribe a member Odoo itself unsubscribed or archived only if nobody acted in Mailchimp since.

    ``remote`` is the member as Mailchimp answers now (None: not in the audience at all), read
    just before: whoever acted last wins.

    * subscribed or pending there already: an update without status;
    * still as Odoo left it (same status, not changed since Odoo's push, not unsubscribed by
      the contact): ``subscribed`` is sent (:data:`RESUBSCRIBE_GO`);
    * otherwise (archived by an admin, unsubscribed by the contact, changed since, cleaned, or
      deleted permanently: ``now`` dates that one) nothing is sent and Mailchimp's state is
      what Odoo learns.

    An archive's time is not known to Odoo (Mailchimp answers it with no member), so an archived
    member that Odoo archived counts as Odoo's whenever it is still archived.
    """
    if remote is None:
        return ResubscribeDecision(RESUBSCRIBE_LEAVE, RemoteChange(
            email=member.email or "", changed_at=now, status=STATUS_DELETED))
    status = remote.get("status") or None
    if status in WANTED_STATUSES:
        return ResubscribeDecision(RESUBSCRIBE_UPDATE)
    reason = str(remote.get("unsubscribe_reason") or "") if status == STATUS_UNSUBSCRIBED else ""
    if status == member.status and status in (STATUS_UNSUBSCRIBED, STATUS_ARCHIVED) \
            and unsubscribed_by(reason) != UNSUBSCRIBED_BY_CONTACT \
            and not (status == STATUS_UNSUBSCRIBED and _changed_since(member, remote)):
        return ResubscribeDecision(RESUBSCRIBE_GO)
    return ResubscribeDecision(RESUBSCRIBE_LEAVE, RemoteChange(
        email=member.email or str(remote.get("email_address") or ""),
        changed_at=parse_mailchimp_time(remote.get("last_changed")) or now,
        status=status, reason=reason))


def _changed_since(member: KnownMember, remote: Mapping) -> bool:
    """Whether Mailchimp changed the member after the change Odoo's last push made (unknown: no)."""
    changed = parse_mailchimp_time_naive(remote.get("last_changed"))
    return bool(member.last_changed and changed and changed > member.last_changed)


def as_update(push: Push) -> Push:
    """A re-subscription turned into a profile update: the member is subscribed (or pending) already."""
    return replace(push, kind=KIND_UPDATE,
                   payload={key: value for key, value in push.payload.items() if key != "status"})


# ------------------------------------------------------------------ a user's own choice (the panel's dialog)

# Statuses a ticked box in the subscription dialog stands for: the contact gets (or will get) campaigns.
WANTED_STATUSES = (STATUS_SUBSCRIBED, STATUS_PENDING)
REFUSED_CLEANED = "cleaned"
REFUSED_DELETED = "deleted"


def manual_subscription_status(current: str | None, subscribe: bool, double_optin: bool = False) -> str | None:
    """The status to send when a user ticks (``subscribe``) or unticks an audience by hand; None: nothing to send.

    ``current`` is the member's status in Mailchimp now (None: not a member).

    * unticking sends ``unsubscribed`` to a subscribed or pending member only;
    * ticking a member who unsubscribed sends ``pending``: Mailchimp emails the
      contact, who alone can confirm (re-subscribing someone who left is not
      ours to do; Mailchimp refuses ``subscribed`` for them anyway);
    * ticking a new (or archived) address sends ``subscribed``, or ``pending``
      when the audience asks for double opt-in;
    * a cleaned member cannot change (the address bounced; Mailchimp refuses
      any other status) and an address deleted permanently can only sign up
      again itself: :class:`ValueError` with :data:`REFUSED_CLEANED` /
      :data:`REFUSED_DELETED`, before any call.
    """
    if not subscribe:
        return STATUS_UNSUBSCRIBED if current in WANTED_STATUSES else None
    if current in WANTED_STATUSES:
        return None
    if current == STATUS_CLEANED:
        raise ValueError(REFUSED_CLEANED)
    if current == STATUS_DELETED:
        raise ValueError(REFUSED_DELETED)
    if current == STATUS_UNSUBSCRIBED or double_optin:
        return STATUS_PENDING
    return STATUS_SUBSCRIBED


def manual_subscription_fallback(status: str) -> str | None:
    """What to send after Mailchimp refused ``status`` for its compliance rule (None: nothing): ``pending``
    instead of ``subscribed`` (:class:`~.errors.MailchimpComplianceError`)."""
    return STATUS_PENDING if status == STATUS_SUBSCRIBED else None
