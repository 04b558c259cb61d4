"""Small helpers shared by the store and the HTTP layer."""

import hashlib
import re
from datetime import datetime, timezone

from . import errors

MAX_COUNT = 1000
DEFAULT_COUNT = 10
_EMAIL_SYNTAX = re.compile(r"^[^@\s\"(),:;<>\[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")
EMAIL_SYNTAX = _EMAIL_SYNTAX
_FAKE_TLDS = {"invalid", "test", "localhost", "example", "local"}
FAKE_DOMAINS = {"example.invalid"}


def subscriber_hash(email):
    """Mailchimp's member id: MD5 of the lowercased address."""
    return hashlib.md5(email.lower().encode("utf-8")).hexdigest()


def iso(moment):
    """ISO 8601 with ``+00:00`` and second precision, like Mailchimp."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def parse_iso(value, field):
    """Parse an ISO 8601 query value; naive values are taken as UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise errors.field_error(field, f"'{value}' is not a valid ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def parse_bool(value, default=False):
    """Accept the spellings the SDK and curl users send: true/True/false/False/1/0."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def looks_fake_or_invalid(email):
    """Mimic Mailchimp's "looks fake or invalid" check on syntax and reserved domains."""
    if not isinstance(email, str) or not _EMAIL_SYNTAX.match(email) or len(email) > 254:
        return True
    domain = email.rsplit("@", 1)[1].lower()
    if "." not in domain or domain in FAKE_DOMAINS:
        return True
    return domain.rsplit(".", 1)[1] in _FAKE_TLDS


def paging(query):
    """Return ``(count, offset)`` validated like Mailchimp (count 1..1000)."""
    count = _int_param(query, "count", DEFAULT_COUNT)
    offset = _int_param(query, "offset", 0)
    if count > MAX_COUNT:
        raise errors.field_error("count", f"count must be less than or equal to {MAX_COUNT}")
    if count < 1:
        raise errors.field_error("count", "count must be greater than or equal to 1")
    if offset < 0:
        raise errors.field_error("offset", "offset must be greater than or equal to 0")
    return count, offset


def _int_param(query, name, default):
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise errors.field_error(name, f"{name} must be an integer") from None


def update_from(record, body, keys, convert=None):
    """Set each of ``keys`` the PATCH ``body`` names on ``record`` (through ``convert`` when given)."""
    for key in keys:
        if key in body:
            setattr(record, key, convert(body[key]) if convert else body[key])


def merge_from(record, body, keys):
    """Merge each object of ``keys`` the PATCH ``body`` holds into the same dict of ``record``."""
    for key in keys:
        if isinstance(body.get(key), dict):
            getattr(record, key).update(body[key])


def matching(items, query, *attributes):
    """The ``items`` whose ``attributes`` equal the query's values (an attribute the query leaves empty: any)."""
    wanted = {name: query[name] for name in attributes if query.get(name)}
    return [item for item in items if all(getattr(item, name) == value for name, value in wanted.items())]


def page(items, query):
    """Slice ``items`` by the ``count``/``offset`` query parameters."""
    count, offset = paging(query)
    return items[offset : offset + count]


def _path_tree(csv):
    tree = {}
    for path in csv.split(","):
        node = tree
        for part in (p for p in path.strip().split(".") if p):
            node = node.setdefault(part, {})
    return tree


def _keep(document, tree):
    if isinstance(document, list):
        return [_keep(item, tree) for item in document]
    if not isinstance(document, dict):
        return document
    kept = {}
    for key, subtree in tree.items():
        if key in document:
            kept[key] = _keep(document[key], subtree) if subtree else document[key]
    return kept


def _drop(document, tree):
    if isinstance(document, list):
        return [_drop(item, tree) for item in document]
    if not isinstance(document, dict):
        return document
    result = {}
    for key, value in document.items():
        if key not in tree:
            result[key] = value
        elif tree[key]:
            result[key] = _drop(value, tree[key])
    return result


def filter_fields(document, query):
    """Apply ``fields`` / ``exclude_fields`` (CSV, dot paths into objects and arrays)."""
    if query.get("fields"):
        document = _keep(document, _path_tree(query["fields"]))
    if query.get("exclude_fields"):
        document = _drop(document, _path_tree(query["exclude_fields"]))
    return document
