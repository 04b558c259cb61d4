"""The customer's Mailchimp panel, without Odoo: which addresses, what Mailchimp says of each, what the dialog changes.

* :func:`split_addresses` (:func:`.eligibility.field_addresses`) reads an email field that may hold several addresses
  (``a@acme.pl, "Jan" <jan@acme.pl>; b@acme.pl``) into distinct addresses in
  the form Mailchimp knows them (:func:`.eligibility.normalize_email`: ASCII
  domain); :func:`panel_addresses` adds the addresses of the company's contacts,
  each address once, the customer's own first.
* :func:`address_panel` turns, for one address, the member documents of every
  audience (``GET /lists/{id}/members/{hash}``, None when not a member) and their
  activity (``GET …/activity``: ``sent``, ``open``, ``click`` events with the
  campaign) into the panel's data: audiences with a status and its colour
  (:data:`MAILCHIMP_STATUS_WORDS`, the words the panel shows too), the
  last campaigns received with opened/clicked marks, and the average open and
  click rates (Mailchimp's member ``stats``), weighted by campaigns received.
* :func:`subscription_changes` is what **Save changes** of the dialog sends:
  only the boxes that differ from what the dialog opened with.
* :class:`MailchimpPanelProvider` answers the panel's questions of any provider
  (:class:`.panel_providers.PanelProvider`) from the Mailchimp client.

The compliance rule of a ticked box (``pending`` for who unsubscribed) is
:func:`.sync_plan.manual_subscription_status`.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .const import (
    STATUS_ARCHIVED,
    STATUS_CLEANED,
    STATUS_DELETED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
    STATUS_TRANSACTIONAL,
    STATUS_UNSUBSCRIBED,
)
from .duplicates import email_key
from .eligibility import field_addresses as split_addresses  # also imported from here by callers
from .panel_providers import LAST_CAMPAIGNS, PanelProvider, StatusWord, _lt, status_word
from .sync_plan import WANTED_STATUSES
from .times import parse_mailchimp_time_naive

# Mailchimp's member statuses as the panel and the dialog show them (word and Bootstrap text colour).
MAILCHIMP_STATUS_WORDS = {
    STATUS_SUBSCRIBED: StatusWord(_lt("Subscribed"), "text-success"),
    STATUS_UNSUBSCRIBED: StatusWord(_lt("Unsubscribed"), "text-danger"),
    STATUS_PENDING: StatusWord(_lt("Waiting for confirmation"), "text-warning"),
    STATUS_CLEANED: StatusWord(_lt("Cleaned (bounced)"), "text-muted"),
    STATUS_ARCHIVED: StatusWord(_lt("Archived"), "text-muted"),
    STATUS_DELETED: StatusWord(_lt("Deleted"), "text-muted"),
    STATUS_TRANSACTIONAL: StatusWord(_lt("Transactional"), "text-muted"),
}


@dataclass(frozen=True)
class PanelAddress:
    """One tab of the panel: an address and the customer (or contact) whose field holds it."""

    email: str
    partner_id: int
    partner_name: str = ""

    @property
    def key(self) -> str:
        return email_key(self.email)


def panel_addresses(partner_id: int, partner_name: str, email_field: str | None,
                    contacts: Iterable[tuple[int, str, str | None]] = ()) -> list[PanelAddress]:
    """The customer's addresses, then its contacts' ``(id, name, email field)`` ones, each address once."""
    addresses, seen = [], set()
    for owner_id, owner_name, field in [(partner_id, partner_name, email_field), *contacts]:
        for email in split_addresses(field):
            if email.lower() not in seen:
                seen.add(email.lower())
                addresses.append(PanelAddress(email, owner_id, owner_name or ""))
    return addresses


def status_class(status: str | None) -> str:
    """The Bootstrap text colour of a Mailchimp status (None: not a member)."""
    return status_word(MAILCHIMP_STATUS_WORDS, status).css


def is_wanted(status: str | None) -> bool:
    """Whether the dialog shows the audience ticked: subscribed, or waiting for the contact's confirmation."""
    return status in WANTED_STATUSES


def address_panel(email: str, audiences: Iterable[tuple[str, str]], members: Mapping[str, Mapping | None],
                  activities: Mapping[str, Iterable[Mapping]] | None = None, limit: int = LAST_CAMPAIGNS) -> dict:
    """The panel's data for ``email``, as JSON-ready values.

    ``audiences`` are the account's ``(list id, name)``; ``members`` maps a list
    id to the member document (None or absent: not a member); ``activities``
    maps a list id to the member's activity events. Empty parts come back
    empty (``campaigns`` []) or None (``activity``): the panel hides them.
    """
    activities = activities or {}
    rows = []
    for list_id, name in audiences:
        status = (members.get(list_id) or {}).get("status") or None
        rows.append({"list_id": list_id, "name": name, "status": status, "css": status_class(status),
                     "wanted": is_wanted(status)})
    events = [event for list_id, _name in audiences for event in activities.get(list_id) or ()]
    return {
        "email": email,
        "audiences": rows,
        "in_any_audience": any(row["status"] for row in rows),
        "subscribed_count": sum(1 for row in rows if row["status"] == STATUS_SUBSCRIBED),
        "campaigns": last_campaigns(events, limit),
        "activity": average_rates(members, activities),
    }


