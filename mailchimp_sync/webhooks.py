"""Mailchimp list webhooks: one form-encoded POST body becomes one typed :class:`WebhookEvent`.

Mailchimp POSTs ``application/x-www-form-urlencoded`` with PHP-style bracket keys
(``data[merges][GROUPINGS][0][groups]``, api-facts 1.9). Audience webhooks are
not signed, so the URL carries a per-audience secret (:func:`new_secret`,
:func:`secret_matches`). Whatever is wrong with a delivery is a
:class:`WebhookError` carrying the HTTP status the controller answers:

* 200: an empty body, i.e. Mailchimp's URL validator (see :func:`is_validation_ping`);
* 400: not UTF-8, not a form, a NUL character, a repeated or clashing key,
  ``type`` missing or unknown, a field the type needs missing, a bad ``fired_at``;
* 413: a body over :data:`MAX_WEBHOOK_BYTES`;
* 415: a Content-Type other than form-encoded.

Values are kept verbatim (HTML or SQL in a merge field is just text); only the
address fields lose surrounding blanks. Mailchimp redelivers what it thinks
failed for 75 minutes: :func:`event_key` lets the Odoo layer apply an event once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime

from .const import (
    MAX_WEBHOOK_BYTES,
    UNSUB_ACTION_DELETE,
    UNSUB_ACTION_UNSUB,
    WEBHOOK_CAMPAIGN,
    WEBHOOK_CLEANED,
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_PROFILE,
    WEBHOOK_SUBSCRIBE,
    WEBHOOK_UNSUBSCRIBE,
    WEBHOOK_UPEMAIL,
)
from .webhook_types import InterestGrouping, WebhookEvent  # re-exported for callers

__all__ = [
    "MAX_WEBHOOK_BYTES",
    "InterestGrouping",
    "WebhookError",
    "WebhookEvent",
    "check_content_type",
    "check_size",
    "event_key",
    "is_validation_ping",
    "new_secret",
    "parse_webhook",
    "resolve_group_names",
    "secret_matches",
    "split_group_names",
    "storable_body",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 1000  # a real delivery has a few dozen
MAX_KEY_DEPTH = 6  # data[merges][GROUPINGS][0][groups] is 5
SECRET_BYTES = 24  # 192 random bits, 32 URL-safe characters

# What each type needs under data[...], besides ``type`` and ``fired_at``.
REQUIRED_FIELDS = {
    WEBHOOK_SUBSCRIBE: ("list_id", "email"),
    WEBHOOK_UNSUBSCRIBE: ("list_id", "email"),
    WEBHOOK_PROFILE: ("list_id", "email"),
    WEBHOOK_UPEMAIL: ("list_id", "old_email", "new_email"),
    WEBHOOK_CLEANED: ("list_id", "email"),
    WEBHOOK_CAMPAIGN: ("list_id", "id"),
}

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]+\])*)")
_KEY_SEGMENT = re.compile(r"\[([^\[\]]+)\]")
_FIRED_AT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_ANY_COMMA = re.compile(r"\\?,")


class WebhookError(Exception):
    """A delivery that cannot be applied: ``reason`` is short and safe to answer, ``status`` the HTTP status."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


# ------------------------------------------------------------ the delivery


def is_validation_ping(method: str | None, body: bytes | None) -> bool:
    """True for Mailchimp's URL validator: a GET (or HEAD), or a POST with an empty body; answer 200."""
    method = (method or "").upper()
    if method in ("GET", "HEAD"):
        return True
    return method == "POST" and not (body or b"").strip()


def check_size(length: int | None) -> None:
    """Refuse (413) a body of ``length`` bytes, e.g. the Content-Length, before reading it."""
    if length is not None and length > MAX_WEBHOOK_BYTES:
        raise WebhookError(f"body larger than {MAX_WEBHOOK_BYTES // 1024} KB", 413)


def parse_webhook(raw: bytes, content_type: str | None = None) -> WebhookEvent:
    """The event of one delivery body, or :class:`WebhookError` (a missing Content-Type is accepted)."""
    check_size(len(raw))
    if not raw.strip():
        raise WebhookError("empty body: nothing to do", 200)
    check_content_type(content_type)
    form = _nest(_pairs(_decode(raw)))
    return _event(form)


def storable_body(raw: bytes) -> str:
    """The body as text for the event log.

    Nothing needs stripping: the secret is in the URL, never in the body. A
    UTF-8 body is kept exactly; undecodable bytes become ``\\xNN`` and NUL
    ``\\x00`` (PostgreSQL text cannot hold it), so logging a refused body never fails.
    """
    text = raw[:MAX_WEBHOOK_BYTES].decode("utf-8", "backslashreplace")
    return text.replace("\x00", "\\x00")


