"""Customer fields → audience merge fields: which types fit, and the values sent.

The administrator maps fields of the customer to merge tags of an audience
(:class:`FieldMerge`). The Odoo layer reads the mapped fields in plain form
(a many2one as its name, a selection as its label, a date as ``YYYY-MM-DD``, the
state and the country of an address as their name and ISO code) into
``PartnerData.field_values``; :func:`field_merge_values` turns them into merge
values, which :mod:`.member_payload` adds to the member item (and so to its
hash: a changed mapping re-pushes the members whose item changes, nobody else).

Types (Mailchimp's merge field types):

* ``text`` takes a char, text, selection, many2one, boolean, number or date field (not html);
* ``number`` an integer, float or monetary field;
* ``date`` a date or datetime field (sent as ``YYYY-MM-DD``);
* ``phone`` the customer's ``phone`` or ``mobile`` (E.164, as PHONE; a number
  that does not parse is left out with a warning rather than cleared);
* ``address`` the address fields, each as one part (street → addr1, street2 →
  addr2, city, zip, state, country). Mailchimp refuses an address without
  addr1, city, state and zip: an incomplete one is sent empty, with a warning.

FNAME, LNAME and PHONE stay filled from the customer itself (:data:`RESERVED_MERGE_TAGS`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .datatypes import (  # FieldMerge also re-exported for callers
    FieldMerge,
    PayloadWarning,
)

TEXT, NUMBER, DATE, PHONE_TYPE, ADDRESS = "text", "number", "date", "phone", "address"
ADDRESS_PART_BY_FIELD = {
    "street": "addr1", "street2": "addr2", "city": "city", "zip": "zip", "state_id": "state", "country_id": "country",
}
ADDRESS_KEYS = ("addr1", "addr2", "city", "state", "zip", "country")
ADDRESS_REQUIRED = ("addr1", "city", "state", "zip")
PHONE_FIELDS = frozenset({"phone", "mobile"})
TYPES_BY_TTYPE = {
    "char": {TEXT}, "text": {TEXT}, "selection": {TEXT}, "many2one": {TEXT}, "html": set(),
    "integer": {NUMBER, TEXT}, "float": {NUMBER, TEXT}, "monetary": {NUMBER, TEXT},
    "date": {DATE, TEXT}, "datetime": {DATE, TEXT}, "boolean": {TEXT},
}
ADDRESS_INCOMPLETE = "address_incomplete"


def compatible_types(field_name: str, ttype: str) -> set[str]:
    """The merge field types a customer field of ``ttype`` can be written to."""
    types = set(TYPES_BY_TTYPE.get(ttype, set()))
    if field_name in PHONE_FIELDS:
        types.add(PHONE_TYPE)
    if field_name in ADDRESS_PART_BY_FIELD:
        types.add(ADDRESS)
    return types


def field_merge_values(
    values: Mapping[str, Any], merges: Sequence[FieldMerge], country_code: str | None,
    format_phone: Callable[[str, str | None], str | None],
) -> tuple[dict[str, Any], list[PayloadWarning]]:
    """The merge values of ``merges`` from the customer's plain field ``values``.

    ``format_phone(number, country_code)`` gives E.164 or None (the one of :mod:`.member_payload`).
    """
    result: dict[str, Any] = {}
    warnings: list[PayloadWarning] = []
    addresses: dict[str, dict[str, str]] = {}
    for merge in merges:
        value = values.get(merge.field_name)
        if merge.merge_type == ADDRESS:
            part = ADDRESS_PART_BY_FIELD.get(merge.field_name)
            if part:
                addresses.setdefault(merge.merge_tag, {})[part] = _text(value)
        elif merge.merge_type == NUMBER:
            result[merge.merge_tag] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        elif merge.merge_type == PHONE_TYPE:
            number = _text(value)
            formatted = format_phone(number, country_code) if number else ""
            if formatted is None:
                warnings.append(PayloadWarning("phone_unparsable", merge.merge_tag,
                                               f"Phone number {number!r} is not a valid phone number"))
            else:
                result[merge.merge_tag] = formatted
        else:
            result[merge.merge_tag] = _text(value)
    for merge_tag, parts in addresses.items():
        address = {key: parts.get(key, "") for key in ADDRESS_KEYS}
        if all(address[key] for key in ADDRESS_REQUIRED):
            result[merge_tag] = address
        else:
            result[merge_tag] = ""
            if any(address.values()):
                warnings.append(PayloadWarning(ADDRESS_INCOMPLETE, merge_tag, (
                    f"{merge_tag} was sent empty: Mailchimp needs street, city, state and zip for an address")))
    return result, warnings


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    return str(value).strip()
