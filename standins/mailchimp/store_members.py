"""Members: API writes (POST/PUT/PATCH/DELETE), batch subscribe, tags, activity.

Rules enforced as strictly as Mailchimp does (issue #7); each is documented, with
its public source, at the code that implements it:

* a new ``email_address`` (PUT/PATCH rename) only for subscribed members, and never
  onto an address the list already has, archived members included:
  :meth:`MembersMixin._check_address`;
* ``status_if_new`` alone does not revive an archived member (PUT and batch
  subscribe); an explicit ``status`` does: :meth:`MembersMixin.upsert_member`,
  :meth:`MembersMixin._batch_one`;
* a cleaned member keeps its status: :meth:`MembersMixin._requested_status`.
"""

from dataclasses import dataclass, field

from . import errors, util, validation
from .model import ARCHIVED, Member

MAX_BATCH_MEMBERS = 500
SCALAR_MEMBER_FIELDS = ("language", "vip", "ip_signup", "ip_opt", "location", "marketing_permissions")
SORTABLE_FIELDS = ("timestamp_opt", "timestamp_signup", "last_changed")


@dataclass(frozen=True)
class BatchOptions:
    """Flags of one batch-subscribe call."""

    update_existing: bool
    sync_tags: bool
    skip_merge_validation: bool
    skip_duplicate_check: bool


@dataclass
class MemberChange:
    """A fully validated member write, applied only after all checks passed."""

    email: str
    status: str
    merge_fields: dict
    interests: dict
    extra: dict
    tags: list = field(default_factory=list)


