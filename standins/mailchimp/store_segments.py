"""Segments and tags (in Mailchimp a tag is a static segment)."""

from . import errors, util
from .model import ARCHIVED, Segment

MAX_SEGMENT_BATCH = 500
TEXT_OPERATORS = {
    "is": lambda value, wanted: value.lower() == wanted.lower(),
    "not": lambda value, wanted: value.lower() != wanted.lower(),
    "contains": lambda value, wanted: wanted.lower() in value.lower(),
    "notcontain": lambda value, wanted: wanted.lower() not in value.lower(),
    "starts": lambda value, wanted: value.lower().startswith(wanted.lower()),
    "ends": lambda value, wanted: value.lower().endswith(wanted.lower()),
    "blank": lambda value, wanted: value == "",
    "blank_not": lambda value, wanted: value != "",
}
SUPPORTED_CONDITIONS = ("Interests", "StaticSegment", "EmailAddress", "TextMerge", "SelectMerge")


class SegmentsMixin:
    """Static/saved segments, tags, and the condition evaluator used by campaigns."""

    # -- tags ----------------------------------------------------------------

    def member_tag_segments(self, audience, member):
        return [s for s in audience.segments.values() if s.type == "static" and member.id in s.members]

    def _tag_segment(self, audience, name):
        segment = next((s for s in audience.segments.values()
                        if s.type == "static" and s.name == name), None)
        if segment is None:
            segment = self._new_segment(audience, name, "static")
        return segment

    def _tag_member(self, audience, member, name):
        segment = self._tag_segment(audience, name)
        segment.members.setdefault(member.id, self.now())
        segment.updated_at = self.now()

    def _untag_member(self, audience, member, name):
        for segment in self.member_tag_segments(audience, member):
            if segment.name == name:
                segment.members.pop(member.id, None)
                segment.updated_at = self.now()

    def _new_segment(self, audience, name, kind, options=None):
        self._segment_id += 1
        segment = Segment(id=self._segment_id, name=name, type=kind, created_at=self.now(),
                          updated_at=self.now(), options=options or {})
        audience.segments[segment.id] = segment
        return segment

    # -- segments --------------------------------------------------------------

    def create_segment(self, list_id, body):
        """``POST /lists/{id}/segments``: ``static_segment`` emails or ``options`` conditions."""
        body = body if isinstance(body, dict) else {}
        if not body.get("name"):
            raise errors.field_error("name", "This value should not be blank.")
        if "static_segment" in body and "options" in body:
            raise errors.invalid_resource(
                detail="Segments may be either static (static_segment) or saved (options), not both.")
        with self.write():
            audience = self.audience(list_id)
            if "options" in body:
                self._check_conditions(body["options"])
                return self._new_segment(audience, body["name"], "saved", dict(body["options"]))
            if any(s.name == body["name"] for s in audience.segments.values()):
                raise errors.invalid_resource(detail="Tag already exists.")
            segment = self._new_segment(audience, body["name"], "static")
            for email in body.get("static_segment") or []:
                member = self.find_member(audience, email)
                if member is not None:
                    segment.members[member.id] = self.now()
            return segment

    def segment(self, list_id, segment_id):
        audience = self.audience(list_id)
        try:
            return audience.segments[int(segment_id)]
        except (KeyError, ValueError):
            raise errors.not_found() from None

    def update_segment(self, list_id, segment_id, body):
        body = body if isinstance(body, dict) else {}
        with self.write():
            audience = self.audience(list_id)
            segment = self.segment(list_id, segment_id)
            if body.get("name"):
                segment.name = body["name"]
            if segment.type == "saved" and "options" in body:
                self._check_conditions(body["options"])
                segment.options = dict(body["options"])
            if segment.type == "static" and "static_segment" in body:
                segment.members = {}
                for email in body["static_segment"] or []:
                    member = self.find_member(audience, email)
                    if member is not None:
                        segment.members[member.id] = self.now()
            segment.updated_at = self.now()
            return segment

    def delete_segment(self, list_id, segment_id):
        with self.write():
            self.segment(list_id, segment_id)
            del self.audience(list_id).segments[int(segment_id)]

    def segment_member_ids(self, audience, segment):
        if segment.type == "static":
            return [h for h in segment.members if h in audience.members
                    and audience.members[h].status != ARCHIVED]
        return [m.id for m in self.members_matching(audience, segment.options)]

    def segment_document(self, list_id, segment):
        audience = self.audience(list_id)
        document = {
            "id": segment.id,
            "name": segment.name,
            "member_count": len(self.segment_member_ids(audience, segment)),
            "type": segment.type,
            "created_at": util.iso(segment.created_at),
            "updated_at": util.iso(segment.updated_at),
            "list_id": list_id,
            "_links": [self.link("self", f"/lists/{list_id}/segments/{segment.id}")],
        }
        if segment.type == "saved":
            document["options"] = segment.options
        return document

    def segments_collection(self, list_id, query):
        with self._lock:
            segments = util.matching(self.audience(list_id).segments.values(), query, "type")
            return self.page_document("segments", segments, query, lambda s: self.segment_document(list_id, s),
                                      f"/lists/{list_id}/segments", list_id=list_id)

    def batch_segment_members(self, list_id, segment_id, body):
        """``POST /lists/{id}/segments/{seg}``: add/remove up to 500 emails each."""
        body = body if isinstance(body, dict) else {}
        to_add = body.get("members_to_add") or []
        to_remove = body.get("members_to_remove") or []
        for name, emails in (("members_to_add", to_add), ("members_to_remove", to_remove)):
            if len(emails) > MAX_SEGMENT_BATCH:
                raise errors.field_error(
                    name, f"Schema describes array with at most {MAX_SEGMENT_BATCH} items")
        with self.write():
            audience = self.audience(list_id)
            segment = self._static_segment(list_id, segment_id)
            added, removed, missing = [], [], []
            for email in to_add:
                member = self.find_member(audience, email)
                if member is None:
                    missing.append(email)
                elif member.id not in segment.members:
                    segment.members[member.id] = self.now()
                    added.append(self.member_document(audience, member))
            for email in to_remove:
                member = self.find_member(audience, email)
                if member is None:
                    missing.append(email)
                elif segment.members.pop(member.id, None) is not None:
                    removed.append(self.member_document(audience, member))
            segment.updated_at = self.now()
            problems = ([{"email_addresses": missing,
                          "error": "Email addresses do not belong to this list"}] if missing else [])
            return {
                "members_added": added,
                "members_removed": removed,
                "errors": problems,
                "total_added": len(added),
                "total_removed": len(removed),
                "error_count": len(missing),
                "_links": [self.link("self", f"/lists/{list_id}/segments/{segment.id}")],
            }

    def _static_segment(self, list_id, segment_id):
        segment = self.segment(list_id, segment_id)
        if segment.type != "static":
            raise errors.bad_request("Members can only be added to or removed from static segments.")
        return segment

    def add_segment_member(self, list_id, segment_id, body):
        email = (body or {}).get("email_address") if isinstance(body, dict) else None
        if not email:
            raise errors.field_error("email_address", "This value should not be blank.")
        with self.write():
            audience = self.audience(list_id)
            segment = self._static_segment(list_id, segment_id)
            member = self.find_member(audience, email)
            if member is None:
                raise errors.invalid_resource(detail=f"{email} is not a member of this list.")
            segment.members.setdefault(member.id, self.now())
            segment.updated_at = self.now()
            return member

    def remove_segment_member(self, list_id, segment_id, key):
        with self.write():
            audience = self.audience(list_id)
            segment = self._static_segment(list_id, segment_id)
            member = self.member(audience, key)
            if segment.members.pop(member.id, None) is None:
                raise errors.not_found()
            segment.updated_at = self.now()

    def segment_members_collection(self, list_id, segment_id, query):
        with self._lock:
            audience = self.audience(list_id)
            segment = self.segment(list_id, segment_id)
            members = [audience.members[h] for h in self.segment_member_ids(audience, segment)]
            return self.page_document("members", members, query, lambda m: self.member_document(audience, m),
                                      f"/lists/{list_id}/segments/{segment.id}/members")

    # -- conditions ------------------------------------------------------------

    @staticmethod
    def _check_conditions(options):
        """Reject conditions the stand-in cannot evaluate instead of silently mis-matching."""
        if not isinstance(options, dict):
            raise errors.field_error("options", "Schema describes object")
        if options.get("match", "any") not in ("any", "all"):
            raise errors.field_error("options.match", "Schema describes enum")
        for condition in options.get("conditions") or []:
            if condition.get("condition_type") not in SUPPORTED_CONDITIONS:
                raise errors.field_error(
                    "options.conditions",
                    f"The Mailchimp stand-in supports only {', '.join(SUPPORTED_CONDITIONS)} "
                    f"conditions, not {condition.get('condition_type')!r}")

    def members_matching(self, audience, options):
        """Non-archived members matching ``{match, conditions}``."""
        conditions = options.get("conditions") or []
        combine = all if options.get("match", "any") == "all" else any
        return [m for m in audience.members.values() if m.status != ARCHIVED
                and (not conditions or combine(self._condition_holds(audience, m, c) for c in conditions))]

    def _condition_holds(self, audience, member, condition):
        kind, op = condition.get("condition_type"), condition.get("op")
        value = condition.get("value")
        if kind == "Interests":
            wanted = [value] if isinstance(value, str) else list(value or [])
            flags = [bool(member.interests.get(i)) for i in wanted]
            return {"interestcontains": any(flags), "interestcontainsall": all(flags),
                    "interestnotcontains": not any(flags)}.get(op, False)
        if kind == "StaticSegment":
            segment = audience.segments.get(int(value)) if str(value).isdigit() else None
            inside = segment is not None and member.id in segment.members
            return inside if op in ("static_is", "is") else not inside
        field_name = condition.get("field", "")
        text = (member.email_address if kind == "EmailAddress" or field_name in ("EMAIL", "merge0")
                else str(member.merge_fields.get(field_name, "") or ""))
        return TEXT_OPERATORS.get(op, lambda *_: False)(text, str(value or ""))
