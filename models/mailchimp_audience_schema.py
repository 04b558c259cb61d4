"""An audience's schema in Odoo: its interests (groups), merge fields and representative fields.

Loaded from Mailchimp by "Refresh groups and merge fields" and at the start of
every sync run; :meth:`_audience_schema` hands it to the core as an
:class:`AudienceSchema`. What was deleted in Mailchimp while Odoo still used it
(a group a tag is linked to, a merge field of representatives) comes back from
:meth:`_refresh_schema` as warning sentences, for the run and its report.
"""
import logging

from odoo import api, fields, models

from ..mailchimp_sync.member_payload import AudienceSchema

_logger = logging.getLogger(__name__)


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    interest_category_ids = fields.One2many("mailchimp.interest.category", "audience_id", string="Interest categories")
    interest_ids = fields.One2many("mailchimp.interest", "audience_id", string="Interests")
    merge_field_ids = fields.One2many("mailchimp.merge.field", "audience_id", string="Merge fields")
    representative_field_ids = fields.One2many(
        "mailchimp.representative.field", "audience_id", string="Representative fields")

    def action_refresh_schema(self):
        """Button: load the audience's interests and merge fields from Mailchimp.

        What the refresh had to undo (a group or merge field deleted in Mailchimp) is shown as a warning.
        """
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        warnings = []
        with backend._user_errors():
            for audience in self:
                warnings += audience._refresh_schema(audience._client())
        message = self.env._("Groups and merge fields loaded from Mailchimp.")
        if warnings:
            return backend._notification(" ".join([message, *warnings]), kind="warning", sticky=True, reload=True)
        return backend._notification(message, reload=True)

    def _client(self):
        """The client of the audience's account (the one client, shared and kept alive)."""
        self.ensure_one()
        return self.account_id._client()

    def _refresh_schema(self, client):
        """Load the audience's interests and merge fields from Mailchimp; return the warnings (a list of str).

        Each warning is one sentence about something deleted in Mailchimp that Odoo still used:
        a group a tag was linked to (the link is removed, so the tag's customers no longer carry
        it and the rest is pushed) or a merge field a representative field was written to (not
        synced until it exists again). Empty when nothing of the kind happened.
        """
        self.ensure_one()
        return [*self._refresh_interests(client), *self._refresh_merge_fields(client)]

    def _refresh_interests(self, client):
        """Load the interests; unlink the tags from groups that vanished. Returns the warnings."""
        self.ensure_one()
        Category = self.env["mailchimp.interest.category"].with_context(active_test=False)
        Interest = self.env["mailchimp.interest"].with_context(active_test=False)
        categories = {c.mailchimp_id: c for c in Category.search([("audience_id", "=", self.id)])}
        interests = {i.mailchimp_id: i for i in Interest.search([("audience_id", "=", self.id)])}
        seen_categories, seen_interests = Category, Interest
        for remote_category in client.get_interest_categories(self.mailchimp_id):
            category = self._upsert(categories, Category, remote_category["id"], {
                "name": remote_category.get("title") or remote_category["id"],
                "category_type": remote_category.get("type"),
                "sequence": remote_category.get("display_order") or 0,
                "audience_id": self.id, "active": True,
            })
            seen_categories |= category
            for remote_interest in client.get_interests(self.mailchimp_id, remote_category["id"]):
                seen_interests |= self._upsert(interests, Interest, remote_interest["id"], {
                    "name": remote_interest.get("name") or remote_interest["id"],
                    "category_id": category.id,
                    "sequence": remote_interest.get("display_order") or 0,
                    "subscriber_count": int(remote_interest.get("subscriber_count") or 0),
                    "active": True,
                })
        (Interest.browse([i.id for i in interests.values()]) - seen_interests).write({"active": False})
        (Category.browse([c.id for c in categories.values()]) - seen_categories).write({"active": False})
        return self._unmap_vanished_interests()

    def _unmap_vanished_interests(self):
        """Unlink, for the audience's company, the tags linked to a group no longer in Mailchimp.

        A stale link must not reach a payload (Mailchimp refuses the whole member with "Invalid
        interest ID") nor stay silent: the tag is unlinked once, with a warning naming the tag and
        the group, and the rest of the audience is pushed. Returns one warning per tag unlinked.
        """
        gone = self.env["mailchimp.interest"].with_context(active_test=False).search(
            [("audience_id", "=", self.id), ("active", "=", False)])
        if not gone:
            return []
        tags = self.env["res.partner.category"].sudo().with_company(self.company_id).with_context(
            active_test=False).search([("mailchimp_interest_id", "in", gone.ids)])
        warnings = []
        for tag in tags:
            interest = tag.mailchimp_interest_id
            warnings.append(self.env._(
                "The group %(group)s of %(audience)s no longer exists in Mailchimp: the tag %(tag)s is no "
                "longer linked to it (customers in the audience only through this tag are unsubscribed); "
                "link the tag to another group in Customer groups if they should stay.",
                group=interest.display_name, audience=self.name, tag=tag.display_name))
            _logger.info("Mailchimp audience %s: %s", self.name, warnings[-1])
        tags.write({"mailchimp_interest_id": False})
        return warnings

    def _refresh_merge_fields(self, client):
        """Load the merge fields; returns a warning per representative field whose merge field vanished."""
        self.ensure_one()
        MergeField = self.env["mailchimp.merge.field"]
        known = {f.tag: f for f in MergeField.search([("audience_id", "=", self.id)])}
        seen = MergeField
        for remote in client.get_merge_fields(self.mailchimp_id):
            options = remote.get("options") or {}
            seen |= self._upsert(known, MergeField, remote["tag"], {
                "tag": remote["tag"], "name": remote.get("name"), "field_type": remote.get("type"),
                "size": int(options.get("size") or 0), "mailchimp_id": remote.get("merge_id") or 0,
                "sequence": remote.get("display_order") or 0, "audience_id": self.id,
            })
        vanished = MergeField.browse([f.id for f in known.values()]) - seen
        vanished_tags = set(vanished.mapped("tag"))
        vanished.unlink()
        warnings = []
        for field in self.representative_field_ids.filtered(lambda field: field.merge_tag in vanished_tags):
            warnings.append(self.env._(
                "The merge field %(tag)s of %(audience)s no longer exists in Mailchimp: %(field)s is not synced "
                "until it is created again (“Create in Mailchimp” on the Representatives tab).",
                tag=field.merge_tag, audience=self.name, field=field.field_id.field_description or field.field_name))
            _logger.info("Mailchimp audience %s: %s", self.name, warnings[-1])
        return warnings

    @staticmethod
    def _upsert(known, model, key, values):
        """Update ``known[key]`` with the values that differ, or create it."""
        record = known.get(key)
        if not record:
            return model.create({"mailchimp_id": key, **values} if "mailchimp_id" in model._fields else values)
        changed = {name: value for name, value in values.items() if _plain(record[name]) != _plain(value)}
        if changed:
            record.write(changed)
        return record

    def _fetch_merge_field(self, tag):
        """The audience's merge field ``tag``, read live from Mailchimp (None if absent)."""
        self.ensure_one()
        with self.env["mailchimp.backend"]._user_errors():
            self._refresh_merge_fields(self._client())
        return self.merge_field_ids.filtered(lambda field: field.tag == tag)[:1] or None

    def _mapped_tags(self):
        """``{tag id: interest Mailchimp id}`` of the tags mapped, for the audience's company, to its groups.

        The tag → group mapping is company-dependent: each company maps tags to its own account's groups.
        """
        self.ensure_one()
        # every tag, archived too: a company's customer tags are a few dozen, and the mapping is company-dependent
        Tag = self.env["res.partner.category"].sudo().with_company(self.company_id).with_context(active_test=False)
        tags = Tag.search([])  # pylint: disable=no-search-all
        return {
            tag.id: tag.mailchimp_interest_id.mailchimp_id
            for tag in tags if tag.mailchimp_interest_id.audience_id == self and tag.mailchimp_interest_id.active
        }

    def _audience_schema(self, mapped_tags=None):
        """The audience's schema; ``mapped_tags`` is :meth:`_mapped_tags` when the caller read it already."""
        self.ensure_one()
        mapped_tags = self._mapped_tags() if mapped_tags is None else mapped_tags
        return AudienceSchema(
            managed_interest_ids=frozenset(mapped_tags.values()),
            merge_fields=self.merge_field_ids._schema_entries(),
            representative_fields=self.representative_field_ids._core_fields(),
        )

    @api.model
    def _map_demo_tags(self):
        """Demo: map the demo data's tags to the groups of the same name, as an admin would."""
        for audience in self.search([]):  # pylint: disable=no-search-all  # the demo's audiences
            interests = {interest.name: interest for interest in audience.interest_ids}
            tags = self.env["res.partner.category"].with_company(audience.company_id).search(
                [("name", "in", list(interests))])
            for tag in tags:
                tag.mailchimp_interest_id = interests[tag.name]


def _plain(value):
    """A field value as written: records as ids, empty as False."""
    if isinstance(value, models.BaseModel):
        return value.id
    return False if value is None else value
