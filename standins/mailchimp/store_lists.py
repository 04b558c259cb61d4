"""Audiences, merge fields, interest categories and interests."""

import re

from . import errors, util
from .model import (
    ARCHIVED,
    INTEREST_CATEGORY_TYPES,
    MERGE_FIELD_TYPES,
    Audience,
    Interest,
    InterestCategory,
    MergeField,
)

DEFAULT_MERGE_FIELDS = (
    ("FNAME", "First Name", "text"),
    ("LNAME", "Last Name", "text"),
    ("ADDRESS", "Address", "address"),
    ("PHONE", "Phone Number", "phone"),
    ("BIRTHDAY", "Birthday", "birthday"),
)
DEFAULT_OPTIONS = {
    "text": {"size": 255},
    "phone": {"phone_format": "none"},
    "address": {"default_country": 164},
    "date": {"date_format": "MM/DD/YYYY"},
    "birthday": {"date_format": "MM/DD"},
}
REQUIRED_LIST_FIELDS = {
    "name": None,
    "permission_reminder": None,
    "email_type_option": None,
    "contact": ("company", "address1", "city", "country"),
    "campaign_defaults": ("from_name", "from_email", "subject", "language"),
}
_BLANK = "This value should not be blank."
# GUESSED wording (no public answer seen): Mailchimp refuses a list's From email that is no address.
_NOT_AN_EMAIL = "This value is not a valid email address."


def _missing(body, name):
    return name not in body or body[name] is None or body[name] == ""


