"""Audience → SMS contact group at SerwerSMS: the rules, without Odoo.

* :func:`group_name`: ``MC_<audience name>_<YYYYMMDD>_<HHMMSS>``, a fresh group per sync;
* :func:`contact_for_member`: the SMS contact of a Mailchimp member, or why it has none.
  The number is the PHONE merge field, else the linked customer's mobile, else
  its phone, each normalized to E.164 by :func:`.member_payload.to_e164` (the
  customer's country, else the company's, as the default region). A number that
  cannot receive SMS (a landline, a service number) is not used;
* :func:`plan_live_change`: what one member's change does to the group
  (add, update, remove, nothing). Unsubscribing removes the contact; subscribing
  again adds it back, whatever happened before;
* :func:`match_group_contacts`: which of the contacts Odoo sent are in the group
  (by phone and email), which is how an import whose answer was lost is resumed
  without sending anyone twice, and how the contacts the gateway refused are named.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import phonenumbers

from .const import STATUS_SUBSCRIBED
from .member_payload import FNAME, LNAME, PHONE, split_person_name, to_e164

GROUP_PREFIX = "MC_"
IMPORT_CHUNK = 500  # contacts per contacts/import call

# Why a member has no SMS contact (stable codes; the Odoo layer words them in the user's language).
NO_PHONE = "no_phone"
INVALID_PHONE = "invalid_phone"
NOT_MOBILE = "not_mobile"
REASONS = (NO_PHONE, INVALID_PHONE, NOT_MOBILE)

ADD = "add"
UPDATE = "update"
REMOVE = "remove"
NOTHING = "nothing"

SMS_NUMBER_TYPES = frozenset({
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,  # where the plan cannot tell (US, CA…): try it
})


@dataclass(frozen=True)
class SmsContact:
    """A contact as the gateway stores it."""

    email: str
    phone: str
    first_name: str = ""
    last_name: str = ""

    def as_gateway(self) -> dict[str, str]:
        return {"phone": self.phone, "email": self.email, "first_name": self.first_name, "last_name": self.last_name}


@dataclass(frozen=True)
class PartnerPhones:
    """What the member's customer in Odoo offers: numbers, country (ISO code) and name."""

    mobile: str | None = None
    phone: str | None = None
    country_code: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class MemberContact:
    """The outcome for one member: its contact, or the reason it has none (and the number tried)."""

    email: str
    contact: SmsContact | None = None
    reason: str | None = None
    number: str = ""


@dataclass(frozen=True)
class KnownContact:
    """What Odoo knows of a member's contact in the group: its id there and what was sent."""

    gateway_id: int | None
    contact: SmsContact | None


def group_name(audience_name: str, moment: datetime) -> str:
    """``MC_<audience name>_<YYYYMMDD>_<HHMMSS>`` (blanks in the name collapsed)."""
    name = " ".join((audience_name or "").split()) or "audience"
    return f"{GROUP_PREFIX}{name}_{moment:%Y%m%d_%H%M%S}"


@lru_cache(maxsize=65536)
def sms_number(number: str, country_code: str | None) -> tuple[str | None, str | None]:
    """``(E.164, None)`` for a number that can receive SMS, else ``(None, reason code)``."""
    if not (number or "").strip():
        return None, NO_PHONE
    formatted = to_e164(number.strip(), country_code)
    if not formatted:
        return None, INVALID_PHONE
    if phonenumbers.number_type(phonenumbers.parse(formatted)) not in SMS_NUMBER_TYPES:
        return None, NOT_MOBILE
    return formatted, None


def contact_for_member(member: Mapping, partner: PartnerPhones | None = None,
                       company_country: str | None = None) -> MemberContact:
    """The SMS contact of a member of ``GET /lists/{id}/members`` (see the module docstring)."""
    email = str(member.get("email_address") or "")
    merges = member.get("merge_fields") or {}
    partner = partner or PartnerPhones()
    region = partner.country_code or company_country
    candidates = [str(merges.get(PHONE) or "").strip(), (partner.mobile or "").strip(), (partner.phone or "").strip()]
    candidates = [number for number in candidates if number]
    if not candidates:
        return MemberContact(email, reason=NO_PHONE)
    reasons = []
    for number in candidates:
        formatted, reason = sms_number(number, region)
        if formatted:
            first, last = _names(merges, partner)
            return MemberContact(email, SmsContact(email, formatted, first, last), number=number)
        reasons.append(reason)
    reason = NOT_MOBILE if NOT_MOBILE in reasons else INVALID_PHONE
    return MemberContact(email, reason=reason, number=candidates[0])


def _names(merges: Mapping, partner: PartnerPhones) -> tuple[str, str]:
    first = " ".join(str(merges.get(FNAME) or "").split())
    last = " ".join(str(merges.get(LNAME) or "").split())
    if first or last or not partner.name:
        return first, last
    return split_person_name(partner.name)


def plan_live_change(status: str | None, wanted: SmsContact | None, known: KnownContact | None) -> str:
    """What a member's change does to its contact in a group.

    ``status`` is the member's status in Mailchimp now (None: not in the audience
    any more); ``wanted`` its contact (None: no usable number); ``known`` what
    the group has (None, or without ``gateway_id``: not in the group).
    A subscribed member with a number is in the group, with its current data;
    anybody else is not. So unsubscribing and subscribing again brings the
    contact back.
    """
    present = known is not None and known.gateway_id is not None
    if status == STATUS_SUBSCRIBED and wanted is not None:
        if not present:
            return ADD
        return NOTHING if known.contact == wanted else UPDATE
    return REMOVE if present else NOTHING


def chunks(items: list, size: int = IMPORT_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def contact_key(phone: str, email: str) -> tuple[str, str]:
    """How a sent contact is recognized among the group's: the number's digits and the address.

    Both, because two people may share a number; digits only, because the
    gateway may show a number in another format than the E.164 it was sent in.
    """
    return "".join(char for char in phone or "" if char.isdigit()), (email or "").strip().lower()


def match_group_contacts(sent: Iterable[SmsContact], group_items: Iterable[Mapping]) -> dict[tuple[str, str], int]:
    """``{contact_key: gateway id}`` of the ``sent`` contacts found in the group's ``contacts/index`` items.

    A contact the group holds twice (an import repeated by someone else) maps
    to its first id; the ones missing were refused by the gateway (or never
    arrived).
    """
    wanted = {contact_key(contact.phone, contact.email) for contact in sent}
    found = {}
    for item in group_items:
        key = contact_key(str(item.get("phone") or ""), str(item.get("email") or ""))
        if key in wanted and key not in found:
            found[key] = int(item["id"])
    return found
