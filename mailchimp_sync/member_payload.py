"""The single place that builds a Mailchimp member item (batch subscribe or PUT).

Status (Mailchimp compliance rules, api-facts 1.5/1.6):

* The item of an eligible partner (see :mod:`.eligibility`) carries
  ``status_if_new: "subscribed"`` and no ``status``. Mailchimp applies
  ``status_if_new`` only to an address it does not know yet. Forcing ``status``
  would try to resubscribe people who unsubscribed themselves, bounced or are
  under compliance review: Mailchimp rejects that ("Member In Compliance State")
  and we must not push them back anyway. Consequence: ticking the box again for a
  member who unsubscribed in Mailchimp does not resubscribe it; only the contact
  can do that (for instance through a double opt-in / ``pending`` flow).
* ``status: "subscribed"`` is sent in one case only, and not by this module:
  :func:`.sync_plan.plan_sync` re-subscribes a member that Odoo itself
  unsubscribed or archived (``left_by_odoo``: box unticked, group unmapped,
  customer archived) once the customer is eligible again, under the same
  address (``KIND_RESUBSCRIBE``); when Mailchimp refuses with its compliance
  rule, the engine sends ``pending`` instead (:func:`.sync_plan.confirmation_push`).
  A user's own tick in the panel's dialog follows
  :func:`.sync_plan.manual_subscription_status`.
* :func:`unsubscribe_payload` is the item of a partner that left (box unticked,
  no mapped group any more; an archived one when the audience unsubscribes
  rather than archives): ``status: "unsubscribed"`` with nothing else, so people
  who left get no profile updates. It is sent only for members that were pushed
  before, because batch subscribe would otherwise *create* an unsubscribed
  contact; batch calls need ``update_existing: true`` for it to apply.
* Without a valid address there is nothing to address: ``payload`` is None.

Address: ``email_address`` is :func:`.eligibility.sync_email` of the customer's
field: its first valid address (:func:`.eligibility.normalize_email`), i.e. its
ASCII form: the local part as written, the domain lower-cased and,
when internationalized, in IDNA "punycode" (``b@münchen.de`` -> ``b@xn--mnchen-3ya.de``;
Mailchimp refuses Unicode domains as fake addresses). An address without an ASCII
form (non-ASCII local part) gets no payload, like an invalid one.

Merge fields (only tags that exist in the audience are sent):

* FNAME/LNAME: a company sends its name as FNAME and an empty LNAME. A person
  with known ``firstname``/``lastname`` sends those. Otherwise the name is split at
  the first blank: FNAME is the first word, LNAME the rest ("Jan van der Berg" ->
  "Jan" / "van der Berg", "Jane Maria Doe" -> "Jane" / "Maria Doe"). FNAME is what
  campaigns use for greetings, and the first word is the given name in the naming
  orders our customers use; multi-word surnames stay whole.
* PHONE: the mobile number is preferred (it reaches the person and is the one
  usable for SMS), the landline is the fallback. Numbers are parsed with
  ``phonenumbers`` using the partner's country as default region and sent in E.164
  ("500 600 700" in PL -> "+48500600700"; a plain national number, digits, blanks and
  hyphens without a prefix, is checked against the region's patterns directly, with the
  same result and a fraction of the cost). A number that cannot be parsed or is
  not a valid number is reported as a warning and the next candidate is tried; if
  none works, PHONE is omitted (Mailchimp keeps what it had) rather than cleared.
* Representative columns: see :mod:`.representatives`; customer fields mapped to
  merge tags: see :mod:`.field_merges`. FNAME, LNAME and PHONE always come from
  the partner itself; representative fields and field merges on them are
  ignored (:data:`RESERVED_MERGE_TAGS`, for the settings to forbid).
* Empty values are sent as ``""`` so Mailchimp forgets data removed in Odoo.
  Values are strings, except a mapped number (a number) or address (an object).
  Text values longer than the field size (default 255) are cut to exactly that
  size, ending with "…", and reported.

Interests: every interest the add-on manages (those mapped tags point to) is sent,
True when the partner has a tag mapped to it, False otherwise. Interests the
add-on does not manage are never included, so groups maintained in Mailchimp by
hand or by other tools are left alone.

Marketing permissions (GDPR fields): see :func:`build_marketing_permissions`.

Language: Odoo's ``lang`` is mapped through :data:`MAILCHIMP_LANGUAGE_BY_ODOO_LANG`
where Mailchimp's code differs from the language prefix (Mailchimp's ``pt`` is
Brazilian and ``es`` Mexican/Latin American Spanish; Portugal and Spain have
``pt_PT`` and ``es_ES``), otherwise the prefix before ``_``/``@`` is sent
(``pl_PL`` -> ``pl``, ``sr@latin`` -> ``sr``). No ``lang``: no ``language`` key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from collections.abc import Set as AbstractSet
from typing import Any

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

from .const import DEFAULT_TEXT_SIZE, STATUS_SUBSCRIBED, STATUS_UNSUBSCRIBED
from .datatypes import AudienceSchema, BuiltMember, PartnerData, PayloadWarning  # also re-exported for callers
from .eligibility import check_eligibility, email_key, sync_email
from .field_merges import field_merge_values
from .representatives import fields_by_merge_tag, render_columns, truncate_to_size

PHONE_CACHE_SIZE = 131072  # about 30 MB at most
FNAME = "FNAME"
LNAME = "LNAME"
PHONE = "PHONE"
RESERVED_MERGE_TAGS = frozenset({FNAME, LNAME, PHONE})

PHONE_UNPARSABLE = "phone_unparsable"
VALUE_TRUNCATED = "value_truncated"

MAILCHIMP_LANGUAGE_BY_ODOO_LANG: dict[str, str] = {
    "pt_BR": "pt",
    "pt_PT": "pt_PT",
    "es_ES": "es_ES",
    "fr_CA": "fr_CA",
    "nb_NO": "no",
}


def build_member(partner: PartnerData, schema: AudienceSchema) -> BuiltMember:
    """Build the batch-subscribe / PUT member item for ``partner`` (rules in module doc)."""
    email = sync_email(partner.email)
    eligibility = check_eligibility(partner, email)
    if email is None:
        return BuiltMember(payload=None, eligibility=eligibility)
    if not eligibility.eligible:
        return BuiltMember(payload=unsubscribe_payload(email), eligibility=eligibility)
    merge_fields, warnings = build_merge_fields(partner, schema)
    payload: dict[str, Any] = {"email_address": email, "status_if_new": STATUS_SUBSCRIBED}
    if merge_fields:
        payload["merge_fields"] = merge_fields
    interests = build_interests(partner.tag_interest_ids, schema.managed_interest_ids)
    if interests:
        payload["interests"] = interests
    language = mailchimp_language(partner.lang)
    if language:
        payload["language"] = language
    permissions = build_marketing_permissions(partner.consented_purposes, schema.marketing_permissions)
    if permissions:
        payload["marketing_permissions"] = permissions
    return BuiltMember(payload=payload, eligibility=eligibility, warnings=tuple(warnings))


def unsubscribe_payload(email: str) -> dict[str, Any]:
    """Member item that unsubscribes ``email`` (also for an address changed in Odoo)."""
    return {"email_address": email, "status": STATUS_UNSUBSCRIBED}


def build_interests(tag_interest_ids: AbstractSet[str], managed_interest_ids: AbstractSet[str]) -> dict[str, bool]:
    """True/False for every managed interest; unmanaged interests are never included."""
    return {interest_id: interest_id in tag_interest_ids for interest_id in sorted(managed_interest_ids)}


def build_marketing_permissions(consented_purposes: AbstractSet[str],
                                mapped: Mapping[str, str]) -> list[dict[str, Any]]:
    """The audience's GDPR fields whose purpose Odoo holds a consent for, enabled; nothing for the others.

    Odoo never disables a GDPR field: without a consent it says nothing, and what the
    person chose in Mailchimp's forms stays.
    """
    return [{"marketing_permission_id": permission_id, "enabled": True}
            for permission_id, purpose in sorted(mapped.items()) if purpose in consented_purposes]


def build_merge_fields(partner: PartnerData, schema: AudienceSchema) -> tuple[dict[str, str], list[PayloadWarning]]:
    """Merge values for the tags the audience has, fitted to their size."""
    values, warnings = own_merge_values(partner, schema)
    rep_values, rep_warnings = representative_values(partner, schema)
    values.update(rep_values)
    warnings.extend(rep_warnings)
    mapped_values, mapped_warnings = customer_field_values(partner, schema)
    values.update(mapped_values)
    warnings.extend(mapped_warnings)
    fitted: dict[str, str] = {}
    for merge_tag, value in values.items():
        if schema.has_merge_field(merge_tag):
            fitted[merge_tag], cut_warnings = fit_text_value(merge_tag, value, schema)
            warnings.extend(cut_warnings)
    return fitted, warnings


def own_merge_values(partner: PartnerData, schema: AudienceSchema) -> tuple[dict[str, str], list[PayloadWarning]]:
    """FNAME, LNAME and (if the audience has it) PHONE from the partner itself."""
    first_name, last_name = split_name(partner)
    values = {FNAME: first_name, LNAME: last_name}
    if not schema.has_merge_field(PHONE):
        return values, []
    phone, warnings = pick_phone(partner.mobile, partner.phone, partner.country_code)
    if phone is not None:
        values[PHONE] = phone
    return values, warnings


def representative_values(partner: PartnerData, schema: AudienceSchema) -> tuple[dict[str, str], list[PayloadWarning]]:
    """The partner's representative columns for the audience's non-reserved tags."""
    grouped, sizes = _item_rules(schema)["representatives"]
    if not grouped:
        return {}, []
    columns = render_columns(partner.representatives, grouped, sizes)
    warnings = [truncation_warning(merge_tag, sizes[merge_tag]) for merge_tag in columns.truncated_tags]
    return columns.values, warnings


def customer_field_values(partner: PartnerData, schema: AudienceSchema) -> tuple[dict[str, Any], list[PayloadWarning]]:
    """The audience's customer field merges (:mod:`.field_merges`) on its existing, non-reserved tags."""
    merges = _item_rules(schema)["field_merges"]
    if not merges:
        return {}, []
    return field_merge_values(partner.field_values, merges, partner.country_code, format_phone=to_e164)


