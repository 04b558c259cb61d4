"""The stand-in's whole state and Mailchimp's business rules.

``Store`` is what ``StandinServer.store`` exposes to tests. Besides the methods
the HTTP layer uses, the interesting entry points for tests are:

* inspection: :meth:`Store.list_ids`, :meth:`Store.get_member`, :meth:`Store.members`,
  :meth:`Store.is_forgotten`, ``webhook_deliveries``, ``test_emails_sent``;
* pre-population without webhooks: :meth:`Store.seed_member`, :meth:`Store.create_list`,
  :meth:`Store.add_merge_field`, :meth:`Store.add_interest_category`, :meth:`Store.add_interest`;
* user/admin side (fire webhooks): ``user_subscribe``, ``user_unsubscribe``,
  ``user_update_profile``, ``user_change_email``, ``mark_cleaned``;
* campaigns: ``record_activity(campaign_id, email, "open"|"click"|"bounce", url=)``, and
  ``seed_campaign(...)`` for one sent in the past with its recipients and activity;
* time: :meth:`Store.advance_clock`, :meth:`Store.set_clock`;
* credentials: ``api_keys``, ``oauth_tokens``, ``add_api_key``, ``revoke_credential``.
"""

from . import util
from .seed import load_seed
from .store_campaigns import CampaignsMixin
from .store_core import StoreCore
from .store_lists import ListsMixin
from .store_members import MembersMixin
from .store_segments import SegmentsMixin
from .user_side import UserSideMixin
from .webhooks import WebhooksMixin


class Store(StoreCore, ListsMixin, MembersMixin, SegmentsMixin, WebhooksMixin,
            CampaignsMixin, UserSideMixin):
    """State of one Mailchimp account; all mutations go through :meth:`write`."""

    def __init__(self, seed=None, dc="us6", base_url="", root_url="", validate_webhook_urls=True):
        super().__init__(dc, base_url, root_url)
        self.validate_webhook_urls = validate_webhook_urls
        self.audiences = {}
        self.campaigns = {}
        self.webhook_deliveries = []
        self.test_emails_sent = []
        self._segment_id = 0
        load_seed(self, seed)

    def read(self):
        """Context manager holding the store lock for a consistent read."""
        return self._lock

    # -- inspection helpers for tests ----------------------------------------

    def list_ids(self):
        with self._lock:
            return list(self.audiences)

    def get_member(self, list_id, email_or_hash):
        """Member document as the API returns it, or None (also for forgotten ones)."""
        with self._lock:
            audience = self.audience(list_id)
            member = self.find_member(audience, email_or_hash)
            return self.member_document(audience, member) if member else None

    def members(self, list_id, status=None):
        """All member documents of a list, archived included unless ``status`` filters."""
        with self._lock:
            audience = self.audience(list_id)
            return [self.member_document(audience, m) for m in audience.members.values()
                    if status is None or m.status == status]

    def is_forgotten(self, list_id, email):
        with self._lock:
            return util.subscriber_hash(email) in self.audience(list_id).forgotten

    def seed_member(self, list_id, email, status="subscribed", merge_fields=None, interests=None,
                    tags=(), compliance_state=None, source="Import", **attributes):
        """Put a member in place directly: no validation of the state machine, no webhooks.

        ``interests`` may use interest names or ids. ``compliance_state``
        defaults to True for unsubscribed/cleaned members (as if the contact
        unsubscribed themselves). Extra ``attributes`` set Member fields
        (``language``, ``vip``, ``last_changed`` as datetime, ...).
        """
        with self.write():
            audience = self.audience(list_id)
            member = self.find_member(audience, email)
            if member is None:
                member = self._new_member(audience, email, status, source)
            member.status = status
            member.merge_fields.update(merge_fields or {})
            member.interests.update(self._resolve_interests(audience, interests))
            if status == "subscribed":
                member.timestamp_opt = member.timestamp_opt or self.now()
            if status == "unsubscribed":
                member.unsubscribe_reason = "N/A (Unsubscribed by the contact)"
            member.compliance_state = (status in ("unsubscribed", "cleaned")
                                       if compliance_state is None else compliance_state)
            for tag in tags:
                self._tag_member(audience, member, tag)
            for key, value in attributes.items():
                if not hasattr(member, key):
                    raise TypeError(f"seed_member() got an unknown member attribute {key!r}")
                setattr(member, key, value)
            return self.member_document(audience, member)
