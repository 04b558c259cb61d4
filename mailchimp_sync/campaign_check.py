"""The consent (GDPR) check before a marketing campaign is sent to a collection's segment.

A member of the segment receives a marketing campaign only when it is a
customer of the collection in Odoo, Odoo holds its consent (the Mailchimp box
ticked, the address not blacklisted, no consent withdrawn) and Mailchimp has it
subscribed. Everyone else is excluded with every reason (codes: the Odoo layer
words them in the user's language, :data:`NOT_SUBSCRIBED` with the member's
status), and the Odoo layer removes them from the segment before sending.
A system (transactional) campaign is exempt from the consent check, not from
Mailchimp's own rule: Mailchimp sends every campaign to subscribed members only,
so a member not subscribed there is excluded (and counted) for that reason alone.

Schedules: Mailchimp schedules campaigns on the quarter-hour only
(:func:`schedule_problem`, a code too), checked before the call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .const import STATUS_SUBSCRIBED

# Why a member is excluded.
NO_CUSTOMER = "no_customer"
BOX_UNTICKED = "box_unticked"
BLACKLISTED = "blacklisted"
WITHDRAWN = "withdrawn"
NOT_SUBSCRIBED = "not_subscribed"
EXCLUSION_REASONS = (NO_CUSTOMER, BOX_UNTICKED, BLACKLISTED, WITHDRAWN, NOT_SUBSCRIBED)
# Of those, the ones that say Odoo holds no consent.
CONSENT_REASONS = (BOX_UNTICKED, BLACKLISTED, WITHDRAWN)
# Why Mailchimp would refuse a schedule time.
SCHEDULE_IN_PAST = "schedule_in_past"
SCHEDULE_NOT_QUARTER_HOUR = "schedule_not_quarter_hour"
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
    excluded: tuple  # (Recipient, reason codes)
    exempt: bool = False

    @property
    def excluded_count(self):
        return len(self.excluded)


def exclusion_reasons(recipient: Recipient, *, system=False) -> list[str]:
    """Every reason (code) ``recipient`` may not receive the campaign; [] when it may (``system``: Mailchimp's
    status only; :data:`NOT_SUBSCRIBED` goes with ``recipient.mailchimp_status``, None: not a member)."""
    reasons = [] if system else _consent_reasons(recipient)
    if recipient.mailchimp_status != STATUS_SUBSCRIBED:
        reasons.append(NOT_SUBSCRIBED)
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
            excluded.append((recipient, tuple(reasons)))
        else:
            receiving.append(recipient.email)
    return CampaignCheck(len(recipients), tuple(receiving), tuple(excluded), exempt=system)


def schedule_problem(when: datetime, now: datetime) -> str | None:
    """Why (a code) Mailchimp would refuse to schedule at ``when`` (both naive UTC), or None."""
    if when <= now:
        return SCHEDULE_IN_PAST
    if when.minute not in QUARTER_HOURS or when.second or when.microsecond:
        return SCHEDULE_NOT_QUARTER_HOUR
    return None
