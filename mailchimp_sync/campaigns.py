"""Campaigns, reports and e-mail activity: Mailchimp's JSON as rows for Odoo (api-facts 1.10/1.11).

Framework-free: every function takes the decoded JSON of ``GET /campaigns``,
``GET /reports/{id}``, ``GET /reports/{id}/email-activity``, ``GET /reports/{id}/sent-to``
or ``GET /reports/{id}/unsubscribed`` and returns plain dicts or rows
(:class:`ActivityRow`, :class:`RecipientRow`, :class:`UnsubscribeRow`); datetimes are naive
UTC, as Odoo stores them.

Incremental import rules:

* a campaign's report is refreshed while it was sent less than
  :data:`REPORT_WINDOW` ago (plus one last time after), then frozen
  (:func:`report_is_due`);
* activity is asked for ``since`` a second-aligned moment a little before the last
  import (:func:`activity_since`); what comes back twice is recognised by its
  key (:attr:`ActivityRow.key`): campaign, address, action, time, URL and, for
  events of the same second, their rank within that second;
* who the campaign went to (the sent-to report) is read whole once the campaign
  is sent, then never again (:func:`sent_to_is_due`): Mailchimp's list of
  recipients is final when the campaign has finished sending (status ``sent``;
  while ``sending`` it still grows). A read that fails halfway leaves the campaign
  unmarked, so the next import reads it again; what was stored is recognised by
  its address. Opens after that come from the activity import, not from the
  sent-to report's ``open_count``;
* who unsubscribed through the campaign (the unsubscribed report, a few rows) is
  read with the report, while :func:`report_is_due`.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .times import parse_mailchimp_time_naive

REPORT_WINDOW = timedelta(days=30)
ACTIVITY_MARGIN = timedelta(hours=1)
ACTIONS = ("open", "click", "bounce")
DELIVERIES = ("sent", "hard", "soft")
STATUS_SENT = "sent"
ADMIN_URL = "https://{dc}.admin.mailchimp.com/campaigns/show?id={web_id}"


def iso(moment: datetime) -> str:
    """A naive UTC datetime as Mailchimp's ``2015-10-21T15:41:36+00:00`` (seconds)."""
    return moment.replace(microsecond=0).isoformat() + "+00:00"


def campaign_url(campaign: Mapping, dc: str) -> str:
    """Where to open the campaign: its archive page when it has one, else Mailchimp's admin page."""
    url = campaign.get("archive_url") or campaign.get("long_archive_url")
    if url:
        return url
    if campaign.get("web_id") and dc:
        return ADMIN_URL.format(dc=dc, web_id=campaign["web_id"])
    return ""


def _percent(rate) -> float:
    """Mailchimp's rate (0..1) as a percentage rounded to 0.01."""
    try:
        return round(float(rate or 0) * 100, 2)
    except (TypeError, ValueError):
        return 0.0


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def campaign_values(campaign: Mapping, dc: str) -> dict:
    """A campaign of ``GET /campaigns`` as the columns of ``mailchimp.campaign`` (no statistics but sent)."""
    settings = campaign.get("settings") or {}
    recipients = campaign.get("recipients") or {}
    return {
        "mailchimp_id": campaign["id"],
        "list_id": recipients.get("list_id") or "",
        "web_id": str(campaign.get("web_id") or ""),
        "title": settings.get("title") or "",
        "subject": settings.get("subject_line") or "",
        "preview_text": settings.get("preview_text") or "",
        "from_name": settings.get("from_name") or "",
        "reply_to": settings.get("reply_to") or "",
        "segment_id": str((recipients.get("segment_opts") or {}).get("saved_segment_id") or ""),
        "type": campaign.get("type") or "",
        "status": campaign.get("status") or "",
        "send_time": parse_mailchimp_time_naive(campaign.get("send_time")),
        "emails_sent": _int(campaign.get("emails_sent")),
        "url": campaign_url(campaign, dc),
    }


def draft_settings(values: Mapping) -> dict:
    """A draft's columns (``subject``, ``preview_text``, ``title``, ``from_name``, ``reply_to``) as the
    ``settings`` of ``POST /campaigns`` and ``PATCH /campaigns/{id}`` (the title defaults to the subject)."""
    return {
        "subject_line": values.get("subject") or "",
        "preview_text": values.get("preview_text") or "",
        "title": values.get("title") or values.get("subject") or "",
        "from_name": values.get("from_name") or "",
        "reply_to": values.get("reply_to") or "",
    }


