"""One Mailchimp member per email: choose which eligible partner owns a shared address.

Mailchimp identifies members by the lower-cased address, so two Odoo partners with
the same email would overwrite each other's merge fields and interests on every
sync. Among eligible partners sharing an address (one :func:`.eligibility.email_key`):

1. a company is kept over individual contacts: a shared address is usually the
   company's generic one (``office@acme.pl``) copied onto its contacts, and the
   company record carries the representative columns;
2. among equals, the lowest ``partner_id`` (the oldest record) is kept.

The rule only depends on stable data, so the same partner is kept on every run and
the member does not flip between two profiles. Holding every duplicate back was
rejected: it would silently stop mail to a customer who did opt in. The others are
held back (reason code ``duplicate_email`` in ``const.REASONS``) and each shared
address is reported as a :class:`~.datatypes.Conflict` so a user can clean the data.

Note for the caller: do not send an ``unsubscribed`` item for a non-eligible
partner whose address is kept by another partner of the same run.

:func:`explain_shared_address` tells, for everyone sharing one address (eligible
or not), who keeps the member and which step of the rule decided it (``KEPT_*``
codes, worded by the Odoo layer): the customer form's "same email as …" and the
duplicates report both read it, so they say what the sync does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .datatypes import Conflict, PartnerData  # Conflict also re-exported for callers
from .eligibility import check_eligibility, email_key  # email_key: also imported from here by callers

# Why a partner keeps a shared address: which element of :func:`preference` told it from the runner-up.
KEPT_AS_COMPANY = "company"  # a company over individual contacts
KEPT_AS_OLDEST = "oldest"  # the oldest record among equals
KEPT_ONLY_ELIGIBLE = "only_eligible"  # nobody else sharing the address can be synced
_DECIDED_BY = (KEPT_AS_COMPANY, KEPT_AS_OLDEST)  # index in the preference key -> reason


def preference(partner: PartnerData) -> tuple[bool, int]:
    """Sort key: the smallest value is the partner that keeps the address."""
    return (not partner.is_company, partner.partner_id)


@dataclass(frozen=True)
class SharedAddress:
    """Everyone sharing one address: who keeps the member and why, who is held back, who cannot be synced.

    ``kept_partner_id`` and ``reason`` are None when nobody sharing it can be synced;
    ``not_eligible`` maps a partner id to its eligibility reason codes (``const.REASONS``).
    """

    email: str
    kept_partner_id: int | None
    reason: str | None
    held_back_partner_ids: tuple[int, ...] = ()
    not_eligible: dict[int, tuple[str, ...]] = field(default_factory=dict)


def explain_shared_address(email: str, partners: Iterable[PartnerData]) -> SharedAddress:
    """Apply the rule of :func:`pick_owner` to ``partners`` sharing ``email`` and say which step decided it."""
    eligible, not_eligible = [], {}
    for partner in partners:
        eligibility = check_eligibility(partner)
        if eligibility.eligible:
            eligible.append(partner)
        else:
            not_eligible[partner.partner_id] = eligibility.reasons
    if not eligible:
        return SharedAddress(email, None, None, (), not_eligible)
    conflict = pick_owner(email, eligible)
    ranked = sorted(eligible, key=preference)
    if len(ranked) == 1:
        reason = KEPT_ONLY_ELIGIBLE
    else:
        kept_key, runner_up_key = preference(ranked[0]), preference(ranked[1])
        reason = next(_DECIDED_BY[index] for index, (kept, other) in enumerate(zip(kept_key, runner_up_key))
                      if kept != other)
    return SharedAddress(email, conflict.kept_partner_id, reason, conflict.held_back_partner_ids, not_eligible)


def resolve_duplicates(partners: Iterable[PartnerData]) -> tuple[list[PartnerData], list[Conflict]]:
    """Keep one partner per address; return kept partners (input order) and conflicts.

    Partners without an address are not anyone's duplicate and are kept as given.
    """
    partners = list(partners)
    conflicts = [
        pick_owner(email, group) for email, group in sorted(group_by_email(partners).items()) if len(group) > 1
    ]
    held_back = {partner_id for conflict in conflicts for partner_id in conflict.held_back_partner_ids}
    return [partner for partner in partners if partner.partner_id not in held_back], conflicts


def group_by_email(partners: Iterable[PartnerData]) -> dict[str, list[PartnerData]]:
    groups: dict[str, list[PartnerData]] = {}
    for partner in partners:
        key = email_key(partner.email)
        if key is not None:
            groups.setdefault(key, []).append(partner)
    return groups


def pick_owner(email: str, group: Iterable[PartnerData]) -> Conflict:
    """Apply the documented preference to partners sharing ``email``."""
    kept, *others = sorted(group, key=preference)
    return Conflict(
        email=email,
        kept_partner_id=kept.partner_id,
        held_back_partner_ids=tuple(sorted(other.partner_id for other in others)),
    )