class MembersMixin:
    """Member resources and the status state machine."""

    # -- lookup ----------------------------------------------------------------

    def find_member(self, audience, key):
        """Member by subscriber hash, email address or contact_id; None if absent."""
        key = str(key)
        if "@" in key:
            return audience.members.get(util.subscriber_hash(key))
        member = audience.members.get(key.lower())
        if member is None:
            member = next((m for m in audience.members.values() if m.contact_id == key), None)
        return member

    def member(self, audience, key):
        return errors.found(self.find_member(audience, key))

    # -- documents -------------------------------------------------------------

    def member_document(self, audience, member):
        merge_values = {f.tag: member.merge_fields.get(f.tag, "") for f in audience.merge_fields}
        full_name = " ".join(str(merge_values.get(tag) or "") for tag in ("FNAME", "LNAME")).strip()
        tags = self.member_tag_segments(audience, member)
        document = {
            "id": member.id,
            "email_address": member.email_address,
            "unique_email_id": member.unique_email_id,
            "contact_id": member.contact_id,
            "full_name": full_name,
            "web_id": member.web_id,
            "email_type": member.email_type,
            "status": member.status,
            "consents_to_one_to_one_messaging": True,
            "sms_phone_number": "",
            "sms_subscription_status": "",
            "sms_subscription_last_updated": "",
            "merge_fields": merge_values,
            "stats": self._member_stats(audience, member),
            "ip_signup": member.ip_signup,
            "timestamp_signup": util.iso(member.timestamp_signup) if member.timestamp_signup else "",
            "ip_opt": member.ip_opt,
            "timestamp_opt": util.iso(member.timestamp_opt) if member.timestamp_opt else "",
            "member_rating": 2,
            "last_changed": util.iso(member.last_changed),
            "language": member.language,
            "vip": member.vip,
            "email_client": "",
            "location": {"latitude": 0, "longitude": 0, "gmtoff": 0, "dstoff": 0,
                         "country_code": "", "timezone": "", "region": "", **member.location},
            "marketing_permissions": permissions_document(audience, member),
            "source": member.source,
            "tags_count": len(tags),
            "tags": [{"id": segment.id, "name": segment.name} for segment in tags],
            "list_id": audience.id,
            "_links": [self.link("self", f"/lists/{audience.id}/members/{member.id}")],
        }
        if member.status == "unsubscribed":
            document["unsubscribe_reason"] = member.unsubscribe_reason
        if audience.categories:
            document["interests"] = {
                interest.id: bool(member.interests.get(interest.id, False))
                for interest in audience.all_interests()
            }
        return document

    def _member_stats(self, audience, member):
        received = [c for c in self.campaigns.values() if member.id in c.sent_to]
        if not received:
            return {"avg_open_rate": 0, "avg_click_rate": 0}

        def rate(action):
            hits = sum(1 for c in received
                       if any(a.subscriber_hash == member.id and a.action == action for a in c.activity))
            return round(hits / len(received), 4)

        return {"avg_open_rate": rate("open"), "avg_click_rate": rate("click")}

    def members_collection(self, list_id, query):
        with self._lock:
            audience = self.audience(list_id)
            members = self._filter_members(audience, list(audience.members.values()), query)
            return self.page_document("members", members, query, lambda m: self.member_document(audience, m),
                                      f"/lists/{list_id}/members", list_id=list_id)

    def _filter_members(self, audience, members, query):
        """Apply the GET /members query filters; archived only when asked for."""
        status = query.get("status")
        members = [m for m in members if m.status == status] if status else [
            m for m in members if m.status != ARCHIVED]
        if query.get("email_type"):
            members = [m for m in members if m.email_type == query["email_type"]]
        if query.get("unique_email_id"):
            members = [m for m in members if m.unique_email_id == query["unique_email_id"]]
        if util.parse_bool(query.get("vip_only")):
            members = [m for m in members if m.vip]
        for param, attribute, after in (
            ("since_last_changed", "last_changed", True),
            ("before_last_changed", "last_changed", False),
            ("since_timestamp_opt", "timestamp_opt", True),
            ("before_timestamp_opt", "timestamp_opt", False),
        ):
            if query.get(param):
                bound = util.parse_iso(query[param], param)
                members = [m for m in members if getattr(m, attribute) is not None
                           and (getattr(m, attribute) >= bound if after
                                else getattr(m, attribute) < bound)]
        if query.get("interest_category_id") and query.get("interest_ids"):
            members = self._filter_by_interests(members, query)
        if query.get("sort_field"):
            if query["sort_field"] not in SORTABLE_FIELDS:
                raise errors.field_error("sort_field", "Schema describes enum")
            members.sort(key=lambda m: getattr(m, query["sort_field"]) or m.last_changed,
                         reverse=query.get("sort_dir", "ASC").upper() == "DESC")
        return members

    @staticmethod
    def _filter_by_interests(members, query):
        wanted = [i for i in query["interest_ids"].split(",") if i]
        match = query.get("interest_match", "any")

        def keep(member):
            hits = [bool(member.interests.get(i)) for i in wanted]
            if match == "all":
                return all(hits)
            if match == "none":
                return not any(hits)
            return any(hits)

        return [m for m in members if keep(m)]

    # -- API writes ----------------------------------------------------------

    def add_member(self, list_id, body, skip_merge_validation=False):
        """``POST /lists/{id}/members``; an existing (non-archived) address is Member Exists."""
        with self.write():
            audience = self.audience(list_id)
            body = self._object_body(body)
            existing = self.find_member(audience, body.get("email_address") or "")
            if existing is not None and existing.status != ARCHIVED:
                raise errors.member_exists(existing.email_address)
            change = self._prepare(audience, existing, body, ("status",), skip_merge_validation,
                                   status_required=True)
            return self._apply(audience, existing, change, "api")

    def upsert_member(self, list_id, key, body, skip_merge_validation=False):
        """``PUT /lists/{id}/members/{hash}``: new members need status_if_new (or status).

        Archived members: only an explicit ``status`` brings them back. With
        ``status_if_new`` alone the PUT succeeds (200), updates the profile and the
        member STAYS ARCHIVED -- "Jethro tries to add them to the mc list again but it
        doesn't stick - they are still "archived" in mailchimp ... Tried changing
        "status_if_new" to "status" ... and it seems to fix it"
        (https://github.com/tbar0970/jethro-pmm/issues/708); mailchimp/mc-woocommerce
        #951 logs an "Updated Member" answer with ``status: archived`` for the same
        kind of call (https://github.com/mailchimp/mc-woocommerce/issues/951);
        api-facts 1.5 "Archived members can be brought back with PATCH/PUT setting a
        status" (StackOverflow 63584277). A PUT with neither key stays a 400 on
        ``status``, as before.
        """
        with self.write():
            audience = self.audience(list_id)
            body = self._object_body(body)
            existing = self.find_member(audience, key)
            if existing is None:
                email = body.get("email_address")
                if email and "@" not in str(key) and util.subscriber_hash(email) != str(key).lower():
                    raise errors.field_error(
                        "email_address", "The email address does not match the subscriber hash")
                body.setdefault("email_address", key if "@" in str(key) else None)
                change = self._prepare(audience, existing, body, ("status_if_new", "status"),
                                       skip_merge_validation, status_required=True)
            elif existing.status == ARCHIVED:
                self._check_ignored_status_if_new(body)
                change = self._prepare(audience, existing, body, ("status",), skip_merge_validation,
                                       status_required=body.get("status_if_new") is None)
            else:
                change = self._prepare(audience, existing, body, ("status",), skip_merge_validation)
            return self._apply(audience, existing, change, "api")

    @staticmethod
    def _check_ignored_status_if_new(body):
        """``status_if_new`` given for an existing member is not applied, but still validated."""
        if body.get("status_if_new") is not None:
            validation.check_status(body["status_if_new"], "status_if_new")

    def update_member(self, list_id, key, body, skip_merge_validation=False):
        """``PATCH``: partial update of an existing member (archived ones stay archived without ``status``)."""
        with self.write():
            audience = self.audience(list_id)
            existing = self.member(audience, key)
            change = self._prepare(audience, existing, self._object_body(body), ("status",),
                                   skip_merge_validation)
            return self._apply(audience, existing, change, "api")

    def archive_member(self, list_id, key):
        """``DELETE /lists/{id}/members/{hash}``: archive (204)."""
        with self.write():
            audience = self.audience(list_id)
            member = self.member(audience, key)
            if member.status == ARCHIVED:
                raise errors.not_found()
            self._fire_member_event(audience, "unsubscribe", "api", member,
                                    action="delete", reason="manual")
            member.status = ARCHIVED
            member.last_changed = self.now()

    def delete_member_permanently(self, list_id, key):
        """``POST …/actions/delete-permanent``: forget the address for good (204)."""
        with self.write():
            audience = self.audience(list_id)
            member = self.member(audience, key)
            self._fire_member_event(audience, "unsubscribe", "api", member,
                                    action="delete", reason="manual")
            self._remove_member(audience, member)
            audience.forgotten.add(member.id)

    def _remove_member(self, audience, member):
        del audience.members[member.id]
        for segment in audience.segments.values():
            segment.members.pop(member.id, None)

    @staticmethod
    def _object_body(body):
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise errors.invalid_resource([{"field": "", "message": "Schema describes object"}])
        return dict(body)

    def _prepare(self, audience, existing, body, status_keys, skip_merge_validation,
                 status_required=False):
        """Validate a member write against the state machine; raise before any change.

        ``status_keys`` are the body keys giving the new status, in priority order;
        a status is always required for a new member, else when ``status_required``.
        """
        self._check_address(audience, existing, body.get("email_address"))
        status = self._requested_status(existing, body, status_keys, status_required)
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise errors.field_error("tags", "Schema describes array of strings")
        return MemberChange(
            email=body.get("email_address") or (existing.email_address if existing else None),
            status=status,
            merge_fields=validation.merge_values(
                audience, body.get("merge_fields"), is_new=existing is None,
                skip_required=skip_merge_validation),
            interests=validation.interests(audience, body.get("interests")),
            extra=self._scalar_fields(body),
            tags=tags,
        )

    def _check_address(self, audience, existing, email):
        """New address: valid and not forgotten; changed address: see below.

        Changing a member's address (PUT/PATCH on its hash with another
        ``email_address``; a change of letter case only is not a change, the hash
        stays the same):

        1. the new address must be valid (as for a new member);
        2. the member must be **subscribed**, else 400 "Invalid Resource" with
           ``errors=[{"field": "email address", "message": 'This member's status is
           "<status>." You can only update email addresses for members with a status
           of "subscribed."'}]`` -- https://github.com/ibericode/mailchimp-user-sync/issues/96
           (cleaned) and recorded answers for unsubscribed members
           (:func:`.errors.email_change_not_subscribed`);
        3. the new address must not be on the list in ANY status, archived included,
           else 400 "Invalid Resource" ``'"<new>" is already in this list with a status
           of "<label>".'`` -- "they won't let you change the email address if the new
           email address belongs to a member who has been deleted from the list",
           https://github.com/brandonseydel/MailChimp.Net/issues/201
           (:func:`.errors.email_taken`);
        4. a permanently deleted new address answers "Forgotten Email Not Subscribed"
           (guessed, listed in :mod:`.errors`).

        The order of 2 and 3 when both apply is not documented anywhere; the
        member's own status is checked first.
        """
        if existing is None:
            if not email:
                raise errors.field_error("email_address", "This value should not be blank.")
            validation.check_email(email)
            if util.subscriber_hash(email) in audience.forgotten:
                raise errors.forgotten_email(email)
        elif email and email.lower() != existing.email_address.lower():
            validation.check_email(email)
            if existing.status != "subscribed":
                raise errors.email_change_not_subscribed(existing.status)
            taken = self.find_member(audience, email)
            if taken is not None:
                raise errors.email_taken(email, taken.status)
            if util.subscriber_hash(email) in audience.forgotten:
                raise errors.forgotten_email(email)

    @staticmethod
    def _requested_status(existing, body, status_keys, status_required):
        """The status to set (None = unchanged), enforcing the compliance rules.

        * ``subscribed`` for a member in a compliance state (self-unsubscribed,
          cleaned) -> 400 "Member In Compliance State" (api-facts 1.5; e.g.
          https://github.com/tbar0970/jethro-pmm/issues/656).
        * A **cleaned** member keeps its status: any other status than ``cleaned``
          (unsubscribed, pending, transactional) -> 400 "Invalid Resource"
          (:func:`.errors.cleaned_status_locked`, wording guessed). Source of the
          rule: "You can view cleaned addresses anytime or archive and export them,
          but you can't edit them." (https://mailchimp.com/help/about-cleaned-contacts/),
          and the API's refusal to touch a cleaned member's address
          (https://github.com/ibericode/mailchimp-user-sync/issues/96). This is
          stricter than api-facts' checklist item 3 ("pending allowed"), which is
          sourced for self-unsubscribed contacts (StackOverflow 46285397): for them
          ``pending`` stays allowed. Archiving a cleaned member (DELETE) stays
          allowed, as the help page says.
        """
        key = next((k for k in status_keys if body.get(k) is not None), None)
        if key is None:
            if existing is None or status_required:
                raise errors.field_error(status_keys[0], "Schema describes enum, NULL found instead")
            return None
        status = body[key]
        validation.check_status(status, key)
        if (status == "subscribed" and existing is not None and existing.compliance_state
                and existing.status != "subscribed"):
            raise errors.member_in_compliance_state(existing.email_address)
        if existing is not None and existing.status == "cleaned" and status != "cleaned":
            raise errors.cleaned_status_locked()
        return status

    @staticmethod
    def _scalar_fields(body):
        extra = {k: body[k] for k in SCALAR_MEMBER_FIELDS if k in body}
        for stamp in ("timestamp_signup", "timestamp_opt"):
            if body.get(stamp):
                extra[stamp] = util.parse_iso(body[stamp], stamp)
        email_type = body.get("email_type")
        if email_type is not None:
            if email_type not in ("html", "text"):
                raise errors.field_error("email_type", f"Schema describes enum, '{email_type}' found instead")
            extra["email_type"] = email_type
        return extra

    def _new_member(self, audience, email, status, source_label):
        member = Member(
            id=util.subscriber_hash(email),
            email_address=email,
            unique_email_id=self.new_hex_id(),
            contact_id=self.new_hex_id(32),
            web_id=self.new_web_id(),
            status=status,
            last_changed=self.now(),
            source=source_label,
            merge_fields={f.tag: "" for f in audience.merge_fields},
            interests={i.id: False for i in audience.all_interests()},
        )
        audience.members[member.id] = member
        return member

    def _apply(self, audience, existing, change, source, source_label="API - Generic"):
        """Apply a validated change, fire webhooks for ``source`` and bump last_changed."""
        member = existing
        if member is None:
            member = self._new_member(audience, change.email, change.status, source_label)
            old_status = None
        else:
            old_status = member.status
            if change.email and change.email != member.email_address:
                self._change_email(audience, member, change.email, source)
        profile_changed = self._update_profile(member, change)
        for tag in change.tags:
            self._tag_member(audience, member, tag)
        if change.status is not None and change.status != old_status:
            quiet = old_status is None and change.status != "subscribed"
            self._set_status(audience, member, change.status, source, quiet=quiet)
        elif old_status is not None and old_status != ARCHIVED and profile_changed:
            self._fire_member_event(audience, "profile", source, member)
        member.last_changed = self.now()
        return member

    @staticmethod
    def _update_profile(member, change):
        before = (dict(member.merge_fields), dict(member.interests), member.email_type, member.language)
        member.merge_fields.update(change.merge_fields)
        member.interests.update(change.interests)
        for key, value in change.extra.items():
            if key == "marketing_permissions":
                value = merged_permissions(member.marketing_permissions, value)
            setattr(member, key, value)
        return before != (member.merge_fields, member.interests, member.email_type, member.language)

    def _set_status(self, audience, member, status, source, reason="manual", campaign_id="",
                    quiet=False):
        """Status transition plus the matching webhook event (none when ``quiet``).

        Unsubscribes from outside the API (user/admin side) and cleans put the
        member in a compliance state: the API may no longer set "subscribed".
        """
        member.status = status
        event = {"subscribed": "subscribe", "unsubscribed": "unsubscribe", "cleaned": "cleaned"}.get(status)
        if status == "subscribed":
            member.timestamp_opt = self.now()
            member.compliance_state = False
            member.unsubscribe_reason = ""
        elif status == "unsubscribed":
            member.compliance_state = source != "api"
            member.unsubscribe_reason = ("N/A (Unsubscribed by the contact)" if source == "user"
                                         else "N/A (Unsubscribed by an admin)")
        elif status == "cleaned":
            member.compliance_state = True
        if event and not quiet:
            extra = {"action": "unsub", "reason": reason, "campaign_id": campaign_id}
            if event == "cleaned":
                extra = {"reason": reason, "campaign_id": campaign_id}
            self._fire_member_event(audience, event, source, member,
                                    **(extra if event != "subscribe" else {}))

    def _change_email(self, audience, member, new_email, source):
        old_email, old_id = member.email_address, member.id
        member.email_address = new_email
        member.id = util.subscriber_hash(new_email)
        del audience.members[old_id]
        audience.members[member.id] = member
        for segment in audience.segments.values():
            if old_id in segment.members:
                segment.members[member.id] = segment.members.pop(old_id)
        if old_email.lower() != new_email.lower():
            self._fire_member_event(audience, "upemail", source, member, old_email=old_email)

    # -- batch subscribe -------------------------------------------------------

    def batch_subscribe(self, list_id, body, skip_merge_validation=False, skip_duplicate_check=False):
        """``POST /lists/{id}``: per-member results, HTTP 200 even when some fail."""
        body = self._object_body(body)
        items = body.get("members")
        if not isinstance(items, list):
            raise errors.field_error("members", "Schema describes array, NULL found instead")
        if len(items) > MAX_BATCH_MEMBERS:
            raise errors.field_error(
                "members", f"Schema describes array with at most {MAX_BATCH_MEMBERS} items, "
                           f"{len(items)} found instead")
        options = BatchOptions(util.parse_bool(body.get("update_existing")),
                               util.parse_bool(body.get("sync_tags")),
                               skip_merge_validation, skip_duplicate_check)
        result = {"new_members": [], "updated_members": [], "errors": []}
        with self.write():
            audience = self.audience(list_id)
            seen = set()
            for item in items:
                self._batch_one(audience, item, result, seen, options)
            return {
                **result,
                "total_created": len(result["new_members"]),
                "total_updated": len(result["updated_members"]),
                "error_count": len(result["errors"]),
                "_links": [self.link("self", f"/lists/{list_id}")],
            }

    def _batch_one(self, audience, item, result, seen, options):
        """Subscribe one batch item; failures go to ``result["errors"]``, not raised.

        Archived contacts: an explicit ``status`` revives them (reported under
        ``new_members``, as before). ``status_if_new`` alone does NOT: the contact
        exists, so this is an update of an existing contact -- it needs
        ``update_existing: true`` (else ``ERROR_CONTACT_EXISTS``, guessed), its
        profile is updated, it STAYS ARCHIVED and is reported under
        ``updated_members`` with ``"status": "archived"``. Sources: "Jethro tries to
        add them to the mc list again but it doesn't stick - they are still
        "archived" ... Tried changing "status_if_new" to "status" ... and it seems to
        fix it" (https://github.com/tbar0970/jethro-pmm/issues/708, a sync sending
        member PUTs); https://github.com/mailchimp/mc-woocommerce/issues/951 (an
        update answered with ``status: archived``). No public source shows batch
        subscribe itself on an archived contact; api-facts 1.6 defines
        ``status_if_new`` as the status of NEW members and ``updated_members`` as the
        existing ones updated, so the stricter reading was chosen: updated, kept
        archived, never silently revived.
        """
        item = item if isinstance(item, dict) else {}
        email = str(item.get("email_address") or "")
        key = email.lower()
        if key in seen:
            if not options.skip_duplicate_check:
                result["errors"].append(self._batch_error(
                    email, f"{email} is a duplicate in this request", "ERROR_GENERIC"))
            return
        seen.add(key)
        existing = self.find_member(audience, email) if email else None
        archived = existing is not None and existing.status == ARCHIVED
        # An archived contact given no explicit status is updated in place, not revived.
        updating = existing is not None and (not archived or item.get("status") is None)
        if updating and not options.update_existing:
            result["errors"].append(self._batch_error(
                email, f"{email} is already a list member, do you want to update? "
                       "please provide update_existing:true in the request body",
                "ERROR_CONTACT_EXISTS"))
            return
        status_keys = ("status",) if updating else ("status_if_new", "status")
        try:
            if archived and updating:
                self._check_ignored_status_if_new(item)
            change = self._prepare(audience, existing, dict(item), status_keys,
                                   options.skip_merge_validation,
                                   status_required=not updating or (
                                       archived and item.get("status_if_new") is None))
        except errors.ApiError as problem:
            first = (problem.errors or [{}])[0]
            result["errors"].append(self._batch_error(
                email, problem.detail, "ERROR_GENERIC", first.get("field", ""), first.get("message", "")))
            return
        if options.sync_tags and updating:
            for segment in self.member_tag_segments(audience, existing):
                segment.members.pop(existing.id, None)
        member = self._apply(audience, existing, change, "api")
        bucket = "updated_members" if updating else "new_members"
        result[bucket].append(self.member_document(audience, member))

    @staticmethod
    def _batch_error(email, message, code, field_name="", field_message=""):
        return {"email_address": email, "error": message, "error_code": code,
                "field": field_name, "field_message": field_message}

    # -- tags ----------------------------------------------------------------

    def member_tags(self, list_id, key, query):
        with self._lock:
            audience = self.audience(list_id)
            member = self.member(audience, key)
            segments = self.member_tag_segments(audience, member)
            tags = [{"id": s.id, "name": s.name, "date_added": util.iso(s.members[member.id])}
                    for s in segments]
            return {
                "tags": util.page(tags, query),
                "total_items": len(tags),
                "_links": [self.link("self", f"/lists/{list_id}/members/{member.id}/tags")],
            }

    def update_member_tags(self, list_id, key, body):
        """``POST …/tags``: ``{"tags":[{"name","status":"active|inactive"}]}`` → 204."""
        tags = self._object_body(body).get("tags")
        if not isinstance(tags, list):
            raise errors.field_error("tags", "Schema describes array, NULL found instead")
        for tag in tags:
            if not isinstance(tag, dict) or not tag.get("name"):
                raise errors.field_error("tags.name", "This value should not be blank.")
            if tag.get("status", "active") not in ("active", "inactive"):
                raise errors.field_error("tags.status", "Schema describes enum")
        with self.write():
            audience = self.audience(list_id)
            member = self.member(audience, key)
            for tag in tags:
                if tag.get("status", "active") == "active":
                    self._tag_member(audience, member, tag["name"])
                else:
                    self._untag_member(audience, member, tag["name"])
            member.last_changed = self.now()

    # -- activity --------------------------------------------------------------

    def _member_events(self, member):
        """Newest-first ``(campaign, action, timestamp, url, type)`` for a member."""
        events = []
        for campaign in self.campaigns.values():
            if member.id in campaign.sent_to:
                events.append((campaign, "sent", campaign.send_time, "", ""))
            events.extend((campaign, a.action, a.timestamp, a.url, a.type)
                          for a in campaign.activity if a.subscriber_hash == member.id)
        events.sort(key=lambda event: event[2], reverse=True)
        return events

    def member_activity(self, list_id, key, query):
        with self._lock:
            audience = self.audience(list_id)
            member = self.member(audience, key)
            activity = [{
                "action": action,
                "timestamp": util.iso(moment),
                "url": url,
                "type": kind or "regular",
                "campaign_id": campaign.id,
                "title": campaign.settings.get("title", ""),
                "parent_campaign": "",
            } for campaign, action, moment, url, kind in self._member_events(member)]
            return {
                "activity": activity[:50],
                "email_id": member.id,
                "list_id": list_id,
                "total_items": len(activity),
                "_links": [self.link("self", f"/lists/{list_id}/members/{member.id}/activity")],
            }

    def member_activity_feed(self, list_id, key, query):
        with self._lock:
            audience = self.audience(list_id)
            member = self.member(audience, key)
            wanted = [f for f in (query.get("activity_filters") or "").split(",") if f]
            feed = [{
                "activity_type": action,
                "created_at_timestamp": util.iso(moment),
                "campaign_id": campaign.id,
                "campaign_title": campaign.settings.get("title", ""),
                "link_clicked": url,
                "bounce_type": kind,
            } for campaign, action, moment, url, kind in self._member_events(member)
                if not wanted or action in wanted]
            return {
                "activity": util.page(feed, query),
                "email_id": member.id,
                "list_id": list_id,
                "total_items": len(feed),
                "_links": [self.link("self", f"/lists/{list_id}/members/{member.id}/activity-feed")],
            }


def merged_permissions(known, sent):
    """The member's ``[{marketing_permission_id, enabled}]`` after an update: sent ids change, others stay."""
    enabled = {entry["marketing_permission_id"]: bool(entry.get("enabled")) for entry in known or ()}
    for entry in sent or ():
        if isinstance(entry, dict) and entry.get("marketing_permission_id"):
            enabled[entry["marketing_permission_id"]] = bool(entry.get("enabled"))
    return [{"marketing_permission_id": key, "enabled": value} for key, value in enabled.items()]


def permissions_document(audience, member):
    """Every GDPR field of the audience with the member's choice, as Mailchimp shows it on a member."""
    enabled = {entry["marketing_permission_id"]: entry.get("enabled", False)
               for entry in merged_permissions((), member.marketing_permissions)}
    return [{"marketing_permission_id": permission["marketing_permission_id"], "text": permission["text"],
             "enabled": enabled.get(permission["marketing_permission_id"], False)}
            for permission in audience.marketing_permissions]
