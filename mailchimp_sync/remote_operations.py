"""The journal of remote operations: what a write that is not idempotent must settle, without Odoo.

A remote write that sending twice would repeat (a campaign send, a permanent
delete, an SMS contact added) is recorded before it is made and made once by a
worker. These are the rules the worker follows:

* an operation is *open* until it ends; one open operation per kind and target
  (:func:`open_key`), so a retried request queues nothing new;
* an answer that refused the call (4xx) means nothing happened: the operation
  failed; any other failure (no answer, 5xx) leaves it unknown, to be resolved;
* an operation found running (its worker was killed between the call and its
  record) is resolved by asking the service (:func:`campaign_outcome`) before
  anything is redone.
"""

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
NEEDS_CHECK = "needs_check"

OPEN_STATES = (QUEUED, RUNNING)

# What the service's truth says of an operation found running.
OUTCOME_DONE = "done"
OUTCOME_REDO = "redo"
OUTCOME_UNKNOWN = "unknown"

SEND = "send"
SCHEDULE = "schedule"

# Campaign statuses that show the operation took place, by kind.
CAMPAIGN_DONE_STATUSES = {
    SEND: frozenset({"sending", "sent"}),
    SCHEDULE: frozenset({"schedule", "sending", "sent"}),
}
# Campaign statuses that show it did not: the call is made again.
CAMPAIGN_NOT_DONE_STATUSES = frozenset({"save", "paused"})

# A worker gives an operation up after this many attempts that left it unknown.
MAX_ATTEMPTS = 3


def open_key(kind, target):
    """The key an open operation holds so that a second one for the same kind and target cannot be queued."""
    return f"{kind}:{target}"


def refused(status):
    """Whether a failure with this HTTP ``status`` (None: no answer) proves the call changed nothing."""
    return status is not None and 400 <= status < 500


def campaign_outcome(kind, status):
    """What a campaign's ``status`` in Mailchimp says of a ``send`` or ``schedule`` operation found running."""
    if status in CAMPAIGN_DONE_STATUSES[kind]:
        return OUTCOME_DONE
    if status in CAMPAIGN_NOT_DONE_STATUSES:
        return OUTCOME_REDO
    return OUTCOME_UNKNOWN


def after_unknown_failure(attempts):
    """The state of an operation whose outcome is unknown and that the service says was not made."""
    return QUEUED if attempts < MAX_ATTEMPTS else FAILED
