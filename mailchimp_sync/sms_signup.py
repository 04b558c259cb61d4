"""Sign-ups texted to the company's number and forwarded by the SMS gateway (SerwerSMS "forward to URL").

SerwerSMS fills placeholders of a URL set in its panel (api-facts part 2):
``#WIADOMOSC#`` the text, ``#NUMER#``/``#NUMEROD#`` the sender (often 9 digits,
without +48) and ``#DATA#`` (``YYYY-MM-DD HH:ii:ss``, the gateway's Polish local
time). :func:`parse_sms_signup` finds the address to subscribe in free text such
as "Zapisz mnie: jan.kowalski@example.pl dzięki!": the first candidate that
:func:`.eligibility.normalize_email` accepts wins. The sender's number and the
date are extras: one that cannot be read is ``None``, never an error.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .const import MAX_SMS_MESSAGE_CHARS
from .eligibility import normalize_email
from .member_payload import to_e164
from .webhook_types import SmsSignup  # re-exported for callers
from .webhooks import WebhookError

__all__ = ["MAX_SMS_MESSAGE_CHARS", "NO_EMAIL_REASON", "SmsSignup", "SmsSignupError", "find_email",
           "normalize_phone", "parse_sms_date", "parse_sms_signup"]

NO_EMAIL_REASON = "no valid email address in message"
GATEWAY_TIMEZONE = "Europe/Warsaw"
MAX_FIELD_CHARS = 64  # phone and date: anything longer is not one

# Something@something between separators; the address check is email-validator's.
_SEPARATORS = r"\s@<>()\[\]{},;:\"'/|«»„”“‘’"
_CANDIDATE = re.compile(rf"[^{_SEPARATORS}]+@[^{_SEPARATORS}]+")
# Symbols around a candidate are noise ("*ola@x.pl*!"). An address really starting with
# one ("!ola@x.pl", valid but unheard of in practice) would be read without it.
_EDGE_NOISE = re.compile(r"^\W+|\W+$")


class SmsSignupError(WebhookError):
    """A forwarded SMS that subscribes nobody; ``status`` is what the controller answers (400, 413)."""


def parse_sms_signup(message: str | None, phone: str | None = None, date: str | None = None,
                     default_region: str = "PL", gateway_timezone: str = GATEWAY_TIMEZONE) -> SmsSignup:
    """The sign-up an SMS asks for, or :class:`SmsSignupError` when it holds no valid address."""
    text = _checked_message(message)
    email = find_email(text)
    if email is None:
        raise SmsSignupError(NO_EMAIL_REASON)
    return SmsSignup(email=email, phone=normalize_phone(phone, default_region),
                     received_at=parse_sms_date(date, gateway_timezone), message=text)


def _checked_message(message: str | None) -> str:
    if not isinstance(message, str) or not message.strip():
        raise SmsSignupError(NO_EMAIL_REASON)
    if len(message) > MAX_SMS_MESSAGE_CHARS:
        raise SmsSignupError(f"message longer than {MAX_SMS_MESSAGE_CHARS} characters", 413)
    if "\x00" in message:
        raise SmsSignupError("NUL character in message")
    return message


def find_email(text: str) -> str | None:
    """The first valid address in ``text``, normalized, ignoring punctuation around it."""
    for match in _CANDIDATE.finditer(text):
        candidate = _EDGE_NOISE.sub("", match[0])
        email = normalize_email(candidate)
        if email:
            return email
    return None


def normalize_phone(phone: str | None, default_region: str = "PL") -> str | None:
    """``phone`` in E.164, or None when missing or not a valid number.

    A national number takes ``default_region``; digits only that are not valid
    there are retried as international (``4915112345678`` → ``+4915112345678``),
    as a gateway may drop the ``+`` (or a URL decode turn it into a blank).
    """
    number = (phone or "").strip()
    if not number or len(number) > MAX_FIELD_CHARS:
        return None
    formatted = to_e164(number, default_region)
    if formatted is None and number.isascii() and number.isdigit():
        formatted = to_e164("+" + number, default_region)
    return formatted


def parse_sms_date(date: str | None, gateway_timezone: str = GATEWAY_TIMEZONE) -> datetime | None:
    """The gateway's date, timezone-aware; None when missing or not understood.

    SerwerSMS writes ``YYYY-MM-DD HH:ii:ss`` in its local time, read in
    ``gateway_timezone``; ISO 8601 with an offset keeps its offset.
    """
    text = (date or "").strip()
    if not text or len(text) > MAX_FIELD_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment
    zone = _zone(gateway_timezone)
    return moment.replace(tzinfo=zone) if zone else None


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo | None:
    """The zone, or None when this system's zone database lacks it (then the date is unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