class ListsMixin:
    """Audience level resources; every public method takes the store lock."""

    # -- lookup --------------------------------------------------------------

    def audience(self, list_id):
        """The :class:`Audience` record, or 404 Resource Not Found."""
        return errors.found(self.audiences.get(list_id))

    # -- lists ---------------------------------------------------------------

    def create_list(self, body, list_id=None):
        """``POST /lists``: validate like Mailchimp and create with default merge fields."""
        problems = self._list_body_problems(body)
        if problems:
            raise errors.invalid_resource(problems)
        with self.write():
            audience = Audience(
                id=list_id or self.new_hex_id(),
                web_id=self.new_web_id(),
                name=body["name"],
                contact=self._list_contact(body["contact"]),
                permission_reminder=body["permission_reminder"],
                campaign_defaults=dict(body["campaign_defaults"]),
                email_type_option=bool(body["email_type_option"]),
                date_created=self.now(),
                use_archive_bar=bool(body.get("use_archive_bar", False)),
                notify_on_subscribe=body.get("notify_on_subscribe", ""),
                notify_on_unsubscribe=body.get("notify_on_unsubscribe", ""),
                visibility=body.get("visibility", "pub"),
                double_optin=bool(body.get("double_optin", False)),
            )
            self.audiences[audience.id] = audience
            if body.get("merge_fields") is None:
                for tag, name, kind in DEFAULT_MERGE_FIELDS:
                    self._add_merge_field(audience, {"tag": tag, "name": name, "type": kind})
            return audience

    def _list_body_problems(self, body):
        if not isinstance(body, dict):
            return [{"field": "", "message": "Schema describes object, other found instead"}]
        problems = []
        for name, nested in REQUIRED_LIST_FIELDS.items():
            if _missing(body, name):
                problems.append({"field": name, "message": _BLANK})
            elif nested:
                section = body[name] if isinstance(body[name], dict) else {}
                problems.extend(
                    {"field": f"{name}.{key}", "message": _BLANK}
                    for key in nested
                    if key not in section or section[key] is None
                    or (section[key] == "" and key != "subject")
                )
        if not _missing(body, "email_type_option") and not isinstance(body["email_type_option"], bool):
            problems.append({"field": "email_type_option", "message": "Schema describes boolean"})
        defaults = body.get("campaign_defaults")
        from_email = defaults.get("from_email") if isinstance(defaults, dict) else None
        if from_email and not util.EMAIL_SYNTAX.match(str(from_email)):
            problems.append({"field": "campaign_defaults.from_email", "message": _NOT_AN_EMAIL})
        return problems

    @staticmethod
    def _list_contact(contact):
        keys = ("company", "address1", "address2", "city", "state", "zip", "country", "phone")
        return {key: contact.get(key, "") for key in keys}

    def update_list(self, list_id, body):
        """``PATCH /lists/{id}``: Mailchimp requires the same values as to create one, checked the same way."""
        with self.write():
            audience = self.audience(list_id)
            problems = self._list_body_problems(body)
            if problems:
                raise errors.invalid_resource(problems)
            util.update_from(audience, body, ("name", "permission_reminder", "notify_on_subscribe",
                                              "notify_on_unsubscribe", "visibility"))
            util.update_from(audience, body, ("email_type_option", "use_archive_bar", "double_optin"), bool)
            util.merge_from(audience, body, ("contact", "campaign_defaults"))
            return audience

    def delete_list(self, list_id):
        with self.write():
            self.audience(list_id)
            del self.audiences[list_id]

    def list_document(self, audience):
        members = [m for m in audience.members.values() if m.status != ARCHIVED]
        stats = {status: sum(1 for m in members if m.status == status)
                 for status in ("subscribed", "unsubscribed", "cleaned")}
        sent = [c for c in self.campaigns.values()
                if c.recipients.get("list_id") == audience.id and c.status == "sent"]
        return {
            "id": audience.id,
            "web_id": audience.web_id,
            "name": audience.name,
            "contact": dict(audience.contact),
            "permission_reminder": audience.permission_reminder,
            "use_archive_bar": audience.use_archive_bar,
            "campaign_defaults": dict(audience.campaign_defaults),
            "notify_on_subscribe": audience.notify_on_subscribe,
            "notify_on_unsubscribe": audience.notify_on_unsubscribe,
            "date_created": util.iso(audience.date_created),
            "list_rating": 0,
            "email_type_option": audience.email_type_option,
            "subscribe_url_short": f"http://eepurl.com/{audience.id[:6]}",
            "subscribe_url_long": f"https://acme.us6.list-manage.com/subscribe?u=0&id={audience.id}",
            "beamer_address": f"us6-{audience.id}@inbound.mailchimp.com",
            "visibility": audience.visibility,
            "double_optin": audience.double_optin,
            "has_welcome": False,
            "marketing_permissions": bool(audience.marketing_permissions),
            "modules": [],
            "stats": {
                "member_count": stats["subscribed"],
                "total_contacts": len(members),
                "unsubscribe_count": stats["unsubscribed"],
                "cleaned_count": stats["cleaned"],
                "member_count_since_send": stats["subscribed"],
                "unsubscribe_count_since_send": stats["unsubscribed"],
                "cleaned_count_since_send": stats["cleaned"],
                "campaign_count": len(sent),
                "campaign_last_sent": max((util.iso(c.send_time) for c in sent), default=""),
                "merge_field_count": len(audience.merge_fields),
                "avg_sub_rate": 0,
                "avg_unsub_rate": 0,
                "target_sub_rate": 0,
                "open_rate": self.average_rate(sent, "open"),
                "click_rate": self.average_rate(sent, "click"),
                "last_sub_date": max((util.iso(m.timestamp_opt) for m in members
                                      if m.status == "subscribed" and m.timestamp_opt), default=""),
                "last_unsub_date": "",
            },
            "_links": [self.link("self", f"/lists/{audience.id}")],
        }

    def lists_collection(self, query):
        with self._lock:
            audiences = list(self.audiences.values())
            documents = [self.list_document(a) for a in util.page(audiences, query)]
            return {
                "lists": documents,
                "total_items": len(audiences),
                "constraints": {
                    "may_create": True,
                    "max_instances": 100,
                    "current_total_instances": len(audiences),
                },
                "_links": [self.link("self", "/lists")],
            }

    # -- merge fields --------------------------------------------------------

    def _add_merge_field(self, audience, body):
        kind = body.get("type")
        problems = []
        if not body.get("name"):
            problems.append({"field": "name", "message": _BLANK})
        if kind not in MERGE_FIELD_TYPES:
            problems.append({"field": "type", "message": f"Schema describes enum, '{kind}' found instead"})
        if problems:
            raise errors.invalid_resource(problems)
        tag = (body.get("tag") or f"MMERGE{audience.next_merge_id}").upper()
        if not re.match(r"^[A-Z0-9_]{1,10}$", tag):
            raise errors.field_error("tag", "Merge tags may contain up to 10 letters, digits or _")
        if tag == "EMAIL" or audience.merge_field_by_tag(tag):
            raise errors.invalid_resource(
                detail=f'A Merge Field with the tag "{tag}" already exists for this list.')
        options = dict(DEFAULT_OPTIONS.get(kind, {}))
        options.update(body.get("options") or {})
        merge_field = MergeField(
            merge_id=audience.next_merge_id,
            tag=tag,
            name=body["name"],
            type=kind,
            required=bool(body.get("required", False)),
            default_value=body.get("default_value", ""),
            public=bool(body.get("public", True)),
            display_order=body.get("display_order", len(audience.merge_fields) + 2),
            options=options,
            help_text=body.get("help_text", ""),
        )
        audience.next_merge_id += 1
        audience.merge_fields.append(merge_field)
        return merge_field

    def add_merge_field(self, list_id, body):
        with self.write():
            return self._add_merge_field(self.audience(list_id), body)

    def merge_field(self, list_id, merge_id):
        audience = self.audience(list_id)
        return errors.found(next((f for f in audience.merge_fields if str(f.merge_id) == str(merge_id)), None))

    def update_merge_field(self, list_id, merge_id, body):
        with self.write():
            merge_field = self.merge_field(list_id, merge_id)
            util.update_from(merge_field, body, ("name", "required", "default_value", "public", "display_order",
                                                 "help_text"))
            util.merge_from(merge_field, body, ("options",))
            return merge_field

    def delete_merge_field(self, list_id, merge_id):
        with self.write():
            audience = self.audience(list_id)
            merge_field = self.merge_field(list_id, merge_id)
            audience.merge_fields.remove(merge_field)
            for member in audience.members.values():
                member.merge_fields.pop(merge_field.tag, None)

    def merge_field_document(self, list_id, merge_field):
        return {
            "merge_id": merge_field.merge_id,
            "tag": merge_field.tag,
            "name": merge_field.name,
            "type": merge_field.type,
            "required": merge_field.required,
            "default_value": merge_field.default_value,
            "public": merge_field.public,
            "display_order": merge_field.display_order,
            "options": dict(merge_field.options),
            "help_text": merge_field.help_text,
            "list_id": list_id,
            "_links": [self.link("self", f"/lists/{list_id}/merge-fields/{merge_field.merge_id}")],
        }

    def merge_fields_collection(self, list_id, query):
        with self._lock:
            fields = self.audience(list_id).merge_fields
            fields = util.matching(fields, query, "type")
            if query.get("required") not in (None, ""):
                fields = [f for f in fields if f.required == util.parse_bool(query["required"])]
            return self.page_document("merge_fields", fields, query, lambda f: self.merge_field_document(list_id, f),
                                      f"/lists/{list_id}/merge-fields", list_id=list_id)

    # -- interest categories and interests -----------------------------------

    def add_interest_category(self, list_id, body, category_id=None):
        if not body.get("title"):
            raise errors.field_error("title", _BLANK)
        kind = body.get("type")
        if kind not in INTEREST_CATEGORY_TYPES:
            raise errors.field_error("type", f"Schema describes enum, '{kind}' found instead")
        with self.write():
            audience = self.audience(list_id)
            if any(c.title == body["title"] for c in audience.categories):
                raise errors.invalid_resource(
                    detail=f"Cannot add \"{body['title']}\" because it already exists on the list.")
            category = InterestCategory(
                id=category_id or self.new_hex_id(),
                title=body["title"],
                type=kind,
                display_order=body.get("display_order", len(audience.categories)),
            )
            audience.categories.append(category)
            return category

    def interest_category(self, list_id, category_id):
        audience = self.audience(list_id)
        return errors.found(next((c for c in audience.categories if c.id == category_id), None))

    def update_interest_category(self, list_id, category_id, body):
        with self.write():
            category = self.interest_category(list_id, category_id)
            util.update_from(category, body, ("title", "display_order", "type"))
            return category

    def delete_interest_category(self, list_id, category_id):
        with self.write():
            audience = self.audience(list_id)
            category = self.interest_category(list_id, category_id)
            audience.categories.remove(category)
            for interest in category.interests:
                self._forget_interest(audience, interest.id)

    def _forget_interest(self, audience, interest_id):
        for member in audience.members.values():
            member.interests.pop(interest_id, None)

    def category_document(self, list_id, category):
        return {
            "list_id": list_id,
            "id": category.id,
            "title": category.title,
            "display_order": category.display_order,
            "type": category.type,
            "_links": [self.link("self", f"/lists/{list_id}/interest-categories/{category.id}")],
        }

    def categories_collection(self, list_id, query):
        with self._lock:
            categories = self.audience(list_id).categories
            categories = util.matching(categories, query, "type")
            return self.page_document("categories", categories, query, lambda c: self.category_document(list_id, c),
                                      f"/lists/{list_id}/interest-categories", list_id=list_id)

    def add_interest(self, list_id, category_id, body, interest_id=None):
        if not body.get("name"):
            raise errors.field_error("name", _BLANK)
        with self.write():
            audience = self.audience(list_id)
            category = self.interest_category(list_id, category_id)
            if any(i.name == body["name"] for i in category.interests):
                raise errors.invalid_resource(
                    detail=f"Cannot add \"{body['name']}\" because it already exists on the list.")
            interest = Interest(
                id=interest_id or self.new_hex_id(),
                category_id=category.id,
                name=body["name"],
                display_order=body.get("display_order", len(category.interests)),
            )
            category.interests.append(interest)
            for member in audience.members.values():
                member.interests.setdefault(interest.id, False)
            return interest

    def interest(self, list_id, category_id, interest_id):
        category = self.interest_category(list_id, category_id)
        return errors.found(next((i for i in category.interests if i.id == interest_id), None))

    def update_interest(self, list_id, category_id, interest_id, body):
        with self.write():
            interest = self.interest(list_id, category_id, interest_id)
            util.update_from(interest, body, ("name", "display_order"))
            return interest

    def delete_interest(self, list_id, category_id, interest_id):
        with self.write():
            category = self.interest_category(list_id, category_id)
            interest = self.interest(list_id, category_id, interest_id)
            category.interests.remove(interest)
            self._forget_interest(self.audience(list_id), interest_id)

    def interest_document(self, list_id, interest):
        audience = self.audience(list_id)
        count = sum(1 for m in audience.members.values()
                    if m.status == "subscribed" and m.interests.get(interest.id))
        path = f"/lists/{list_id}/interest-categories/{interest.category_id}/interests/{interest.id}"
        return {
            "category_id": interest.category_id,
            "list_id": list_id,
            "id": interest.id,
            "name": interest.name,
            "subscriber_count": str(count),
            "display_order": interest.display_order,
            "_links": [self.link("self", path)],
        }

    def interests_collection(self, list_id, category_id, query):
        with self._lock:
            interests = self.interest_category(list_id, category_id).interests
            return self.page_document("interests", interests, query, lambda i: self.interest_document(list_id, i),
                                      f"/lists/{list_id}/interest-categories/{category_id}/interests",
                                      list_id=list_id, category_id=category_id)
