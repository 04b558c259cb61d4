"""Changes made "outside the API" (contact or admin in Mailchimp's UI); they fire webhooks."""

from . import errors, util, validation
from .model import ARCHIVED, Activity

SOURCE_LABELS = {"user": "Hosted Signup Form", "admin": "Admin Add", "api": "API - Generic"}


class UserSideMixin:
    """What contacts and account admins do in Mailchimp itself.

    Every action takes ``source`` ("user" or "admin", as the webhook ``sources``
    flags), changes the state like Mailchimp does and fires the list's webhooks
    for that event/source. Each returns the member document (or None once gone).
    """

    def _user_side_member(self, audience, email):
        member = self.find_member(audience, email)
        if member is None or member.status == ARCHIVED:
            raise errors.not_found()
        return member

    @staticmethod
    def _check_source(source):
        if source not in ("user", "admin", "api"):
            raise errors.field_error("source", "source must be user, admin or api")

    def _resolve_interests(self, audience, interests):
        """Interests given as ``{id or name: bool}`` (names are handy in the demo)."""
        by_name = {i.name: i.id for i in audience.all_interests()}
        resolved = {by_name.get(key, key): flag for key, flag in (interests or {}).items()}
        return validation.interests(audience, resolved)

    def user_subscribe(self, list_id, email, merges=None, interests=None, source="user", ip=""):
        """Sign-up form / admin add / re-subscribe; lifts compliance state and forgetting."""
        self._check_source(source)
        validation.check_email(email)
        with self.write():
            audience = self.audience(list_id)
            merges = validation.merge_values(audience, merges, is_new=False, skip_required=True)
            interests = self._resolve_interests(audience, interests)
            audience.forgotten.discard(util.subscriber_hash(email))
            member = self.find_member(audience, email)
            if member is None:
                member = self._new_member(audience, email, "pending", SOURCE_LABELS[source])
                member.timestamp_signup = self.now()
                member.ip_signup = ip
            member.merge_fields.update(merges)
            member.interests.update(interests)
            member.ip_opt = ip or member.ip_opt
            member.status = "pending"
            self._set_status(audience, member, "subscribed", source)
            member.last_changed = self.now()
            return self.member_document(audience, member)

    def user_unsubscribe(self, list_id, email, source="user", reason="manual", campaign_id="",
                         action="unsub"):
        """Unsubscribe link / admin unsubscribe (``action="delete"`` archives the contact)."""
        self._check_source(source)
        with self.write():
            audience = self.audience(list_id)
            member = self._user_side_member(audience, email)
            if action == "delete":
                self._fire_member_event(audience, "unsubscribe", source, member, action="delete",
                                        reason=reason, campaign_id=campaign_id)
                member.status = ARCHIVED
            else:
                self._set_status(audience, member, "unsubscribed", source, reason=reason,
                                 campaign_id=campaign_id)
                self._record_member_event(campaign_id, member, "unsub")
            member.last_changed = self.now()
            return self.member_document(audience, member)

    def user_update_profile(self, list_id, email, merges=None, interests=None, source="user",
                            email_type=None):
        """Update-profile form / admin edit; fires ``profile``."""
        self._check_source(source)
        with self.write():
            audience = self.audience(list_id)
            member = self._user_side_member(audience, email)
            member.merge_fields.update(
                validation.merge_values(audience, merges, is_new=False, skip_required=True))
            member.interests.update(self._resolve_interests(audience, interests))
            if email_type in ("html", "text"):
                member.email_type = email_type
            member.last_changed = self.now()
            self._fire_member_event(audience, "profile", source, member)
            return self.member_document(audience, member)

    def user_change_email(self, list_id, email, new_email, source="user"):
        """The contact changes their address; fires ``upemail`` (old/new email)."""
        self._check_source(source)
        validation.check_email(new_email)
        with self.write():
            audience = self.audience(list_id)
            member = self._user_side_member(audience, email)
            if self.find_member(audience, new_email) not in (None, member):
                raise errors.member_exists(new_email)
            self._change_email(audience, member, new_email, source)
            member.last_changed = self.now()
            return self.member_document(audience, member)

    def mark_cleaned(self, list_id, email, reason="hard", campaign_id="", source="admin"):
        """Hard bounce (or abuse) cleans the address; fires ``cleaned``."""
        self._check_source(source)
        with self.write():
            audience = self.audience(list_id)
            member = self._user_side_member(audience, email)
            self._set_status(audience, member, "cleaned", source, reason=reason,
                             campaign_id=campaign_id)
            self._record_member_event(campaign_id, member, "bounce")
            member.last_changed = self.now()
            return self.member_document(audience, member)

    def _record_member_event(self, campaign_id, member, action):
        campaign = self.campaigns.get(campaign_id) if campaign_id else None
        if campaign is not None and member.id in campaign.sent_to:
            campaign.activity.append(Activity(member.id, member.email_address, action, self.now(),
                                              type="hard" if action == "bounce" else ""))
