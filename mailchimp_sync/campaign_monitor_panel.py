"""Campaign Monitor in the customer's panel: the :class:`~.panel_providers.PanelProvider` over its API.

* Lists: the client's lists (``lists.json``), each with the address's state from
  ``listsforemail.json``, shown with the word and colour of
  :data:`CAMPAIGN_MONITOR_STATUS_WORDS` (Active green, Unsubscribed red,
  Unconfirmed orange, Bounced and Deleted grey).
* Campaigns and activity: the subscriber's history of every list that has the
  address (``history.json``: the campaigns it got, newest first, with their
  ``Open`` and ``Click`` actions). A campaign sent to two lists is counted once;
  the history gives no sending date, so a campaign is dated by its first action.
  Rates are the share of those campaigns opened, and clicked.
* Changes: ``add`` (``Resubscribe`` only for an address that unsubscribed or was
  deleted, which the dialog's ticked box asks for; ``ConsentToTrack`` unchanged),
  then the subscriber's state read back so the dialog says what happened;
  ``unsubscribe`` to untick.
"""
from __future__ import annotations

from .campaign_monitor import (
    INACTIVE_STATES,
    STATE_ACTIVE,
    STATE_BOUNCED,
    STATE_DELETED,
    STATE_UNCONFIRMED,
    STATE_UNSUBSCRIBED,
    CampaignMonitorError,
)
from .panel_providers import LAST_CAMPAIGNS, PanelProvider, StatusWord, _lt, status_word

# Campaign Monitor's subscriber states as the panel and the dialog show them (word and Bootstrap text colour).
CAMPAIGN_MONITOR_STATUS_WORDS = {
    STATE_ACTIVE: StatusWord(_lt("Subscribed (Active)"), "text-success"),
    STATE_UNSUBSCRIBED: StatusWord(_lt("Unsubscribed"), "text-danger"),
    STATE_UNCONFIRMED: StatusWord(_lt("Not confirmed"), "text-warning"),
    STATE_BOUNCED: StatusWord(_lt("Bounced"), "text-muted"),
    STATE_DELETED: StatusWord(_lt("Deleted"), "text-muted"),
}
# Ticked in the dialog: receives campaigns, or will once the contact confirms.
WANTED_STATES = frozenset({STATE_ACTIVE, STATE_UNCONFIRMED})
# Campaign Monitor sends nothing to a bounced address whatever is asked: only the contact can come back.
LOCKED_STATES = frozenset({STATE_BOUNCED})
OPEN, CLICK = "Open", "Click"
# What a change's result tells besides its status (``notice``; ``message``, or ``error`` for the first, hold the
# same code until the Odoo layer words it with the address, ``previous`` and ``status``): a bounced address
# cannot be subscribed; an inactive one was added back with Resubscribe; Campaign Monitor asks the contact to confirm.
NOTICE_LOCKED = "locked"
NOTICE_RESUBSCRIBED = "resubscribed"
NOTICE_UNCONFIRMED = "unconfirmed"


def state_class(state: str | None) -> str:
    """The Bootstrap text colour of a subscriber state (None: not in the list)."""
    return status_word(CAMPAIGN_MONITOR_STATUS_WORDS, state).css


def list_row(list_id: str, name: str, state: str | None) -> dict:
    return {"list_id": list_id, "name": name, "status": state or None, "css": state_class(state),
            "wanted": state in WANTED_STATES, "locked": state in LOCKED_STATES}


def campaigns_from_history(histories: list[list[dict]], limit: int = LAST_CAMPAIGNS) -> list[dict]:
    """The ``limit`` newest distinct campaigns of the lists' histories (each newest first), with their marks."""
    merged, seen = [], set()
    longest = max((len(history) for history in histories), default=0)
    for position in range(longest):  # the lists' newest campaigns first, then their next ones
        for history in histories:
            if position < len(history):
                entry = history[position]
                campaign_id = str(entry.get("ID") or "")
                if campaign_id and entry.get("Type", "Campaign") == "Campaign" and campaign_id not in seen:
                    seen.add(campaign_id)
                    merged.append(_campaign_row(campaign_id, entry, histories))
    return merged[:limit]


