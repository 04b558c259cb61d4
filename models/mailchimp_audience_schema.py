"""An audience's schema in Odoo: its interests (groups), merge fields and representative fields.

Loaded from Mailchimp by "Refresh groups and merge fields" and at the start of
every sync run; :meth:`_audience_schema` hands it to the core as an
:class:`AudienceSchema`.
"""
from odoo import api, fields, models

from ..mailchimp_sync.member_payload import AudienceSchema


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    interest_category_ids = fields.One2many("mailchimp.interest.category", "audience_id", string="Interest categories")
    interest_ids = fields.One2many("mailchimp.interest", "audience_id", string="Interests")
    merge_field_ids = fields.One2many("mailchimp.merge.field", "audience_id", string="Merge fields")
    representative_field_ids = fields.One2many(
        "mailchimp.representative.field", "audience_id", string="Representative fields")

    def action_refresh_schema(self):
        """Button: load the audience's interests and merge fields from Mailchimp."""
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        with backend._user_errors():
            for audience in self:
                audience._refresh_schema(audience._client())
        return backend._notification(self.env._("Groups and merge fields loaded from Mailchimp."), reload=True)

    def _client(self):
        """The client of the audience's account (the one client, shared and kept alive)."""
        self.ensure_one()
        return self.account_id._client()

    def _refresh_schema(self, client):
        self._refresh_interests(client)
        self._refresh_merge_fields(client)

    def _refresh_interests(self, client):
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

    def _refresh_merge_fields(self, client):
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
        (MergeField.browse([f.id for f in known.values()]) - seen).unlink()

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
        tags = self.env["res.partner.category"].sudo().with_company(self.company_id).with_context(
            active_test=False).search([])
        return {
            tag.id: tag.mailchimp_interest_id.mailchimp_id
            for tag in tags if tag.mailchimp_interest_id.audience_id == self and tag.mailchimp_interest_id.active
        }

    def _audience_schema(self):
        self.ensure_one()
        return AudienceSchema(
            managed_interest_ids=frozenset(self._mapped_tags().values()),
            merge_fields=self.merge_field_ids._schema_entries(),
            representative_fields=self.representative_field_ids._core_fields(),
        )

    @api.model
    def _map_demo_tags(self):
        """Demo: map the demo data's tags to the groups of the same name, as an admin would."""
        for audience in self.search([]):
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