def last_campaigns(events: Iterable[Mapping], limit: int = LAST_CAMPAIGNS) -> list[dict]:
    """The ``limit`` campaigns most recently sent to the address, newest first, with opened/clicked and when.

    A campaign is known by its id across audiences (an address in two audiences
    that got one campaign got it once); its date is the ``sent`` event, else the
    earliest event of it that is left (Mailchimp keeps the last 50 events).
    """
    campaigns: dict[str, dict] = {}
    for event in events:
        campaign_id = event.get("campaign_id")
        moment = parse_mailchimp_time_naive(event.get("timestamp"))
        if not campaign_id or moment is None:
            continue
        campaign = campaigns.setdefault(campaign_id, {
            "campaign_id": campaign_id, "title": "", "sent_at": None, "first_seen": moment,
            "opened": False, "opened_at": None, "clicked": False, "clicked_at": None})
        campaign["title"] = campaign["title"] or str(event.get("title") or "")
        campaign["first_seen"] = min(campaign["first_seen"], moment)
        action = event.get("action")
        if action == "sent":
            campaign["sent_at"] = moment
        elif action in ("open", "click"):
            verb = "opened" if action == "open" else "clicked"
            campaign[verb] = True
            if campaign[f"{verb}_at"] is None or moment < campaign[f"{verb}_at"]:
                campaign[f"{verb}_at"] = moment
    newest = sorted(campaigns.values(), key=lambda item: item["sent_at"] or item["first_seen"], reverse=True)
    return [_campaign_row(campaign) for campaign in newest[:limit]]


def _campaign_row(campaign: dict) -> dict:
    sent_at = campaign.pop("sent_at") or campaign["first_seen"]
    campaign.pop("first_seen")
    return {**campaign, "sent_at": _iso(sent_at), "opened_at": _iso(campaign["opened_at"]),
            "clicked_at": _iso(campaign["clicked_at"]), "title": campaign["title"] or campaign["campaign_id"]}


def average_rates(members: Mapping[str, Mapping | None], activities: Mapping[str, Iterable[Mapping]]) -> dict | None:
    """Mailchimp's average open and click rates of the address (0 to 1), over the audiences it got campaigns in.

    Each audience counts as many times as campaigns it sent to the address; None
    when the address got none (the panel then hides the part: a 0 % open rate of
    nothing received says nothing).
    """
    weight_total = open_total = click_total = 0.0
    for list_id, member in members.items():
        if not member:
            continue
        received = {event.get("campaign_id") for event in activities.get(list_id) or ()
                    if event.get("action") == "sent"}
        if not received:
            continue
        stats = member.get("stats") or {}
        weight = len(received)
        weight_total += weight
        open_total += weight * float(stats.get("avg_open_rate") or 0)
        click_total += weight * float(stats.get("avg_click_rate") or 0)
    if not weight_total:
        return None
    return {"avg_open_rate": round(open_total / weight_total, 4),
            "avg_click_rate": round(click_total / weight_total, 4)}


def subscription_changes(original: Mapping[str, bool], wanted: Mapping[str, bool]) -> list[tuple[str, bool]]:
    """``(list id, subscribe)`` for every audience whose box differs from the one the dialog opened with.

    Audiences the dialog did not open with are ignored (nobody saw them).
    """
    return [(list_id, bool(wanted[list_id])) for list_id in original
            if list_id in wanted and bool(wanted[list_id]) != bool(original[list_id])]


def _iso(moment) -> str | None:
    return moment.isoformat(sep=" ", timespec="seconds") if moment else None


class MailchimpPanelProvider(PanelProvider):
    """The panel's questions answered from Mailchimp: each audience's member document and, for a member, its activity.

    ``audiences`` are the account's ``(list id, name)``. The audiences are read
    ``parallel`` at a time (the user waits for Mailchimp's round trips, not for
    Odoo), once per address for the life of the instance. Applying the dialog's
    changes stays in Odoo (``res.partner.mailchimp_panel_save``): each change also
    updates Odoo's member binding, the customer's box and tags, so that the next
    sync sends nothing back.
    """

    subscribed_status = STATUS_SUBSCRIBED
    status_words = MAILCHIMP_STATUS_WORDS

    def __init__(self, client, audiences: Iterable[tuple[str, str]], max_retries: int | None = None,
                 parallel: int = 4):
        self.client = client
        self.audiences = list(audiences)
        self.max_retries = max_retries
        self.parallel = parallel
        self._reads: dict[str, tuple[dict, dict]] = {}

    def lists_for(self, email):
        members, activities = self._read(email)
        return address_panel(email, self.audiences, members, activities)["audiences"]

    def recent_campaigns(self, email, limit=LAST_CAMPAIGNS):
        _members, activities = self._read(email)
        return last_campaigns([event for list_id, _name in self.audiences for event in activities.get(list_id) or ()],
                              limit)

    def activity_rates(self, email):
        return average_rates(*self._read(email))

    def apply_changes(self, email, changes, name=""):
        raise NotImplementedError("Mailchimp's changes are applied by Odoo (res.partner.mailchimp_panel_save).")

    def _read(self, email):
        """``(members, activities)`` of ``email`` by list id."""
        key = email_key(email)
        if key not in self._reads:
            list_ids = [list_id for list_id, _name in self.audiences]
            failed = threading.Event()

            def read(list_id):  # one failure fails the panel: the audiences not started yet are not read
                if failed.is_set():
                    return None, None
                try:
                    return self._read_audience(list_id, email)
                except Exception:
                    failed.set()
                    raise

            with ThreadPoolExecutor(max_workers=self.parallel) as pool:
                answers = dict(zip(list_ids, pool.map(read, list_ids)))
            self._reads[key] = ({list_id: member for list_id, (member, _activity) in answers.items()},
                                {list_id: activity for list_id, (_member, activity) in answers.items()})
        return self._reads[key]

    def _read_audience(self, list_id, email):  # in a worker thread: Mailchimp only
        member = self.client.find_member(list_id, email, max_retries=self.max_retries)
        activity = self.client.get_member_activity(list_id, email, max_retries=self.max_retries) if member else []
        return member, activity