def _item_rules(schema: AudienceSchema) -> dict[str, Any]:
    """What every item of ``schema`` needs from it, computed once per schema (a run builds thousands of items):
    the representative columns (fields grouped by merge tag, sizes) and the field merges sent."""
    rules = schema.derived.get("item_rules")
    if rules is None:
        fields = [rep_field for rep_field in schema.representative_fields
                  if rep_field.merge_tag and rep_field.merge_tag not in RESERVED_MERGE_TAGS
                  and schema.has_merge_field(rep_field.merge_tag)]
        sizes = {rep_field.merge_tag: schema.text_size(rep_field.merge_tag) for rep_field in fields}
        merges = [merge for merge in schema.field_merges
                  if merge.merge_tag not in RESERVED_MERGE_TAGS and schema.has_merge_field(merge.merge_tag)]
        rules = schema.derived["item_rules"] = {"representatives": (fields_by_merge_tag(fields), sizes),
                                                "field_merges": merges}
    return rules


def fit_text_value(merge_tag: str, value: str, schema: AudienceSchema) -> tuple[str, list[PayloadWarning]]:
    """Cut a text value to its field size; the list holds the warning if it was cut."""
    size = schema.text_size(merge_tag)
    if size is None:
        return value, []
    value, was_cut = truncate_to_size(value, size)
    if not was_cut:
        return value, []
    return value, [truncation_warning(merge_tag, size)]