def report_values(report: Mapping) -> dict:
    """``GET /reports/{id}`` as the statistics columns; rates in percent."""
    opens = report.get("opens") or {}
    clicks = report.get("clicks") or {}
    bounces = report.get("bounces") or {}
    return {
        "emails_sent": _int(report.get("emails_sent")),
        "opens_total": _int(opens.get("opens_total")),
        "unique_opens": _int(opens.get("unique_opens")),
        "open_rate": _percent(opens.get("open_rate")),
        "clicks_total": _int(clicks.get("clicks_total")),
        "unique_clicks": _int(clicks.get("unique_clicks")),
        "unique_subscriber_clicks": _int(clicks.get("unique_subscriber_clicks")),
        "click_rate": _percent(clicks.get("click_rate")),
        "unsubscribed": _int(report.get("unsubscribed")),
        "hard_bounces": _int(bounces.get("hard_bounces")),
        "soft_bounces": _int(bounces.get("soft_bounces")),
        "abuse_reports": _int(report.get("abuse_reports")),
    }


def report_is_due(status: str, send_time: datetime | None, last_report: datetime | None, now: datetime,
                  window: timedelta = REPORT_WINDOW) -> bool:
    """Whether to ask for a sent campaign's report (and activity) again.

    Until :data:`REPORT_WINDOW` after sending, and once more after it (the last
    import before then may have missed the end); frozen afterwards.
    """
    if status != STATUS_SENT or not send_time:
        return False
    if not last_report:
        return True
    return last_report < send_time + window


def activity_since(last_seen: datetime | None, last_import: datetime | None,
                   margin: timedelta = ACTIVITY_MARGIN) -> str | None:
    """The ``since`` of the next email-activity request; None: ask for everything.

    The earlier of the last event seen (Mailchimp's clock) and the last import
    (Odoo's clock), less ``margin`` and cut to the second, so a late event or two
    clocks apart lose nothing; what comes back again is recognised by its key.
    """
    moments = [moment for moment in (last_seen, last_import) if moment]
    if not moments:
        return None
    return iso(min(moments) - margin)


@dataclass(frozen=True)
class ActivityRow:
    """One open, click or bounce of one address for one campaign."""

    email: str
    action: str
    timestamp: datetime
    url: str = ""
    bounce_type: str = ""
    ip: str = ""
    rank: int = 0
    """0 for the first event with this action, time and URL; 1, 2… for the next ones of the same second."""

    @property
    def key(self) -> str:
        """What makes the event unique within its campaign (a hash, to fit an index)."""
        raw = "\x1f".join((self.email.lower(), self.action, iso(self.timestamp), self.url, str(self.rank)))
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def activity_rows(entry: Mapping) -> list[ActivityRow]:
    """The events of one ``emails[]`` entry of the email-activity report, unknown actions left out."""
    email = str(entry.get("email_address") or "").strip()
    if not email:
        return []
    seen = Counter()
    rows = []
    for event in entry.get("activity") or []:
        action = event.get("action")
        timestamp = parse_mailchimp_time_naive(event.get("timestamp"))
        if action not in ACTIONS or timestamp is None:
            continue
        url = str(event.get("url") or "") if action == "click" else ""
        bounce_type = str(event.get("type") or "") if action == "bounce" else ""
        identity = (action, timestamp.replace(microsecond=0), url)
        rows.append(ActivityRow(email=email, action=action, timestamp=timestamp.replace(microsecond=0), url=url,
                                bounce_type=bounce_type, ip=str(event.get("ip") or ""), rank=seen[identity]))
        seen[identity] += 1
    return rows



def sent_to_is_due(status: str, recipients_complete: bool) -> bool:
    """Whether to read a campaign's sent-to report: once it is sent, until one read went through."""
    return status == STATUS_SENT and not recipients_complete


@dataclass(frozen=True)
class RecipientRow:
    """One address a campaign was sent to, as the sent-to report has it."""

    email: str
    delivery: str = "sent"
    """``sent``, or the bounce that kept it from arriving: ``hard`` or ``soft``."""

    @property
    def bounce_type(self) -> str:
        return self.delivery if self.delivery in ("hard", "soft") else ""


def recipient_row(entry: Mapping) -> RecipientRow | None:
    """One ``sent_to[]`` entry of the sent-to report; None without an address (an unknown status: ``sent``)."""
    email = str(entry.get("email_address") or "").strip()
    if not email:
        return None
    status = entry.get("status")
    return RecipientRow(email=email, delivery=status if status in DELIVERIES else "sent")


@dataclass(frozen=True)
class UnsubscribeRow:
    """One recipient who unsubscribed through the campaign (the unsubscribed report)."""

    email: str
    timestamp: datetime | None
    reason: str = ""


def unsubscribe_row(entry: Mapping) -> UnsubscribeRow | None:
    """One ``unsubscribes[]`` entry of the unsubscribed report; None without an address."""
    email = str(entry.get("email_address") or "").strip()
    if not email:
        return None
    return UnsubscribeRow(email=email, timestamp=parse_mailchimp_time_naive(entry.get("timestamp")),
                          reason=str(entry.get("reason") or ""))