def check_content_type(content_type: str | None) -> None:
    """Refuse (415) a body that is not form-encoded UTF-8; a missing Content-Type is accepted."""
    if not content_type:
        return
    media, *params = content_type.split(";")
    charsets = [value.strip().strip('"').lower() for name, _, value in (p.partition("=") for p in params)
                if name.strip().lower() == "charset"]
    if media.strip().lower() != FORM_CONTENT_TYPE or any(c not in ("utf-8", "utf8") for c in charsets):
        raise WebhookError(f"expected {FORM_CONTENT_TYPE} in UTF-8", 415)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookError("body is not UTF-8") from None


def _pairs(text: str) -> list[tuple[str, str]]:
    """The form's ``(key, value)`` pairs, percent-escapes decoded strictly as UTF-8."""
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                                       max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise WebhookError("body is not UTF-8") from None
    except ValueError:
        raise WebhookError("too many fields") from None
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        raise WebhookError("NUL character in a field")
    return pairs


def _nest(pairs: Iterable[tuple[str, str]]) -> dict:
    """Bracket keys read as PHP does: ``data[merges][FNAME]=Jan`` → ``{"data": {"merges": {"FNAME": "Jan"}}}``.

    Unlike PHP, a repeated key is refused rather than overwritten: Mailchimp never
    repeats one, and ``type=subscribe&type=unsubscribe`` has no right reading.
    """
    form: dict = {}
    for key, value in pairs:
        *parents, leaf = _key_path(key)
        node = form
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise WebhookError("a field is both a value and a group of fields")
        if leaf in node:
            raise WebhookError("a field is repeated or clashes with another")
        node[leaf] = value
    return form


def _key_path(key: str) -> list[str]:
    match = _KEY.fullmatch(key)
    if match is None:
        raise WebhookError("malformed field name")
    path = [match[1], *_KEY_SEGMENT.findall(match[2])]
    if len(path) > MAX_KEY_DEPTH:
        raise WebhookError("field name nested too deep")
    return path


# ------------------------------------------------------------ the event


def _event(form: dict) -> WebhookEvent:
    event_type = _text(form, "type", "type")
    if not event_type:
        raise WebhookError("missing type")
    if event_type not in WEBHOOK_EVENT_TYPES:
        raise WebhookError("unknown type")
    fired_at = _fired_at(form.get("fired_at"))
    data = form.get("data", {})
    if not isinstance(data, dict):
        raise WebhookError("data is not a group of fields")
    for name in REQUIRED_FIELDS[event_type]:
        if not _text(data, name).strip():
            raise WebhookError(f"missing data[{name}] ({event_type} event)")
    return _build(event_type, fired_at, data)


def _build(event_type: str, fired_at: datetime, data: dict) -> WebhookEvent:
    """Every type reads the same names; what a type does not carry stays ``""``."""
    is_campaign = event_type == WEBHOOK_CAMPAIGN
    is_upemail = event_type == WEBHOOK_UPEMAIL
    merges, merge_parts, groupings = _merges(data.get("merges", {}))
    return WebhookEvent(
        type=event_type,
        fired_at=fired_at,
        list_id=_text(data, "list_id"),
        email=_text(data, "new_email" if is_upemail else "email").strip(),
        old_email=_text(data, "old_email").strip(),
        new_email=_text(data, "new_email").strip(),
        member_id="" if is_campaign else _text(data, "new_id" if is_upemail else "id"),
        email_type=_text(data, "email_type"),
        ip_opt=_text(data, "ip_opt"),
        ip_signup=_text(data, "ip_signup"),
        web_id=_text(data, "web_id"),
        merges=merges,
        merge_parts=merge_parts,
        groupings=groupings,
        action=_action(event_type, data),
        reason=_text(data, "reason"),
        campaign_id=_text(data, "id" if is_campaign else "campaign_id"),
        subject=_text(data, "subject") if is_campaign else "",
        campaign_status=_text(data, "status") if is_campaign else "",
    )


def _text(fields_: Mapping, name: str, label: str | None = None) -> str:
    """The text of one field, ``""`` when absent; 400 when it is a group of fields."""
    value = fields_.get(name, "")
    if not isinstance(value, str):
        raise WebhookError(f"{label or f'data[{name}]'} is not a text field")
    return value


def _fired_at(value) -> datetime:
    """Mailchimp's ``YYYY-MM-DD HH:MM:SS``, which is UTC (it says no zone)."""
    if not isinstance(value, str) or not _FIRED_AT.fullmatch(value):
        raise WebhookError("missing or malformed fired_at")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise WebhookError("missing or malformed fired_at") from None