def truncation_warning(merge_tag: str, size: int | None) -> PayloadWarning:
    limit = size or DEFAULT_TEXT_SIZE
    return PayloadWarning(VALUE_TRUNCATED, merge_tag, f"{merge_tag} was cut to {limit} characters")


def split_name(partner: PartnerData) -> tuple[str, str]:
    """(FNAME, LNAME) for the partner, following the rule in the module docstring."""
    if partner.is_company:
        return partner.name.strip(), ""
    if partner.firstname or partner.lastname:
        return (partner.firstname or "").strip(), (partner.lastname or "").strip()
    return split_person_name(partner.name)


def split_person_name(name: str) -> tuple[str, str]:
    """First word as first name, the rest as last name; blanks collapsed."""
    words = name.split()
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])


def pick_phone(
    mobile: str | None, phone: str | None, country_code: str | None
) -> tuple[str | None, list[PayloadWarning]]:
    """E.164 of the mobile, else of the landline.

    Returns ``""`` when the partner has no number (clears PHONE) and None when
    every number failed to parse (PHONE left out), with one warning per failure.
    """
    candidates = [number.strip() for number in (mobile, phone) if number and number.strip()]
    warnings = []
    for number in candidates:
        formatted = to_e164(number, country_code)
        if formatted:
            return formatted, warnings
        warnings.append(
            PayloadWarning(PHONE_UNPARSABLE, PHONE, f"Phone number {number!r} is not a valid phone number")
        )
    return (None if candidates else ""), warnings


