"""The single place that decides whether a customer is kept subscribed in Mailchimp.

A customer is eligible only when ALL of these hold:

1. one of its tags is mapped to a Mailchimp interest (group)   -> else ``no_mapped_group``
2. its "Mailchimp subscription" box is ticked                  -> else ``not_opted_in``
3. it has an email address ...                                 -> else ``no_email``
   ... and the address is syntactically valid                  -> else ``invalid_email``
4. it is not archived                                          -> else ``archived``

Every failing rule is reported (not just the first one), so the partner form can
tell the user everything that must change. The codes are stable: the Odoo layer
stores them in a selection field built from :data:`REASONS`.

Email normalisation (:func:`normalize_email`): surrounding blanks are stripped and
the address is checked with ``email_validator`` without any DNS lookup. The result
is email_validator's normalised form: the domain is lower-cased (and Unicode
NFC-normalised) but the local part keeps its case, because RFC 5321 lets a mail
server treat ``Jane`` and ``jane`` as different mailboxes. Mailchimp identifies a
member by the lower-cased address anyway (see ``member_payload.subscriber_hash``),
so comparisons between partners are made on ``email.lower()``. An address written
with a display name (``Jane <jane@acme.pl>``) or a list of addresses is invalid:
the user must store one plain address on the customer.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from email_validator import EmailNotValidError, validate_email

NO_MAPPED_GROUP = "no_mapped_group"
NOT_OPTED_IN = "not_opted_in"
NO_EMAIL = "no_email"
INVALID_EMAIL = "invalid_email"
ARCHIVED = "archived"
# Not produced by check_eligibility: set for partners held back by
# duplicates.resolve_duplicates, kept here so all "why not synced" codes live in one table.
DUPLICATE_EMAIL = "duplicate_email"

REASONS: dict[str, str] = {
    NO_MAPPED_GROUP: "Not synced: none of its tags is linked to a Mailchimp group",
    NOT_OPTED_IN: "Not synced: the Mailchimp subscription box is not ticked",
    NO_EMAIL: "Not synced: no email address",
    INVALID_EMAIL: "Not synced: no valid email address",
    ARCHIVED: "Not synced: the contact is archived",
    DUPLICATE_EMAIL: "Not synced: another customer with the same email is synced instead",
}


class EligibilityFacts(Protocol):
    """What the rules look at; ``member_payload.PartnerData`` satisfies it."""

    @property
    def email(self) -> str | None: ...

    @property
    def opted_in(self) -> bool: ...

    @property
    def active(self) -> bool: ...

    @property
    def tag_interest_ids(self) -> AbstractSet[str]: ...


@dataclass(frozen=True)
class Eligibility:
    """Outcome of :func:`check_eligibility`; ``reasons`` are codes of :data:`REASONS`."""

    eligible: bool
    reasons: tuple[str, ...] = ()

    @property
    def messages(self) -> list[str]:
        """One human sentence per failing rule, in rule order."""
        return [REASONS[code] for code in self.reasons]


def normalize_email(email: str | None) -> str | None:
    """Return the normalised address, or None when it is missing or invalid."""
    candidate = (email or "").strip()
    if not candidate:
        return None
    return _validated(candidate)


@lru_cache(maxsize=100_000)
def _validated(candidate: str) -> str | None:
    """``email-validator`` is slow (IDNA tables): a run asks about each address several times."""
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def is_valid_email(email: str | None) -> bool:
    """True when ``email`` is a single, syntactically valid address."""
    return normalize_email(email) is not None


def check_eligibility(partner: EligibilityFacts) -> Eligibility:
    """Apply the four subscription rules and report every one that fails."""
    reasons = []
    if not partner.tag_interest_ids:
        reasons.append(NO_MAPPED_GROUP)
    if not partner.opted_in:
        reasons.append(NOT_OPTED_IN)
    if not (partner.email or "").strip():
        reasons.append(NO_EMAIL)
    elif not is_valid_email(partner.email):
        reasons.append(INVALID_EMAIL)
    if not partner.active:
        reasons.append(ARCHIVED)
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
