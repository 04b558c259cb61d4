"""The data types of the core: what the Odoo layer hands in and what the rules hand back.

Plain dataclasses with no behaviour beyond reading themselves, in one module
that imports nothing but :mod:`.const`, so every rule module can use the real
types. The rules live in the modules named in each docstring, which also
re-export these names for their callers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from .const import DEFAULT_TEXT_SIZE, FAILED

# ------------------------------------------------------- partners (input)


@dataclass(frozen=True)
class RepresentativeField:
    """An admin setting: contact field ``field_name`` goes to column ``merge_tag`` (see :mod:`.representatives`)."""

    field_name: str
    merge_tag: str | None
    sequence: int = 10


@dataclass(frozen=True)
class FieldMerge:
    """An admin setting: customer field ``field_name`` goes to ``merge_tag`` of ``merge_type`` (see :mod:`.field_merges`)."""

    field_name: str
    merge_tag: str
    merge_type: str


@dataclass(frozen=True)
class RepresentativeData:
    """One child contact; ``values`` maps a field name to its text (``name`` may be omitted)."""

    name: str
    values: Mapping[str, str | None] = field(default_factory=dict)

    def value_of(self, field_name: str) -> str:
        """The field's text with whitespace collapsed; ``""`` when empty or unknown."""
        raw = self.values.get(field_name)
        if raw is None and field_name == "name":
            raw = self.name
        return " ".join((raw or "").split())


@dataclass(frozen=True, kw_only=True)
class PartnerData:
    """What the sync needs from one res.partner, read by the Odoo layer."""

    partner_id: int
    email: str | None
    name: str
    is_company: bool = False
    firstname: str | None = None
    lastname: str | None = None
    phone: str | None = None
    mobile: str | None = None
    country_code: str | None = None
    lang: str | None = None
    opted_in: bool = False
    active: bool = True
    blacklisted: bool = False
    tag_interest_ids: AbstractSet[str] = frozenset()
    representatives: Sequence[RepresentativeData] = ()
    field_values: Mapping[str, Any] = field(default_factory=dict)
    """The customer fields mapped to merge tags, in plain form (see :mod:`.field_merges`)."""
    consented_purposes: AbstractSet[str] = frozenset()
    """Consent purposes (``email``, ``direct_mail``, ``online_ads``) Odoo holds a given consent for."""


@dataclass(frozen=True, kw_only=True)
class AudienceSchema:
    """What the sync needs to know about the Mailchimp audience.

    ``merge_fields`` maps a merge tag to ``(type, size)``, e.g.
    ``{"FNAME": ("text", 255), "PHONE": ("phone", None)}``.
    """

    managed_interest_ids: AbstractSet[str] = frozenset()
    merge_fields: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)
    representative_fields: Sequence[RepresentativeField] = ()
    field_merges: Sequence[FieldMerge] = ()
    marketing_permissions: Mapping[str, str] = field(default_factory=dict)
    """The audience's GDPR fields mapped to a consent purpose: ``{marketing_permission_id: purpose}``."""

    def has_merge_field(self, merge_tag: str) -> bool:
        return merge_tag in self.merge_fields

    @cached_property
    def derived(self) -> dict[str, Any]:
        """What the item builder (:mod:`.member_payload`) computes once from this schema, not once per item."""
        return {}

    def text_size(self, merge_tag: str) -> int | None:
        """The length limit of a text merge field, None for other types."""
        field_type, size = self.merge_fields.get(merge_tag, ("", None))
        if field_type != "text":
            return None
        return size or DEFAULT_TEXT_SIZE


@dataclass(frozen=True)
class KnownMember:
    """What Odoo remembers of a member: the address and hash of the last accepted item."""

    member_key: int
    partner_id: int | None
    email: str | None
    payload_hash: str | None = None
    error_hash: str | None = None
    status: str | None = None
    left_by_odoo: bool = False
    """The member is unsubscribed or archived because Odoo did it (not the contact, not Mailchimp)."""
    last_changed: datetime | None = None
    """When Mailchimp last changed the member, as its answer to Odoo's last push said (naive UTC)."""

    @property
    def was_pushed(self) -> bool:
        return bool(self.payload_hash and self.email)


