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
"""

from __future__ import annotations

from collections.abc import Iterable

from .datatypes import Conflict, PartnerData  # Conflict also re-exported for callers
from .eligibility import email_key  # the identity of an address; also imported from here by callers


def preference(partner: PartnerData) -> tuple[bool, int]:
    """Sort key: the smallest value is the partner that keeps the address."""
    return (not partner.is_company, partner.partner_id)


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