def to_e164(number: str, country_code: str | None) -> str | None:
    """``number`` in E.164 (e.g. "+48500600700"), or None if it is not a valid number.

    A plain national number is checked against its region's patterns directly (:func:`_national_e164`,
    a few microseconds, not cached: a cache of every customer's number would hold megabytes for what
    costs about as much as a look-up); any other number is parsed, which is the costliest step of
    building an item, so its result is cached (a long-lived worker keeps the cache warm, as for
    ``eligibility.normalize_email``).
    """
    region = (country_code or "").upper() or None
    quick = _national_e164(number, region)
    return quick if quick is not None else _parsed_e164(number, region)


@lru_cache(maxsize=PHONE_CACHE_SIZE)
def _parsed_e164(number: str, region: str | None) -> str | None:
    """What :func:`to_e164` gives for a number :func:`_national_e164` leaves to ``phonenumbers``."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_PLAIN_NATIONAL = re.compile(r"[1-9][0-9 -]*")
_MAX_NUMBER_LENGTH = 250  # what phonenumbers.parse refuses as too long


def _national_e164(number: str, region: str | None) -> str | None:
    """E.164 of a plain national number (ASCII digits, blanks and hyphens, no leading 0), or None to parse it.

    ``phonenumbers.parse`` gives such a number, when it is valid as it stands, exactly this result (no
    international or national prefix to strip: the region has none, or the number does not start with it;
    no leading zero, no extension): building it directly costs a few microseconds against some 50 for
    parsing it, the run's costliest step on a first sync, where every number is new. Anything else (and
    every invalid number) is parsed.
    """
    if region is None or len(number) > _MAX_NUMBER_LENGTH or not _PLAIN_NATIONAL.fullmatch(number):
        return None
    rules = _national_rules(region)
    if rules is None:
        return None
    country_code, prefix, general, types = rules
    digits = number.replace(" ", "").replace("-", "")
    if (prefix is not None and prefix.match(digits)) or not _matches(digits, general):
        return None
    if types is None:  # a country code several regions share: phonenumbers decides whose number it is
        if not phonenumbers.is_valid_number(
                phonenumbers.PhoneNumber(country_code=country_code, national_number=int(digits))):
            return None
    else:
        for desc in types:
            if _matches(digits, desc):
                break
        else:
            return None
    return f"+{country_code}{digits}"


def _matches(digits, desc):
    """phonenumbers' ``_is_number_matching_desc`` on a ``(possible lengths, compiled pattern)``."""
    lengths, pattern = desc
    return (not lengths or len(digits) in lengths) and pattern is not None and pattern.fullmatch(digits) is not None


@cache
def _national_rules(region):
    """What :func:`_national_e164` checks a number of ``region`` by, from phonenumbers' metadata, or None.

    (country code, the international and national prefixes as one pattern or None, the general
    description, the number types' descriptions — a valid number matches the general one and one of
    these — or None when other regions share the country code). A description is ``(possible lengths,
    compiled pattern)``.
    """
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or not metadata.country_code:
        return None

    def desc(number_desc):
        if number_desc is None:
            return ((), None)
        pattern = number_desc.national_number_pattern
        return (frozenset(number_desc.possible_length or ()), re.compile(pattern) if pattern else None)

    prefixes = [f"(?:{prefix})" for prefix in (metadata.international_prefix, metadata.national_prefix_for_parsing)
                if prefix]
    types = None
    if len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(metadata.country_code, ())) == 1:
        types = tuple(desc(number_desc) for number_desc in (  # the most common first: any of them makes it valid
            metadata.mobile, metadata.fixed_line, metadata.toll_free, metadata.premium_rate, metadata.shared_cost,
            metadata.voip, metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail))
    return (metadata.country_code, re.compile("|".join(prefixes)) if prefixes else None,
            desc(metadata.general_desc), types)


def mailchimp_language(odoo_lang: str | None) -> str | None:
    """Mailchimp language code for an Odoo language code such as ``pl_PL``."""
    if not odoo_lang:
        return None
    if odoo_lang in MAILCHIMP_LANGUAGE_BY_ODOO_LANG:
        return MAILCHIMP_LANGUAGE_BY_ODOO_LANG[odoo_lang]
    return re.split(r"[_@]", odoo_lang, maxsplit=1)[0].lower() or None


def payload_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``payload``: equal payloads, equal hash.

    Keys are sorted at every level, so the order in which dicts were filled does
    not matter; the incremental sync skips members whose hash did not change.
    """
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def subscriber_hash(email: str) -> str:
    """Mailchimp member id: MD5 of :func:`.eligibility.email_key` of the address (not a security use)."""
    return hashlib.md5((email_key(email) or "").encode("utf-8"), usedforsecurity=False).hexdigest()
