"""Mailchimp's send checklist of a campaign, read before sending.

``GET /campaigns/{id}/send-checklist`` answers ``{is_ready, items[{type, id,
heading, details}]}``, each item's ``type`` ``success``, ``warning`` or
``error`` (the public facts and their sources: ``standins/mailchimp/checklist.py``). An error item blocks the send:
Mailchimp refuses ``actions/send`` and ``actions/schedule`` of such a campaign
with 400 "Your Campaign is not ready to send.", a detail that names none of the
problems; the checklist names them, in Mailchimp's words, which is what
:func:`refusal_text` shows.

Mailchimp requires the unsubscribe link and the audience's postal address in
every campaign; :mod:`.campaign_content` adds them to a body written in Odoo.
"""
from __future__ import annotations

from dataclasses import dataclass

SUCCESS = "success"
WARNING = "warning"
ERROR = "error"
ITEM_TYPES = (SUCCESS, WARNING, ERROR)

NOT_READY_DETAIL = "Your Campaign is not ready to send."



class ChecklistUnreadable(ValueError):
    """Mailchimp's answer is not a send checklist."""


@dataclass(frozen=True)
class ChecklistItem:
    type: str
    heading: str
    details: str = ""
    id: int | None = None

    @property
    def blocking(self):
        """An error: Mailchimp will not send the campaign until it is resolved."""
        return self.type == ERROR

    @property
    def text(self):
        """"Heading: details." as one line."""
        if not self.details:
            return self.heading
        return f"{self.heading}: {self.details}" if self.heading else self.details


@dataclass(frozen=True)
class SendChecklist:
    is_ready: bool
    items: tuple = ()

    @property
    def blocking(self):
        return tuple(item for item in self.items if item.blocking)

    @property
    def warnings(self):
        return tuple(item for item in self.items if item.type == WARNING)

    @property
    def ready(self):
        """Ready to send: Mailchimp says so and no item is an error."""
        return self.is_ready and not self.blocking


def parse_checklist(document) -> SendChecklist:
    """The checklist of Mailchimp's answer; :class:`ChecklistUnreadable` when it is not one.

    An item of a type this module does not know is kept as a warning; ``is_ready``
    false with no error item still blocks (Mailchimp's word is the last).
    """
    if not isinstance(document, dict) or not isinstance(document.get("is_ready"), bool):
        raise ChecklistUnreadable("Mailchimp's answer has no is_ready flag")
    raw_items = document.get("items")
    raw_items = [] if raw_items is None else raw_items
    if not isinstance(raw_items, list):
        raise ChecklistUnreadable("Mailchimp's answer has no list of items")
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            raise ChecklistUnreadable("an item of Mailchimp's answer is not an object")
        kind = raw.get("type") if raw.get("type") in ITEM_TYPES else WARNING
        item_id = raw.get("id")
        items.append(ChecklistItem(type=kind, heading=str(raw.get("heading") or ""),
                                   details=str(raw.get("details") or ""),
                                   id=item_id if isinstance(item_id, int) else None))
    return SendChecklist(is_ready=document["is_ready"], items=tuple(items))


def refusal_text(checklist: SendChecklist) -> str:
    """Why Mailchimp will not send, in its words: the error items, or its detail when it named none."""
    problems = [item.text.rstrip(". ") for item in checklist.blocking]
    return f"{'; '.join(problems)}." if problems else NOT_READY_DETAIL


def is_not_ready_refusal(error) -> bool:
    """Whether a :class:`~.errors.MailchimpError` is Mailchimp's "not ready to send" refusal (400)."""
    return getattr(error, "status", None) == 400 and getattr(error, "detail", "").strip() == NOT_READY_DETAIL