def _action(event_type: str, data: dict) -> str:
    """An unsubscribe's action: ``unsub`` (also when absent) or ``delete``; other types have none."""
    if event_type != WEBHOOK_UNSUBSCRIBE:
        return ""
    action = _text(data, "action") or UNSUB_ACTION_UNSUB
    if action not in (UNSUB_ACTION_UNSUB, UNSUB_ACTION_DELETE):
        raise WebhookError("unknown unsubscribe action")
    return action


def _merges(merges) -> tuple[dict[str, str], dict[str, dict[str, str]], tuple[InterestGrouping, ...]]:
    """Text merges, merges in parts (``ADDRESS[city]``) and the interest groupings."""
    if not isinstance(merges, dict):
        raise WebhookError("data[merges] is not a group of fields")
    texts, parts, groupings = {}, {}, ()
    for tag, value in merges.items():
        if tag == "GROUPINGS":
            groupings = _groupings(value)
        elif isinstance(value, str):
            texts[tag] = value
        elif all(isinstance(part, str) for part in value.values()):
            parts[tag] = dict(value)
        else:
            raise WebhookError("merge field nested too deep")
    return texts, parts, groupings


def _groupings(value) -> tuple[InterestGrouping, ...]:
    if value == "":
        return ()
    if not isinstance(value, dict) or not all(k.isascii() and k.isdigit() for k in value):
        raise WebhookError("malformed data[merges][GROUPINGS]")
    return tuple(_grouping(value[index]) for index in sorted(value, key=int))


def _grouping(entry) -> InterestGrouping:
    if not isinstance(entry, dict):
        raise WebhookError("malformed data[merges][GROUPINGS]")
    label = "data[merges][GROUPINGS][n]"
    groups_text = _text(entry, "groups", label)
    return InterestGrouping(
        id=_text(entry, "id", label),
        name=_text(entry, "name", label),
        groups_text=groups_text,
        groups=split_group_names(groups_text),
        unique_id=_text(entry, "unique_id", label),
    )


# ------------------------------------------------------------ group names


def split_group_names(text: str) -> frozenset[str]:
    """Group names of a ``groups`` or ``INTERESTS`` text: split on commas, ``\\,`` being a comma in a name."""
    names = (part.strip().replace("\\,", ",") for part in _UNESCAPED_COMMA.split(text))
    return frozenset(name for name in names if name)


def resolve_group_names(text: str, known_names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """``(known names chosen, unrecognized pieces)`` of a ``groups`` text.

    Mailchimp joins the names with ", ", so a name with a comma of its own
    ("Walk, 2015") cannot be split apart blindly: the known names are looked for
    as runs of comma-separated pieces, those with most pieces first, and each
    piece is used once. Escaped (``\\,``) and plain commas are treated alike.
    """
    pieces = [piece.strip() for piece in _ANY_COMMA.split(text)]
    found = set()
    for name in sorted(set(known_names), key=lambda n: (-n.count(","), n)):
        wanted = [piece.strip() for piece in name.split(",")]
        for start in range(len(pieces) - len(wanted) + 1):
            if pieces[start:start + len(wanted)] == wanted:
                found.add(name)
                pieces[start:start + len(wanted)] = [None] * len(wanted)
                break
    return frozenset(found), frozenset(piece for piece in pieces if piece)


# ------------------------------------------------------------ idempotency and secrets


def event_key(event: WebhookEvent) -> str:
    """A stable name of the event (sha256 hex of all it says, in a canonical order).

    A redelivery, or the same event reaching two registered webhooks, gets the
    same key whatever the order of the fields; two profile edits in the same
    second differ in their merges and get different keys.
    """
    canonical = json.dumps(_canonical(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical(value):
    if is_dataclass(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Mapping):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_canonical(item) for item in value]
    return value


def new_secret() -> str:
    """A fresh URL secret for an audience: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(SECRET_BYTES)


# Compared against when the audience is unknown, so that case takes the same time.
_NO_SECRET = new_secret()


def secret_matches(expected: str | None, given: str | None) -> bool:
    """True when ``given`` is the audience's secret, in time that reveals nothing.

    The SHA-256 digests are compared (``hmac.compare_digest``), so neither the
    content nor the length of the secret shows in the timing; with no audience
    (``expected`` None or empty) a random secret is compared and False returned.
    """
    reference = expected or _NO_SECRET
    same = hmac.compare_digest(_digest(reference), _digest(given or ""))
    return same and bool(expected)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
