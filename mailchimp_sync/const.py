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
