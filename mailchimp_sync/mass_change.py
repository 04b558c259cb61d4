"""The mass-change guard: a run that would remove too many subscribed members holds the removals back.

A removal is an unsubscribe or archive the sync plan decided (its reason in
:attr:`~.datatypes.SyncPlan.removal_reasons`). When a run's removals are more
than the account's share of the audience's subscribed members, and at least
its minimum (:func:`holds_back`), none of them is made: they wait for a
manager to confirm or cancel them, listed by cause (:func:`group_by_cause`),
e.g. all the customers that leave because their tag is not linked to a group
any more.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .const import NO_MAPPED_GROUP

DEFAULT_SHARE_PERCENT = 10
DEFAULT_MINIMUM = 20

# The cause of a member whose customer was deleted or moved to another company (an orphan).
CUSTOMER_GONE = "customer_gone"


def holds_back(removals: int, subscribed: int, share_percent: float, minimum: int) -> bool:
    """Whether ``removals`` are too many to make unasked in an audience of ``subscribed`` members:
    more than ``share_percent`` % of them, and at least ``minimum``."""
    if removals <= 0 or removals < minimum:
        return False
    return removals * 100 > subscribed * share_percent


@dataclass(frozen=True, order=True)
class RemovalCause:
    """Why a member leaves: a reason code of :mod:`.eligibility` (or :data:`CUSTOMER_GONE`), with the
    customer's tags when none of them is linked to a group any more (what changed is one of them)."""

    reason: str
    tags: tuple[str, ...] = ()


def removal_cause(reason: str, partner_id: int | None, tag_names: Iterable[str] = ()) -> RemovalCause:
    """The cause of one removal; ``tag_names`` are the customer's tags (only kept for a lost group)."""
    if partner_id is None:
        return RemovalCause(CUSTOMER_GONE)
    if reason == NO_MAPPED_GROUP:
        return RemovalCause(reason, tuple(sorted(set(tag_names))))
    return RemovalCause(reason)


def group_by_cause(causes: Iterable[RemovalCause]) -> list[tuple[RemovalCause, int]]:
    """``[(cause, count)]``, the most common cause first (then in a stable order)."""
    return sorted(Counter(causes).items(), key=lambda item: (-item[1], item[0]))