# ------------------------------------------------ verdicts and payloads


@dataclass(frozen=True)
class Eligibility:
    """Outcome of :func:`.eligibility.check_eligibility`; ``reasons`` are codes of ``const.REASONS``."""

    eligible: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicateDecision:
    """Who keeps a shared address, decided once per run so that chunks can be planned one by one.

    ``held_back`` are partner ids that another eligible customer's address
    wins over; ``kept_emails`` the addresses (email keys) eligible customers keep,
    which a leaver's member is never unsubscribed or archived under.
    """

    conflicts: tuple[Conflict, ...] = ()
    held_back: frozenset[int] = frozenset()
    kept_emails: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Conflict:
    """Partners sharing ``email`` (lower-cased): one kept, the others held back (see :mod:`.duplicates`)."""

    email: str
    kept_partner_id: int
    held_back_partner_ids: tuple[int, ...]


@dataclass(frozen=True)
class RepresentativeColumns:
    """Rendered columns: ``values`` by merge tag and the tags that had to be cut."""

    values: dict[str, str]
    truncated_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayloadWarning:
    """A value that was changed or left out; ``code`` is ``member_payload.PHONE_UNPARSABLE`` or ``VALUE_TRUNCATED``."""

    code: str
    merge_tag: str
    message: str


@dataclass(frozen=True)
class BuiltMember:
    """The member item to send (None: no valid address) with the rules' verdict."""

    payload: dict[str, Any] | None
    eligibility: Eligibility
    warnings: tuple[PayloadWarning, ...] = ()

    @property
    def subscribes(self) -> bool:
        return self.eligibility.eligible


# ------------------------------------------------------- a run's work


@dataclass(frozen=True)
class Push:
    """One member item for batch subscribe; ``kind`` is one of the ``sync_plan.KIND_*``."""

    kind: str
    payload: dict[str, Any]
    payload_hash: str
    partner_id: int | None
    member_key: int | None
    warnings: tuple[PayloadWarning, ...] = ()

    @property
    def email(self) -> str:
        return self.payload["email_address"]


@dataclass(frozen=True)
class EmailChange:
    member_key: int
    partner_id: int
    old_email: str
    new_email: str


@dataclass(frozen=True)
class Archive:
    member_key: int
    partner_id: int | None
    email: str


@dataclass(frozen=True)
class Skip:
    partner_id: int
    member_key: int | None
    reason: str


@dataclass
class SyncPlan:
    """The work :func:`.sync_plan.plan_sync` decided for one run."""

    pushes: list[Push] = field(default_factory=list)
    email_changes: list[EmailChange] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged_member_keys: list[int] = field(default_factory=list)
    removal_reasons: dict[int, str] = field(default_factory=dict)
    """Why each member unsubscribed or archived by the plan leaves (member key → first reason code)."""

    @property
    def work_count(self) -> int:
        return len(self.pushes) + len(self.email_changes) + len(self.archives)


# ------------------------------------------------------ batch answers


@dataclass(frozen=True)
class MemberOutcome:
    """What happened to one address; ``message`` is user-readable and set on failure.

    ``outcome`` is ``const.CREATED``, ``UPDATED`` or ``FAILED``; ``status`` is
    the member's Mailchimp status after the call (e.g. still unsubscribed when
    the contact had unsubscribed in Mailchimp).
    """

    email: str
    outcome: str
    status: str | None = None
    message: str = ""
    error_code: str | None = None
    last_changed: str | None = None
    in_compliance_state: bool = False
    """Mailchimp refused ``subscribed`` because the contact unsubscribed or bounced (api-facts 1.5)."""

    @property
    def failed(self) -> bool:
        return self.outcome == FAILED


@dataclass(frozen=True)
class BatchResult:
    """Per-address outcomes plus Mailchimp's totals and errors without an address."""

    outcomes: dict[str, MemberOutcome]
    total_created: int = 0
    total_updated: int = 0
    error_count: int = 0
    unattributed_errors: tuple[str, ...] = ()

    def outcome_for(self, email: str) -> MemberOutcome | None:
        return self.outcomes.get(email.strip().lower())
