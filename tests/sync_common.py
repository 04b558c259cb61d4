"""Scenario base for the sync tests: an audience with groups, merge fields and mapped tags."""
from odoo.addons.mailchimp_sync.mailchimp_sync.errors import MailchimpError

from .common import MailchimpCase, new_list_body

MERGE_FIELDS = [
    {"tag": "FNAME", "name": "First name", "type": "text"},
    {"tag": "LNAME", "name": "Last name", "type": "text"},
    {"tag": "PHONE", "name": "Phone", "type": "phone"},
    {"tag": "REPS", "name": "Representatives", "type": "text", "options": {"size": 60}},
    {"tag": "SCORE", "name": "Score", "type": "number"},
]


class MailchimpSyncCase(MailchimpCase):
    """A fresh audience "Customers" with groups Wholesale/Retail (mapped) and Hand-picked (not mapped)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.account._client()
        cls.list_id = cls.client.create_list(new_list_body("Customers"))["id"]
        existing = {field["tag"] for field in cls.client.get_merge_fields(cls.list_id)}
        for field in MERGE_FIELDS:
            if field["tag"] not in existing:
                cls.client.create_merge_field(cls.list_id, field)
        category = cls.client.create_interest_category(cls.list_id, {"title": "Customer groups", "type": "checkboxes"})
        cls.remote_interest = {
            name: cls.client.create_interest(cls.list_id, category["id"], {"name": name})["id"]
            for name in ("Wholesale", "Retail", "Hand-picked")
        }
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.audience = cls.env["mailchimp.audience"].search([("mailchimp_id", "=", cls.list_id)])
        cls.audience._refresh_schema(cls.client)
        Interest = cls.env["mailchimp.interest"]
        Tag = cls.env["res.partner.category"]
        cls.tag_wholesale = Tag.create({
            "name": "Wholesale customers",
            "mailchimp_interest_id": Interest.search([("mailchimp_id", "=", cls.remote_interest["Wholesale"])]).id})
        cls.tag_retail = Tag.create({
            "name": "Retail customers",
            "mailchimp_interest_id": Interest.search([("mailchimp_id", "=", cls.remote_interest["Retail"])]).id})
        cls.tag_unmapped = Tag.create({"name": "Prospects"})
        cls.poland = cls.env.ref("base.pl")
        # Scenarios start from customers of their own: demo customers with a ticked box are left out.
        cls.env["res.partner"].search([("mailchimp_subscribe", "=", True)]).mailchimp_subscribe = False

    def customer(self, name, email, tags=None, subscribe=True, **values):
        tags = self.tag_wholesale if tags is None else tags
        return self.env["res.partner"].create({
            "name": name, "email": email, "category_id": [(6, 0, tags.ids)],
            "mailchimp_subscribe": subscribe, **values,
        })

    def sync(self):
        return self.audience._sync_members(trigger="manual")

    def sync_collection(self, collection, user=None):
        """Press “Sync collection” (as ``user``), then run the scheduled job that does the sync."""
        collection.with_user(user or self.env.user).action_sync_collection()
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_collections").method_direct_trigger()

    def remote(self, email):
        """The member in Mailchimp, or None."""
        try:
            return self.client.get_member(self.list_id, email)
        except MailchimpError as error:
            if error.status == 404:
                return None
            raise

    def member_of(self, partner):
        return self.env["mailchimp.member"].search(
            [("partner_id", "=", partner.id), ("audience_id", "=", self.audience.id)])

    def batch_calls(self):
        return [entry for entry in self.standin.request_log
                if entry[0] == "POST" and entry[1].rstrip("/").endswith(f"/lists/{self.list_id}")]
