"""Constants shared by the framework-free core (no ``odoo`` import here)."""

STATUS_SUBSCRIBED = "subscribed"
STATUS_UNSUBSCRIBED = "unsubscribed"
STATUS_CLEANED = "cleaned"
STATUS_PENDING = "pending"
STATUS_TRANSACTIONAL = "transactional"
STATUS_ARCHIVED = "archived"

# Statuses a client may write; ``archived`` is only ever read (or used as a filter).
WRITABLE_STATUSES = (
    STATUS_SUBSCRIBED,
    STATUS_UNSUBSCRIBED,
    STATUS_CLEANED,
    STATUS_PENDING,
    STATUS_TRANSACTIONAL,
)
MEMBER_STATUSES = WRITABLE_STATUSES + (STATUS_ARCHIVED,)

# Batch subscribe (POST /lists/{list_id}) accepts at most this many members per call.
BATCH_LIMIT = 500

# Length used for text merge fields whose ``options.size`` is unknown.
DEFAULT_TEXT_SIZE = 255

# Appended to a text value that had to be cut; it counts towards the size limit.
ELLIPSIS = "…"

# Odoo's record of a member erased with "Delete permanently (GDPR)": not a status Mailchimp reports.
STATUS_DELETED = "deleted"

# A member with one of these gets no campaigns of the audience any more; the sync leaves it so unless Odoo
# caused it (``left_by_odoo``): no update, no rename, no status.
OUT_OF_AUDIENCE_STATUSES = (STATUS_UNSUBSCRIBED, STATUS_CLEANED, STATUS_ARCHIVED, STATUS_DELETED)
# Of those, the ones only the contact can come back from (Mailchimp's compliance rules; an archived member
# can be brought back by the API): the partner form says "only the contact can subscribe again".
RESUBSCRIBED_BY_CONTACT_ONLY = (STATUS_UNSUBSCRIBED, STATUS_CLEANED, STATUS_DELETED)

# Why a partner is not synced: stable codes (the Odoo layer stores them in a
# selection field and words them, translated: ``models/mailchimp_messages.py``).
# ``check_eligibility`` produces the first six; ``left_in_mailchimp`` is set by
# ``sync_plan.plan_sync`` for whoever left in Mailchimp, ``duplicate_email`` for
# partners held back by ``duplicates.resolve_duplicates``.
NO_MAPPED_GROUP = "no_mapped_group"
NOT_OPTED_IN = "not_opted_in"
NO_EMAIL = "no_email"
INVALID_EMAIL = "invalid_email"
ARCHIVED = "archived"
BLACKLISTED = "blacklisted"
LEFT_IN_MAILCHIMP = "left_in_mailchimp"
DUPLICATE_EMAIL = "duplicate_email"
REASONS = (NO_MAPPED_GROUP, NOT_OPTED_IN, NO_EMAIL, INVALID_EMAIL, ARCHIVED, BLACKLISTED, LEFT_IN_MAILCHIMP,
           DUPLICATE_EMAIL)

# What batch subscribe did with one address (see batch_result).
CREATED = "created"
UPDATED = "updated"
FAILED = "failed"

# Mailchimp list webhooks (parsed by webhooks.py): the event types a delivery's ``type`` names.
WEBHOOK_SUBSCRIBE = "subscribe"
WEBHOOK_UNSUBSCRIBE = "unsubscribe"
WEBHOOK_PROFILE = "profile"
WEBHOOK_UPEMAIL = "upemail"
WEBHOOK_CLEANED = "cleaned"
WEBHOOK_CAMPAIGN = "campaign"
WEBHOOK_EVENT_TYPES = (
    WEBHOOK_SUBSCRIBE,
    WEBHOOK_UNSUBSCRIBE,
    WEBHOOK_PROFILE,
    WEBHOOK_UPEMAIL,
    WEBHOOK_CLEANED,
    WEBHOOK_CAMPAIGN,
)
# ``data[action]`` of an unsubscribe: the contact left (unsub) or was archived (delete).
UNSUB_ACTION_UNSUB = "unsub"
UNSUB_ACTION_DELETE = "delete"
# A webhook body over this size is refused with 413 (Mailchimp's are a few KB).
MAX_WEBHOOK_BYTES = 64 * 1024
# Longest SMS text accepted from the SMS gateway (a concatenated SMS rarely passes 1 000).
MAX_SMS_MESSAGE_CHARS = 2000
