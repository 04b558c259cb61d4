"""The journal of remote operations: what a write that is not idempotent must settle, without Odoo.

A remote write that sending twice would repeat (a campaign send, a permanent
delete, an SMS contact added) is recorded before it is made and made once by a
worker. These are the rules the worker follows:

* an operation is *open* until it ends; one open operation per kind and target
  (:func:`open_key`), so a retried request queues nothing new;
* an answer that refused the call (4xx) means nothing happened: the operation
  failed; any other failure (no answer, 5xx) leaves it unknown, to be resolved;
* an operation found running (its worker was killed between the call and its
  record) is resolved by asking the service before anything is redone: a
  campaign's status (:func:`campaign_outcome`), or whether what the operation
  adds or removes is there (:func:`presence_outcome`), or, for a replicate,
  whether Mailchimp lists a copy made since it started (:func:`replica_made`);
* a change that is idempotent (an upsert made from the customer's panel) is
  made at once, and journaled all the same (:data:`JOURNALED_ONLY`).
"""

from .times import parse_mailchimp_time

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
UNSCHEDULE = "unschedule"
SMS_CONTACT_ADD = "sms_contact_add"
SMS_CONTACT_DELETE = "sms_contact_delete"
WEBHOOK_REGISTER = "webhook_register"
WEBHOOK_DELETE = "webhook_delete"
SEGMENT_CHANGE = "segment_change"
DIALOG_CHANGE = "dialog_change"
REPLICATE = "replicate"

# Campaign statuses that show the operation took place, by kind.
CAMPAIGN_DONE_STATUSES = {
    SEND: frozenset({"sending", "sent"}),
    SCHEDULE: frozenset({"schedule", "sending", "sent"}),
    UNSCHEDULE: frozenset({"save", "paused"}),
}
# Campaign statuses that show it did not: the call is made again.
CAMPAIGN_NOT_DONE_STATUSES = {
    SEND: frozenset({"save", "paused"}),
    SCHEDULE: frozenset({"save", "paused"}),
    UNSCHEDULE: frozenset({"schedule"}),
}

# Operations that add something the service can be asked about (found: made) ...
ADDING_KINDS = frozenset({SMS_CONTACT_ADD, WEBHOOK_REGISTER, SEGMENT_CHANGE, REPLICATE})
# ... and those that remove it (found: not made yet).
REMOVING_KINDS = frozenset({SMS_CONTACT_DELETE, WEBHOOK_DELETE})
# Idempotent changes made at once, in the user's request, and recorded in the journal as they end.
JOURNALED_ONLY = frozenset({DIALOG_CHANGE})

# A worker gives an operation up after this many attempts that left it unknown.
MAX_ATTEMPTS = 3


def open_key(kind, target):
    """The key an open operation holds so that a second one for the same kind and target cannot be queued."""
    return f"{kind}:{target}"


def refused(status):
    """Whether a failure with this HTTP ``status`` (None: no answer) proves the call changed nothing."""
    return status is not None and 400 <= status < 500


def campaign_outcome(kind, status):
    """What a campaign's ``status`` in Mailchimp says of a send, schedule or unschedule found running."""
    if status in CAMPAIGN_DONE_STATUSES[kind]:
        return OUTCOME_DONE
    if status in CAMPAIGN_NOT_DONE_STATUSES[kind]:
        return OUTCOME_REDO
    return OUTCOME_UNKNOWN


def presence_outcome(kind, present):
    """What finding (``present``) or not what an operation adds or removes says of it, found running.

    An SMS contact in the group, a webhook with Odoo's URL, a segment with the
    collection's name: there, an add was made and a removal is to be made; not
    there, the reverse. A removal made twice is harmless; an add never is.
    """
    if kind in ADDING_KINDS:
        return OUTCOME_DONE if present else OUTCOME_REDO
    if kind in REMOVING_KINDS:
        return OUTCOME_REDO if present else OUTCOME_DONE
    raise ValueError(f"{kind} neither adds nor removes")


# How long before a create's start a campaign Mailchimp made may be dated (clocks differ): one found is taken
# as this create's, since taking a campaign for ours is harmless and a second one is not.
CREATE_CLOCK_SLACK_SECONDS = 300


def copy_title_prefix(title):
    """The start of the title Mailchimp gives the copies of a campaign titled ``title``: "<title> (copy 01)"."""
    return f"{title} (copy "


def campaign_made_since(documents, started_at, *, title=None, title_prefix=None):
    """The first of ``documents`` (campaigns as ``GET /campaigns`` lists them) titled ``title`` (or starting
    with ``title_prefix``) and created since ``started_at`` (an aware datetime), or None.

    A POST that creates a campaign is not idempotent: when its answer was lost, this is how Odoo finds
    what it made before making it again.
    """
    earliest = started_at.timestamp() - CREATE_CLOCK_SLACK_SECONDS
    for document in documents:
        found_title = (document.get("settings") or {}).get("title") or ""
        created = parse_mailchimp_time(document.get("create_time"))
        if title is not None and found_title != title:
            continue
        if title_prefix is not None and not found_title.startswith(title_prefix):
            continue
        if created and created.timestamp() >= earliest:
            return document
    return None


def replica_made(documents, title, started_at):
    """Whether ``documents`` hold a copy of the campaign titled ``title`` made by a replicate started at
    ``started_at``."""
    return campaign_made_since(documents, started_at, title_prefix=copy_title_prefix(title)) is not None


def after_unknown_failure(attempts):
    """The state of an operation whose outcome is unknown and that the service says was not made."""
    return QUEUED if attempts < MAX_ATTEMPTS else FAILED
