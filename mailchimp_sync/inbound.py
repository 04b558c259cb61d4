"""Mailchimp → Odoo: what a webhook event, a member read from the API or an answer says changed, in one shape.

Webhooks (:mod:`.webhooks`), the reconciliation pull, the member import, SMS
sign-ups and the answer to the panel dialog's status write all end as a
:class:`RemoteChange`, which the Odoo layer applies with one set of rules
(``mailchimp.audience._apply_remote_changes`` in ``models/mailchimp_inbound.py``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from .const import (
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_SUBSCRIBED,
    STATUS_UNSUBSCRIBED,
    WEBHOOK_CLEANED,
    WEBHOOK_PROFILE,
    WEBHOOK_SUBSCRIBE,
    WEBHOOK_UNSUBSCRIBE,
    WEBHOOK_UPEMAIL,
)
from .member_payload import to_e164
from .times import parse_mailchimp_time
from .webhook_types import WebhookEvent
from .webhooks import resolve_group_names

ACTION_DELETE = "delete"


@dataclass(frozen=True, kw_only=True)
class RemoteChange:
    """One member as Mailchimp has it now (or the part a webhook tells).

    ``email`` finds the member in Odoo (the old address of an ``upemail``);
    ``status`` is None when the change does not touch it (profile, upemail);
    ``interests`` maps an interest id to ticked or not, for the categories the
    source covers only (None: interests not told); ``changed_at`` is UTC.
    ``partner_id`` is the customer the change is about when its source knows
    it (the panel's dialog acts on one); None: found by the binding or the address.
    """

    email: str
    changed_at: datetime
    status: str | None = None
    new_email: str = ""
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    interests: Mapping[str, bool] | None = None
    reason: str = ""
    campaign_id: str = ""
    partner_id: int | None = None


def change_from_member(member: Mapping) -> RemoteChange:
    """A member of ``GET /lists/{id}/members`` (reconciliation, import)."""
    merges = member.get("merge_fields") or {}
    interests = member.get("interests")
    return RemoteChange(
        email=str(member.get("email_address") or ""),
        changed_at=parse_mailchimp_time(member.get("last_changed")) or datetime.now(timezone.utc),
        status=member.get("status") or None,
        first_name=_text_or_none(merges.get("FNAME")),
        last_name=_text_or_none(merges.get("LNAME")),
        phone=_text_or_none(merges.get("PHONE")),
        interests={str(key): bool(value) for key, value in interests.items()} if isinstance(interests, Mapping)
        else None,
        reason=str(member.get("unsubscribe_reason") or ""),
    )


def change_from_answer(member: Mapping, email: str, partner_id: int | None = None) -> RemoteChange:
    """Mailchimp's answer to a status write of the panel's dialog for ``email``: the status it has now.

    Only the status is told: names, phone and groups went the other way (from
    the customer's item), so nothing of them comes back.
    """
    return RemoteChange(
        email=str(member.get("email_address") or email),
        changed_at=parse_mailchimp_time(member.get("last_changed")) or datetime.now(timezone.utc),
        status=member.get("status") or None,
        partner_id=partner_id,
    )


def change_from_event(event: WebhookEvent, groups_by_category: Mapping[str, Mapping[str, str]]) -> RemoteChange | None:
    """A webhook event; None for events that change no member (campaign).

    ``groups_by_category`` maps an interest category id to ``{group name: interest id}``
    (the audience's groups as Odoo knows them): webhooks name groups, the API uses ids.
    """
    status = {
        WEBHOOK_SUBSCRIBE: STATUS_SUBSCRIBED,
        WEBHOOK_UNSUBSCRIBE: STATUS_ARCHIVED if event.action == ACTION_DELETE else STATUS_UNSUBSCRIBED,
        WEBHOOK_CLEANED: STATUS_CLEANED,
    }.get(event.type)
    if status is None and event.type not in (WEBHOOK_PROFILE, WEBHOOK_UPEMAIL):
        return None
    merges = event.merges
    return RemoteChange(
        email=event.match_email,
        new_email=event.new_email if event.type == WEBHOOK_UPEMAIL else "",
        changed_at=event.fired_at,
        status=status,
        first_name=_text_or_none(merges.get("FNAME")),
        last_name=_text_or_none(merges.get("LNAME")),
        phone=_text_or_none(merges.get("PHONE")),
        interests=_interests_of(event, groups_by_category),
        reason=event.reason,
        campaign_id=event.campaign_id,
    )


def _interests_of(event: WebhookEvent, groups_by_category: Mapping[str, Mapping[str, str]]):
    """Ticked or not for every known group of the categories the event lists (None if it lists none)."""
    if not event.groupings:
        return None
    states = {}
    for grouping in event.groupings:
        known = groups_by_category.get(grouping.id) or {}
        chosen, _unknown = resolve_group_names(grouping.groups_text, known)
        states.update({interest_id: name in chosen for name, interest_id in known.items()})
    return states


def full_name(change: RemoteChange) -> str | None:
    """"First Last" from the merges, None when Mailchimp has no name."""
    name = " ".join(part for part in (change.first_name, change.last_name) if part)
    return name or None


def phone_update(remote_phone: str | None, mobile: str | None, phone: str | None,
                 country_code: str | None) -> tuple[str, str] | None:
    """``(field, value)`` that Mailchimp's PHONE changes on the customer, or None when it changes nothing.

    PHONE is what :func:`.member_payload.pick_phone` sent (the mobile, else the
    landline, in E.164), so the numbers are compared normalized: Odoo's own
    number coming back reformatted ("(623)-853-7197" as "+16238537197") is no
    change. A new number goes back to the field PHONE is built from: the mobile
    when it is a valid number, else the landline (also when the customer has none).
    """
    if not remote_phone:
        return None
    numbers = {"mobile": (mobile or "").strip(), "phone": (phone or "").strip()}
    if _same_number(remote_phone, numbers.values(), country_code):
        return None
    built_from = next((field for field, number in numbers.items() if number and to_e164(number, country_code)),
                      None) or next((field for field, number in numbers.items() if number), "phone")
    return built_from, remote_phone


def _same_number(remote_phone: str, numbers, country_code: str | None) -> bool:
    remote = to_e164(remote_phone.strip(), country_code) or remote_phone.strip()
    return any(number and (to_e164(number, country_code) or number) == remote for number in numbers)


def _text_or_none(value) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None
