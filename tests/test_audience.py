from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MailchimpCase, new_list_body



@tagged("post_install", "-at_install")
class TestAudienceRefresh(MailchimpCase):
    def audiences(self):
        return self.env["mailchimp.audience"].with_context(active_test=False).search([])

    def mailchimp_lists(self):
        return {item["id"]: item for item in self.account._client().get_lists()}

    def test_refresh_creates_one_record_per_audience(self):
        action = self.env["mailchimp.audience"].action_refresh_audiences()
        lists = self.mailchimp_lists()
        self.assertEqual(set(self.audiences().mapped("mailchimp_id")), set(lists))
        for audience in self.audiences():
            self.assertEqual(audience.name, lists[audience.mailchimp_id]["name"])
            self.assertEqual(audience.member_count, lists[audience.mailchimp_id]["stats"]["member_count"])
        expected = "1 audience loaded" if len(lists) == 1 else f"{len(lists)} audiences loaded"
        self.assertIn(expected, action["params"]["message"])

    def test_refresh_is_idempotent_and_follows_changes(self):
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        first = self.audiences()
        client = self.account._client()
        created = client.create_list(new_list_body("Wholesale news"))
        Audience.action_refresh_audiences()
        Audience.action_refresh_audiences()
        second = self.audiences()
        self.assertEqual(len(second), len(first) + 1)
        self.assertEqual(second.filtered(lambda a: a.mailchimp_id == created["id"]).name, "Wholesale news")
        self.assertEqual(first, second - second.filtered(lambda a: a.mailchimp_id == created["id"]))

    def test_audience_gone_from_mailchimp_is_archived_not_deleted(self):
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        ghost = Audience.create({"name": "Deleted in Mailchimp", "mailchimp_id": "gone123",
                                 "account_id": self.account.id})
        Audience.action_refresh_audiences()
        self.assertTrue(ghost.exists())
        self.assertFalse(ghost.active)

    def test_refresh_with_a_wrong_key_raises_mailchimps_message_and_changes_nothing(self):
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        before = self.audiences().read(["name", "active", "member_count"])
        self.account.api_key = "ffffffffffffffffffffffffffffffff-us6"
        with self.assertRaisesRegex(UserError, "Mailchimp did not accept the API key"):
            Audience.action_refresh_audiences()
        self.assertEqual(self.audiences().read(["name", "active", "member_count"]), before)

    def test_refresh_without_credentials_explains_what_to_set(self):
        self.account.api_key = False
        with self.assertRaisesRegex(UserError, "API key is missing"):
            self.env["mailchimp.audience"].action_refresh_audiences()
