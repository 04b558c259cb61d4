"""What remote services push to Odoo: Mailchimp webhook events and forwarded SMS sign-ups.

Frozen dataclasses without behaviour beyond reading themselves; they are built by
:mod:`.webhooks` and :mod:`.sms_signup` (which re-export them) and applied by the
Odoo layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .const import WEBHOOK_UPEMAIL


@dataclass(frozen=True)
class InterestGrouping:
    """One ``data[merges][GROUPINGS][n]`` of a webhook: an interest category and its chosen groups.

    ``groups_text`` is Mailchimp's comma-separated text as received; ``groups`` is
    it split on commas (``\\,`` is a comma inside a name). A group name that
    contains an unescaped comma cannot be told apart from two names: resolve
    ``groups_text`` against the category's known names with
    :func:`.webhooks.resolve_group_names` when that matters.
    """

    id: str
    name: str
    groups_text: str
    groups: frozenset[str]
    unique_id: str = ""


@dataclass(frozen=True, kw_only=True)
class WebhookEvent:
    """One Mailchimp list webhook delivery, typed (see :func:`.webhooks.parse_webhook`).

    Text fields absent from the delivery are ``""``. ``email`` is the member's
    address after the event (for ``upemail`` the new one); the address that
    finds the member in Odoo is :attr:`match_email`.
    """

    type: str
    fired_at: datetime  # timezone-aware, UTC
    list_id: str
    email: str = ""
    old_email: str = ""  # upemail only
    new_email: str = ""  # upemail only
    member_id: str = ""  # data[id] (a short id, not the subscriber hash); data[new_id] for upemail
    email_type: str = ""
    ip_opt: str = ""
    ip_signup: str = ""
    web_id: str = ""
    merges: Mapping[str, str] = field(default_factory=dict)  # text merges, INTERESTS included
    merge_parts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # e.g. ADDRESS
    groupings: tuple[InterestGrouping, ...] = ()
    action: str = ""  # unsubscribe: "unsub" or "delete"
    reason: str = ""  # unsubscribe: manual/abuse; cleaned: hard/abuse; campaign: free text
    campaign_id: str = ""  # unsubscribe/cleaned: data[campaign_id]; campaign: data[id]
    subject: str = ""  # campaign only
    campaign_status: str = ""  # campaign only: data[status] (sent, cancelled)

    @property
    def match_email(self) -> str:
        """The address Odoo knows the member by: the old one for ``upemail``."""
        return self.old_email if self.type == WEBHOOK_UPEMAIL else self.email


@dataclass(frozen=True, kw_only=True)
class SmsSignup:
    """A sign-up texted to the company's SMS number (see :func:`.sms_signup.parse_sms_signup`)."""

    email: str  # normalized as sent to Mailchimp (see eligibility.normalize_email)
    phone: str | None  # sender in E.164, or None when missing or not a valid number
    received_at: datetime | None  # timezone-aware, or None when missing or not understood
    message: str
