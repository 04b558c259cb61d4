"""The single place that decides whether a customer is kept subscribed in Mailchimp.

A customer is eligible only when ALL of these hold:

1. one of its tags is mapped to a Mailchimp interest (group)   -> else ``no_mapped_group``
2. its "Mailchimp subscription" box is ticked                  -> else ``not_opted_in``
3. it has an email address ...                                 -> else ``no_email``
   ... and one of its addresses is valid (the first is synced) -> else ``invalid_email``
4. its address is not blacklisted in Odoo                      -> else ``blacklisted``
5. it is not archived                                          -> else ``archived``

Every failing rule is reported (not just the first one), so the partner form can
tell the user everything that must change. The codes are ``const.REASONS``
(re-exported here): the Odoo layer stores them in a selection field and words
them in the user's language.

Email normalisation (:func:`normalize_email`): surrounding blanks are stripped and
the address is checked with ``email_validator`` without any DNS lookup. The result
is the address as Mailchimp receives it: the local part exactly as the customer
wrote it (RFC 5321 lets a mail server treat ``Jane`` and ``jane`` as different
mailboxes) and the domain lower-cased in its ASCII form. An internationalized
domain is sent as IDNA "punycode" (``b@münchen.de`` and ``b@xn--mnchen-3ya.de``
both give ``b@xn--mnchen-3ya.de``): Mailchimp refuses a Unicode domain as a fake
address, and email_validator's ``normalized`` form would turn a punycode domain
the customer typed into Unicode. The customer's record keeps what was typed. An
address whose local part is not ASCII (``jörg@acme.de``, SMTPUTF8) has no ASCII
form and cannot be a Mailchimp member: it counts as invalid here
(:func:`is_valid_email`), and the customer is not eligible (``invalid_email``).
A field holding several addresses (``a@x.pl; b@y.pl``, separated by ``,`` or ``;``,
display names dropped: :func:`field_addresses`) is synced with its first valid
address (:func:`sync_email`): that address is the member, the customer's identity
and what the partner form names; the others are only shown in the panel.

Identity (:func:`email_key`): Mailchimp identifies a member by the lower-cased
address, so two addresses are one member, one customer's address, when their
ASCII forms are equal case-insensitively. ``email_key`` is THE identity of an
address everywhere: the core (duplicates, the subscriber hash, the panel) and
Odoo (the stored, indexed ``res.partner.mailchimp_email_key`` that SQL and every
look-up by address use) call it, never a form of their own.
"""

from __future__ import annotations

import re
from email.utils import getaddresses
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from .const import (  # noqa: F401 - re-exported for callers
    ARCHIVED,
    BLACKLISTED,
    DUPLICATE_EMAIL,
    INVALID_EMAIL,
    NO_EMAIL,
    NO_MAPPED_GROUP,
    NOT_OPTED_IN,
    REASONS,
)
from .datatypes import Eligibility, PartnerData  # Eligibility also re-exported for callers


def normalize_email(email: str | None) -> str | None:
    """The address as sent to Mailchimp (ASCII domain), or None when missing, invalid or not ASCII-able."""
    candidate = (email or "").strip()
    if not candidate:
        return None
    plain = _plain_ascii(candidate)
    return plain if plain is not None else _validated(candidate)


# A plain ASCII address (dot-atom local part of common characters, letter-digit-hyphen labels, an
# alphabetic top-level domain) is valid for email-validator too, with the same ASCII form: checked here
# without it (its IDNA checks cost about 1 ms an address), and not cached: one regular expression costs
# about as much as a cache look-up, and a cache of every customer's address would hold megabytes.
# Anything else goes to email-validator (cached).
_PLAIN_ADDRESS = re.compile(r"(?P<local>[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)"
                            r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})")
# What email-validator refuses or changes in a plain domain (lower-cased): a label with "--" as its 3rd and 4th
# characters (an IDNA A-label, or reserved), or a special-use domain name (or a subdomain of one).
_NOT_PLAIN_DOMAIN = re.compile(r"(?:^|\.)(?:[a-z0-9-]{2}--|(?:%s)\Z)"
                               % "|".join(re.escape(name) for name in SPECIAL_USE_DOMAIN_NAMES))
_MAX_LOCAL, _MAX_ADDRESS = 64, 254


def _plain_ascii(candidate: str) -> str | None:
    """The ASCII form of a plain address (see above), or None when email-validator must decide."""
    match = _PLAIN_ADDRESS.fullmatch(candidate)
    if match is None or len(candidate) > _MAX_ADDRESS or match.end("local") > _MAX_LOCAL:
        return None
    domain = match["domain"].lower()
    if _NOT_PLAIN_DOMAIN.search(domain):
        return None
    return f"{match['local']}@{domain}"


@lru_cache(maxsize=100_000)
def _validated(candidate: str) -> str | None:
    """``email-validator``'s answer, cached: it is slow (IDNA tables) and a run asks about each address
    more than once."""
    try:
        validated = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None
    # ``ascii_email``: local part as given, domain in lower-case IDNA; None when the local part needs SMTPUTF8.
    return validated.ascii_email or None


def email_key(email: str | None) -> str | None:
    """The identity of an address: its ASCII form, lower-cased; None when blank.

    ``b@münchen.de``, ``B@XN--MNCHEN-3YA.DE`` and `` b@xn--mnchen-3ya.de `` are one key. One address
    written with a display name (``Jane <b@acme.pl>``) is that address, as Odoo's ``email_normalized``
    has it; a field of several addresses is its first valid one (:func:`sync_email`). Text that holds no
    address has no ASCII form: its key is the text, stripped and lower-cased, so that it still equals
    itself (such a customer is never eligible, see ``invalid_email``).
    """
    text = (email or "").strip()
    if not text:
        return None
    return (sync_email(text) or text).lower()


def field_addresses(text: str | None) -> list[str]:
    """The distinct valid addresses of an email field, separated by ``,`` or ``;``, in their order.

    Display names are dropped (``"Jan" <jan@acme.pl>`` gives ``jan@acme.pl``); an address is kept in
    the form sent to Mailchimp (:func:`normalize_email`); what is not an address is left out.
    """
    found, seen = [], set()
    for _name, address in getaddresses([(text or "").replace(";", ",")]):
        normalized = normalize_email(address)
        if normalized and normalized.lower() not in seen:
            seen.add(normalized.lower())
            found.append(normalized)
    return found


def sync_email(text: str | None) -> str | None:
    """The address a customer's email field is synced with: the field's first valid address, or None."""
    return normalize_email(text) or next(iter(field_addresses(text)), None)


def is_valid_email(email: str | None) -> bool:
    """True when ``email`` is a single, syntactically valid address."""
    return normalize_email(email) is not None


_UNCHECKED = object()


def check_eligibility(partner: PartnerData, email: str | None | object = _UNCHECKED) -> Eligibility:
    """Apply the subscription rules and report every one that fails.

    ``email``: the customer's :func:`sync_email`, when the caller has it already (the item builder: one
    address check a customer).
    """
    if email is _UNCHECKED:
        email = sync_email(partner.email)
    reasons = []
    if not partner.tag_interest_ids:
        reasons.append(NO_MAPPED_GROUP)
    if not partner.opted_in:
        reasons.append(NOT_OPTED_IN)
    if not (partner.email or "").strip():
        reasons.append(NO_EMAIL)
    elif email is None:
        reasons.append(INVALID_EMAIL)
    if partner.blacklisted:
        reasons.append(BLACKLISTED)
    if not partner.active:
        reasons.append(ARCHIVED)
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
