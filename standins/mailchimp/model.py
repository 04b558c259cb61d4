"""In-memory records behind the API resources (serialisation lives in the store)."""

from dataclasses import dataclass, field

MEMBER_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")
ARCHIVED = "archived"
MERGE_FIELD_TYPES = (
    "text", "number", "address", "phone", "date", "url",
    "imageurl", "radio", "dropdown", "birthday", "zip",
)
INTEREST_CATEGORY_TYPES = ("checkboxes", "dropdown", "radio", "hidden")
WEBHOOK_EVENTS = ("subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign")
WEBHOOK_SOURCES = ("user", "admin", "api")


@dataclass
class MergeField:
    merge_id: int
    tag: str
    name: str
    type: str
    required: bool = False
    default_value: str = ""
    public: bool = True
    display_order: int = 0
    options: dict = field(default_factory=dict)
    help_text: str = ""

    @property
    def max_length(self):
        """Text limit enforced on values: ``options.size``, 255 when unset.

        Mailchimp documents ``size`` only as the field's default length; the
        stand-in enforces it so that over-long values surface in tests.
        """
        return int(self.options.get("size") or 255)


@dataclass
class Interest:
    id: str
    category_id: str
    name: str
    display_order: int = 0


@dataclass
class InterestCategory:
    id: str
    title: str
    type: str = "checkboxes"
    display_order: int = 0
    interests: list = field(default_factory=list)


@dataclass
class Member:
    id: str
    email_address: str
    unique_email_id: str
    contact_id: str
    web_id: int
    status: str
    last_changed: object
    email_type: str = "html"
    merge_fields: dict = field(default_factory=dict)
    interests: dict = field(default_factory=dict)
    language: str = ""
    vip: bool = False
    ip_signup: str = ""
    timestamp_signup: object = None
    ip_opt: str = ""
    timestamp_opt: object = None
    source: str = "API - Generic"
    unsubscribe_reason: str = ""
    location: dict = field(default_factory=dict)
    marketing_permissions: list = field(default_factory=list)
    compliance_state: bool = False
    """True after a self-unsubscribe (user/admin side) or a clean: API may not resubscribe."""


@dataclass
class Segment:
    id: int
    name: str
    type: str
    created_at: object
    updated_at: object
    options: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    """Static segments and tags: subscriber hash -> date added."""


@dataclass
class Webhook:
    id: str
    url: str
    events: dict
    sources: dict


@dataclass
class Audience:
    id: str
    web_id: int
    name: str
    contact: dict
    permission_reminder: str
    campaign_defaults: dict
    email_type_option: bool
    date_created: object
    use_archive_bar: bool = False
    notify_on_subscribe: str = ""
    notify_on_unsubscribe: str = ""
    visibility: str = "pub"
    double_optin: bool = False
    merge_fields: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    members: dict = field(default_factory=dict)
    forgotten: set = field(default_factory=set)
    marketing_permissions: list = field(default_factory=list)
    """GDPR fields: ``[{marketing_permission_id, text}]`` (no API lists them; members show them)."""
    segments: dict = field(default_factory=dict)
    webhooks: dict = field(default_factory=dict)
    next_merge_id: int = 1

    def merge_field_by_tag(self, tag):
        return next((f for f in self.merge_fields if f.tag == tag), None)

    def all_interests(self):
        return [interest for cat in self.categories for interest in cat.interests]


@dataclass
class Activity:
    """One recorded open/click/bounce/unsub of a member for a campaign."""

    subscriber_hash: str
    email_address: str
    action: str
    timestamp: object
    url: str = ""
    ip: str = ""
    type: str = ""


@dataclass
class Campaign:
    id: str
    web_id: int
    type: str
    create_time: object
    recipients: dict
    settings: dict
    status: str = "save"
    content: dict = field(default_factory=dict)
    send_time: object = None
    sent_to: list = field(default_factory=list)
    """Subscriber hashes the campaign was sent to."""
    activity: list = field(default_factory=list)
    tracking: dict = field(default_factory=lambda: {"opens": True, "html_clicks": True, "text_clicks": False})
