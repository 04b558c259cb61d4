"""What the customer's panel asks of any newsletter provider, and the panel's data built from the answers.

The panel (the ``mailchimp_panel`` widget of the partner form) shows a section
per connected provider. Each section asks its provider the same four things,
whatever the provider is: :class:`PanelProvider`. A provider is one client
(its API), one adapter (a :class:`PanelProvider` subclass mapping the API's
answers to the rows below) and one stand-in; the panel does not change.

Rows, as JSON-ready dicts:

* a list: ``{list_id, name, status, css, wanted, locked}`` (``status`` the
  provider's own word, None when the address is not in the list; ``css`` its
  Bootstrap text colour from the provider's :attr:`PanelProvider.status_words`;
  ``wanted`` ticked in the dialog; ``locked`` only the contact can change it);
* a campaign: ``{campaign_id, title, sent_at, opened, opened_at, clicked, clicked_at}``;
* activity: ``{avg_open_rate, avg_click_rate}`` (0 to 1), None without campaigns;
* a change's result: ``{list_id, name, status, css, message, error}``.

How a status is shown (its word and colour) is the provider's table of
:class:`StatusWord`, ``status_words``: the words are English, marked with
:func:`_lt` so that Odoo's term extraction finds them; the Odoo layer
translates them when it hands them to the widget
(:func:`status_words_payload` with ``env._``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LAST_CAMPAIGNS = 3


def _lt(text: str) -> str:
    """``text`` as it is: marks a word for Odoo's term extraction (it collects ``_lt("…")``); Odoo translates it."""
    return text


@dataclass(frozen=True)
class StatusWord:
    """How the panel and its dialog show one status: the word (English, translated by Odoo) and its text colour."""

    label: str
    css: str


NOT_A_MEMBER = StatusWord(_lt("Not a member"), "text-muted")


def status_word(words: Mapping[str, StatusWord], status: str | None) -> StatusWord:
    """The word of ``status`` in a provider's table: :data:`NOT_A_MEMBER` for None, the status itself when unknown."""
    if not status:
        return NOT_A_MEMBER
    return words.get(status) or StatusWord(status, NOT_A_MEMBER.css)


def status_words_payload(words: Mapping[str, StatusWord], translate=lambda text: text) -> dict:
    """A provider's table as the panel's widget takes it.

    ``{"statuses": {status: {"label", "css"}}, "none": {"label", "css"}}``.

    ``translate`` is the Odoo layer's ``env._`` (the words are English); ``none`` is how "not a member" shows.
    """
    def shown(word):
        return {"label": translate(word.label), "css": word.css}
    return {"statuses": {status: shown(word) for status, word in words.items()}, "none": shown(NOT_A_MEMBER)}


class PanelProvider:
    """One provider as the panel sees it; a subclass answers the four questions for an address."""

    #: True when the panel lists only the lists that have the address (the dialog still shows them all).
    members_only = False
    #: The status a subscribed address has (counted in the panel's header).
    subscribed_status = None
    #: ``{status: StatusWord}``: every status of the provider, with its word and colour.
    status_words: Mapping[str, StatusWord] = {}

    def lists_for(self, email: str) -> list[dict]:
        """Every list of the account, with the address's state in it (None: not in it)."""
        raise NotImplementedError

    def recent_campaigns(self, email: str, limit: int = LAST_CAMPAIGNS) -> list[dict]:
        """The last ``limit`` campaigns the address received, newest first."""
        raise NotImplementedError

    def activity_rates(self, email: str) -> dict | None:
        """Average open and click rates of the address, None when it received nothing."""
        raise NotImplementedError

    def apply_changes(self, email: str, changes: list[tuple[str, bool]], name: str = "") -> list[dict]:
        """Subscribe (True) or unsubscribe (False) the address list by list; one result row per change.

        One list's refusal does not stop the others: it is the row's ``error``.
        """
        raise NotImplementedError


def provider_panel(provider: PanelProvider, email: str, limit: int = LAST_CAMPAIGNS) -> dict:
    """The panel's data for ``email`` from ``provider``, in the shape of :func:`.panel.address_panel`."""
    rows = provider.lists_for(email)
    return {
        "email": email,
        "audiences": rows,
        "members_only": provider.members_only,
        "in_any_audience": any(row["status"] for row in rows),
        "subscribed_count": sum(1 for row in rows if row["status"] == provider.subscribed_status),
        "campaigns": provider.recent_campaigns(email, limit),
        "activity": provider.activity_rates(email),
    }
