"""Member payload validation: email, merge field values, interests, status."""

import re
from datetime import date

from . import errors, util
from .model import MEMBER_STATUSES

_PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,40}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def check_email(email):
    if util.looks_fake_or_invalid(email):
        raise errors.fake_email(email)


def check_status(status, field="status"):
    if status not in MEMBER_STATUSES:
        found = "NULL" if status is None else f"'{status}'"
        raise errors.field_error(field, f"Schema describes enum, {found} found instead")


def merge_values(audience, values, *, is_new, skip_required):
    """Validate and normalise ``merge_fields`` from a request body.

    Unknown tags are dropped silently (Mailchimp ignores merge tags that are
    not defined on the audience). ``skip_required`` mirrors
    ``skip_merge_validation``: it waives required fields, not type checks.
    Raises "Your merge fields were invalid." with per-field ``errors``.
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise errors.field_error("merge_fields", "Schema describes object, array found instead")
    normalised, problems = {}, []
    for merge_field in audience.merge_fields:
        if merge_field.tag not in values:
            if is_new and merge_field.required and not skip_required:
                problems.append({"field": merge_field.tag, "message": "Please enter a value"})
            continue
        value = values[merge_field.tag]
        try:
            normalised[merge_field.tag] = _normalise(merge_field, value)
        except ValueError as problem:
            problems.append({"field": merge_field.tag, "message": str(problem)})
            continue
        if merge_field.required and not skip_required and normalised[merge_field.tag] == "":
            problems.append({"field": merge_field.tag, "message": "Please enter a value"})
    if problems:
        raise errors.invalid_merge_fields(problems)
    return normalised


def _normalise(merge_field, value):
    if value is None or value == "":
        return ""
    kind = merge_field.type
    if kind == "number":
        return _number(value)
    if kind == "address":
        return _address(value)
    if isinstance(value, (dict, list, bool)):
        raise ValueError("Please enter a text value")
    text = str(value)
    _check_text(merge_field, text)
    if kind == "date":
        return _date(text, merge_field.options.get("date_format", "MM/DD/YYYY"))
    if kind == "birthday":
        return _birthday(text, merge_field.options.get("date_format", "MM/DD"))
    return text


def _check_text(merge_field, text):
    kind = merge_field.type
    if kind == "text" and len(text) > merge_field.max_length:
        raise ValueError(f"Please enter a value of at most {merge_field.max_length} characters")
    if kind == "phone" and not _PHONE.match(text):
        raise ValueError("Please enter a valid phone number")
    if kind in ("url", "imageurl") and not text.startswith(("http://", "https://")):
        raise ValueError("Please enter a valid URL")
    if kind in ("dropdown", "radio") and text not in merge_field.options.get("choices", []):
        raise ValueError("Please choose one of the available options")


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("Please enter a number")
    if isinstance(value, str):
        if not _NUMBER.match(value.strip()):
            raise ValueError("Please enter a number")
        value = float(value) if "." in value else int(value)
    return value


def _address(value):
    if isinstance(value, str):
        parts = [part.strip() for part in value.split("  ")]
        if len(parts) < 4:
            raise ValueError("Please enter a complete address")
        value = dict(zip(("addr1", "city", "state", "zip", "country"), parts, strict=False))
    if not isinstance(value, dict):
        raise ValueError("Please enter a complete address")
    if not all(str(value.get(key) or "").strip() for key in ("addr1", "city", "state", "zip")):
        raise ValueError("Please enter a complete address")
    keys = ("addr1", "addr2", "city", "state", "zip", "country")
    return {key: str(value.get(key) or "") for key in keys}


def _date(text, date_format):
    """Accept ISO ``YYYY-MM-DD`` or the field's own format; store ISO."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    day_first = date_format.upper().startswith("DD")
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if match:
        first, second, year = (int(group) for group in match.groups())
        day, month = (first, second) if day_first else (second, first)
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    raise ValueError("Please enter a valid date")


def _birthday(text, date_format):
    match = re.match(r"^(\d{1,2})/(\d{1,2})$", text)
    if match:
        first, second = (int(group) for group in match.groups())
        day, month = (first, second) if date_format.upper().startswith("DD") else (second, first)
        try:
            date(2000, month, day)
            return text
        except ValueError:
            pass
    raise ValueError("Please enter a valid birthday")


def interests(audience, values):
    """Validate ``{interest_id: bool}``; unknown ids are a 400 like Mailchimp."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise errors.field_error("interests", "Schema describes object, array found instead")
    known = {interest.id for interest in audience.all_interests()}
    for interest_id, flag in values.items():
        if interest_id not in known:
            raise errors.invalid_interest(interest_id)
        if not isinstance(flag, bool):
            raise errors.field_error("interests", f"Interest '{interest_id}' must be a boolean")
    return dict(values)
