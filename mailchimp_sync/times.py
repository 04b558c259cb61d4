"""Mailchimp's times (``2015-10-21T15:41:36+00:00``, ISO 8601 with an offset), read as UTC.

:func:`parse_mailchimp_time` gives an aware UTC datetime (what the core
compares); :func:`parse_mailchimp_time_naive` a naive UTC one (what Odoo's
``Datetime`` fields store). A time without an offset is taken as UTC; what is
absent or not a time gives None.
"""
from __future__ import annotations

from datetime import datetime, timezone


def parse_mailchimp_time(value) -> datetime | None:
    """Mailchimp's ``2015-10-21T15:41:36+00:00`` as an aware UTC datetime (None if absent or odd)."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_mailchimp_time_naive(value) -> datetime | None:
    """Mailchimp's time as a naive UTC datetime, as Odoo stores it (None if absent or odd)."""
    moment = parse_mailchimp_time(value)
    return moment.replace(tzinfo=None) if moment else None