def rates_from_history(histories: list[list[dict]]) -> dict | None:
    """Share of the address's distinct campaigns it opened, and clicked; None when it got none."""
    campaigns = {}
    for history in histories:
        for entry in history:
            if entry.get("ID") and entry.get("Type", "Campaign") == "Campaign":
                events = campaigns.setdefault(str(entry["ID"]), set())
                events.update(action.get("Event") for action in entry.get("Actions") or ())
    if not campaigns:
        return None
    opened = sum(1 for events in campaigns.values() if OPEN in events or CLICK in events)
    clicked = sum(1 for events in campaigns.values() if CLICK in events)
    return {"avg_open_rate": round(opened / len(campaigns), 4), "avg_click_rate": round(clicked / len(campaigns), 4)}


def _campaign_row(campaign_id, entry, histories):
    actions = [action for history in histories for other in history if str(other.get("ID") or "") == campaign_id
               for action in other.get("Actions") or ()]
    first = {event: _first_date(actions, event) for event in (OPEN, CLICK)}
    opened_at = first[OPEN] or first[CLICK]  # a click is an open the image blocker hid
    return {"campaign_id": campaign_id, "title": str(entry.get("Name") or campaign_id),
            "sent_at": _first_date(actions), "opened": bool(opened_at), "opened_at": opened_at,
            "clicked": bool(first[CLICK]), "clicked_at": first[CLICK]}


def _first_date(actions, event=None):
    dates = sorted(str(action["Date"]) for action in actions
                   if action.get("Date") and (event is None or action.get("Event") == event))
    return dates[0][:19] if dates else None


class CampaignMonitorPanelProvider(PanelProvider):
    """The panel's four questions answered by a :class:`~.campaign_monitor.CampaignMonitorClient`.

    Reads are remembered per address for the life of the instance (one panel
    answer): the lists, campaigns and rates share the same few calls.
    """

    members_only = True
    subscribed_status = STATE_ACTIVE
    status_words = CAMPAIGN_MONITOR_STATUS_WORDS

    def __init__(self, client, max_retries=None):
        self.client = client
        self.max_retries = max_retries
        self._states = {}
        self._histories = {}

    def lists_for(self, email):
        states = self._states_of(email)
        return [list_row(str(item["ListID"]), str(item.get("Name") or item["ListID"]), states.get(str(item["ListID"])))
                for item in self.client.lists(max_retries=self.max_retries)]

    def recent_campaigns(self, email, limit=LAST_CAMPAIGNS):
        return campaigns_from_history(self._histories_of(email), limit)

    def activity_rates(self, email):
        return rates_from_history(self._histories_of(email))

    def apply_changes(self, email, changes, name=""):
        states = self._states_of(email, fresh=True)
        names = {str(item["ListID"]): str(item.get("Name") or "") for item in self.client.lists()}
        results = [self._apply_one(email, name, list_id, names.get(list_id, list_id), states.get(list_id), subscribe)
                   for list_id, subscribe in changes]
        self._states.pop(email.lower(), None)
        self._histories.pop(email.lower(), None)
        return results

    # ------------------------------------------------------------ one change

    def _apply_one(self, email, name, list_id, list_name, state, subscribe):
        result = {"list_id": list_id, "name": list_name, "status": state, "css": state_class(state),
                  "previous": state, "message": False, "error": False, "notice": False}
        if subscribe and state in LOCKED_STATES:
            return {**result, "error": NOTICE_LOCKED, "notice": NOTICE_LOCKED}
        resubscribe = subscribe and state in INACTIVE_STATES
        try:
            if subscribe:
                self.client.add_subscriber(list_id, email, name=name, resubscribe=resubscribe)
            else:
                self.client.unsubscribe(list_id, email)
            new_state = self.client.subscriber(list_id, email).get("State") or None
        except CampaignMonitorError as error:
            return {**result, "error": str(error)}
        notice = False
        if resubscribe:
            notice = NOTICE_RESUBSCRIBED
        elif new_state == STATE_UNCONFIRMED:
            notice = NOTICE_UNCONFIRMED
        return {**result, "status": new_state, "css": state_class(new_state), "message": notice, "notice": notice}

    # ------------------------------------------------------------ reads

    def _states_of(self, email, fresh=False):
        key = email.lower()
        if fresh or key not in self._states:
            self._states[key] = {str(item["ListID"]): item.get("SubscriberState")
                                 for item in self.client.lists_for_email(email, max_retries=self.max_retries)}
        return self._states[key]

    def _histories_of(self, email):
        key = email.lower()
        if key not in self._histories:
            self._histories[key] = [self.client.history(list_id, email, max_retries=self.max_retries)
                                    for list_id in self._states_of(email)]
        return self._histories[key]
