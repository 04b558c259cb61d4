"""The consent (GDPR) check before a marketing campaign is sent to a collection's segment.

A member of the segment receives a marketing campaign only when it is a
customer of the collection in Odoo, Odoo holds its consent (the Mailchimp box
ticked, the address not blacklisted, no consent withdrawn) and Mailchimp has it
subscribed. Everyone else is excluded with every reason, and the Odoo layer
removes them from the segment before sending.
A system (transactional) campaign is exempt from the consent check, not from
Mailchimp's own rule: Mailchimp sends every campaign to subscribed members only,
so a member not subscribed there is excluded (and counted) for that reason alone.

Schedules: Mailchimp schedules campaigns on the quarter-hour only
(:func:`schedule_problem`), checked before the call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .const import STATUS_SUBSCRIBED

NO_CUSTOMER = "Not a customer of the collection in Odoo"
BOX_UNTICKED = "No consent in Odoo: the Mailchimp subscription box is unticked"
BLACKLISTED = "No consent in Odoo: the address is blacklisted"
WITHDRAWN = "No consent in Odoo: the consent was withdrawn"
NOT_SUBSCRIBED = "Not subscribed in Mailchimp (status: {status})"
QUARTER_HOURS = (0, 15, 30, 45)


@dataclass(frozen=True)
class Recipient:
    """A member of the segment with what Odoo knows of its customer (``partner_id`` None: no customer)."""

    email: str
    mailchimp_status: str | None
    partner_id: int | None = None
    opted_in: bool = False
    blacklisted: bool = False
    consent_withdrawn: bool = False


@dataclass(frozen=True)
class CampaignCheck:
    total: int
    receiving: tuple  # emails
    excluded: tuple  # (Recipient, reason)
    exempt: bool = False

    @property
    def excluded_count(self):
        return len(self.excluded)


def exclusion_reasons(recipient: Recipient, *, system=False) -> list[str]:
    """Every reason ``recipient`` may not receive the campaign; [] when it may (``system``: Mailchimp's status only)."""
    reasons = [] if system else _consent_reasons(recipient)
    if recipient.mailchimp_status != STATUS_SUBSCRIBED:
        reasons.append(NOT_SUBSCRIBED.format(status=recipient.mailchimp_status or "not a member"))
    return reasons


def _consent_reasons(recipient: Recipient) -> list[str]:
    if recipient.partner_id is None:
        return [NO_CUSTOMER]
    return [reason for reason, applies in ((BOX_UNTICKED, not recipient.opted_in),
                                           (BLACKLISTED, recipient.blacklisted),
                                           (WITHDRAWN, recipient.consent_withdrawn)) if applies]


def check_recipients(recipients, *, system=False) -> CampaignCheck:
    """Who of the segment's ``recipients`` receives the campaign, and who is excluded and why."""
    recipients = list(recipients)
    receiving, excluded = [], []
    for recipient in recipients:
        reasons = exclusion_reasons(recipient, system=system)
        if reasons:
            excluded.append((recipient, "; ".join(reasons)))
        else:
            receiving.append(recipient.email)
    return CampaignCheck(len(recipients), tuple(receiving), tuple(excluded), exempt=system)


def schedule_problem(when: datetime, now: datetime) -> str | None:
    """Why Mailchimp would refuse to schedule at ``when`` (both naive UTC), or None."""
    if when <= now:
        return "The schedule time must be in the future."
    if when.minute not in QUARTER_HOURS or when.second or when.microsecond:
        return "Mailchimp schedules campaigns on the quarter-hour only (:00, :15, :30 or :45)."
    return None
