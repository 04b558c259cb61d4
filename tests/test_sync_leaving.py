"""Customers leaving: unsubscribe, archive, delete, email change, Mailchimp-side unsubscribes."""
from odoo.addons.mailchimp_sync.mailchimp_sync.errors import MailchimpForgottenError
from odoo.addons.mailchimp_sync.mailchimp_sync.member_payload import subscriber_hash
from odoo.tests import tagged

from .common import new_list_body
from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncLeaving(MailchimpSyncCase):
    def test_unticking_the_box_unsubscribes(self):
        partner = self.customer("Leaver", "leaver@acme-example.com")
        self.sync()
        partner.mailchimp_subscribe = False
        run = self.sync()
        self.assertEqual(self.remote("leaver@acme-example.com")["status"], "unsubscribed")
        self.assertEqual(run.unsubscribed_count, 1)
        self.assertEqual(self.member_of(partner).status, "unsubscribed")

    def test_the_list_action_unsubscribes_the_selected_customers(self):
        partners = self.customer("One", "one@acme-example.com") | self.customer("Two", "two@acme-example.com")
        self.sync()
        partners.action_mailchimp_unsubscribe()
        self.assertFalse(any(partners.mapped("mailchimp_subscribe")))
        run = self.sync()
        self.assertEqual(run.unsubscribed_count, 2)
        partners.action_mailchimp_subscribe()
        self.assertTrue(all(partners.mapped("mailchimp_subscribe")))

    def test_unmapping_the_group_unsubscribes(self):
        partner = self.customer("Unmapped", "unmapped@acme-example.com", tags=self.tag_retail)
        self.sync()
        partner.write({"category_id": [(3, self.tag_retail.id)]})
        self.sync()
        self.assertEqual(self.remote("unmapped@acme-example.com")["status"], "unsubscribed")

    def test_archiving_archives_the_member(self):
        partner = self.customer("Archived later", "archived.later@acme-example.com")
        self.sync()
        partner.action_archive()
        run = self.sync()
        self.assertEqual(self.remote("archived.later@acme-example.com")["status"], "archived")
        self.assertEqual(run.archived_count, 1)
        self.assertEqual(self.member_of(partner).status, "archived")
        run = self.sync()
        self.assertEqual(run.archived_count, 0)

    def test_archiving_can_unsubscribe_instead(self):
        self.account.on_archive = "unsubscribe"
        partner = self.customer("Soft leaver", "soft.leaver@acme-example.com")
        self.sync()
        partner.action_archive()
        self.sync()
        self.assertEqual(self.remote("soft.leaver@acme-example.com")["status"], "unsubscribed")

    def test_deleting_archives_the_member_and_never_deletes_it(self):
        partner = self.customer("Deleted", "deleted@acme-example.com")
        self.sync()
        partner.unlink()
        run = self.sync()
        remote = self.remote("deleted@acme-example.com")
        self.assertEqual(remote["status"], "archived")
        self.assertEqual(run.archived_count, 1)

    def test_changing_the_email_renames_the_same_member(self):
        partner = self.customer("Mover", "old.address@acme-example.com")
        self.sync()
        members_before = self.standin.store.members(self.list_id)
        partner.email = "new.address@acme-example.com"
        self.sync()
        self.assertIsNone(self.remote("old.address@acme-example.com"))
        self.assertEqual(self.remote("new.address@acme-example.com")["status"], "subscribed")
        self.assertEqual(len(self.standin.store.members(self.list_id)), len(members_before))
        self.assertEqual(self.member_of(partner).email, "new.address@acme-example.com")

    def test_member_who_unsubscribed_in_mailchimp_is_not_resubscribed(self):
        partner = self.customer("Opted out", "opted.out@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "opted.out@acme-example.com")
        partner.write({"name": "Opted Out Again", "mailchimp_subscribe": True})
        run = self.sync()
        self.assertEqual(self.remote("opted.out@acme-example.com")["status"], "unsubscribed")
        self.assertEqual(run.failed_count, 0)
        self.assertEqual(self.member_of(partner).status, "unsubscribed")
        self.assertIn("unsubscribed in Mailchimp", partner.mailchimp_sync_state)

    def test_customers_sharing_an_email_are_reported_not_pushed_twice(self):
        first = self.customer("First", "shared@acme-example.com")
        second = self.customer("Second", "SHARED@acme-example.com")
        run = self.sync()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(run.conflict_count, 1)
        conflict = run.line_ids.filtered(lambda line: line.kind == "conflict")
        self.assertEqual(conflict.partner_id, first)
        self.assertEqual(conflict.message, "Same email as Second: only this customer is synced.")
        self.assertNotIn(str(second.id), conflict.message)
        self.assertFalse(self.member_of(second))
        self.assertEqual(second.mailchimp_sync_state, "Not synced: same email as First")
        self.assertEqual(first.mailchimp_sync_state, "Synced to Mailchimp")
        skipped = run.skipped_line_ids.filtered(lambda line: line.partner_id == second)
        self.assertEqual(skipped.reason, "duplicate_email")
        self.assertEqual(skipped.action_open_partner()["res_id"], second.id)

    def test_a_customer_held_back_as_a_duplicate_keeps_no_stale_waiting_member(self):
        second = self.customer("Second Later", "later.shared@acme-example.com")
        self.sync()
        first = self.customer("First Company", "later.shared@acme-example.com", is_company=True)
        run = self.sync()
        member = self.member_of(second)
        self.assertEqual(member.skip_reason, "duplicate_email")
        self.assertFalse(member.need_sync, "nothing is waiting: the address is the company's now")
        self.assertEqual(second.mailchimp_sync_state, "Not synced: same email as First Company")
        self.assertEqual(self.remote("later.shared@acme-example.com")["status"], "subscribed")
        self.assertEqual(run.conflict_count, 1)
        self.assertEqual(self.member_of(first).email, "later.shared@acme-example.com")

    def test_a_blacklisted_address_is_not_subscribed_and_its_member_is_unsubscribed(self):
        leaver = self.customer("Blacklisted Later", "black.later@acme-example.com")
        self.sync()
        self.assertEqual(self.remote("black.later@acme-example.com")["status"], "subscribed")
        self.env["mail.blacklist"]._add("black.later@acme-example.com")
        self.env["mail.blacklist"]._add("black.first@acme-example.com")
        newcomer = self.customer("Blacklisted First", "black.first@acme-example.com")
        self.env.invalidate_all()
        self.assertEqual(leaver.mailchimp_sync_state, "Not synced: email blacklisted in Odoo")
        run = self.sync()
        self.assertEqual(self.remote("black.later@acme-example.com")["status"], "unsubscribed")
        self.assertIsNone(self.remote("black.first@acme-example.com"))
        self.assertEqual(run.skipped_line_ids.filtered(lambda line: line.partner_id == newcomer).reason,
                         "blacklisted")

    def test_permanent_deletion_is_queued_made_by_the_worker_and_sticks(self):
        partner = self.customer("Forget me", "forget.me@acme-example.com")
        self.sync()
        result = self.member_of(partner).action_delete_permanently()
        self.assertIn("forget.me@acme-example.com", result["params"]["message"])
        operation = self.env["mailchimp.remote.operation"].search(
            [("kind", "=", "permanent_delete"), ("partner_id", "=", partner.id)])
        self.assertEqual((operation.state, operation.audience_id, operation.email),
                         ("queued", self.audience, "forget.me@acme-example.com"))
        self.assertEqual(self.remote("forget.me@acme-example.com")["status"], "subscribed",
                         "nothing is deleted in Mailchimp inside the user's transaction")
        self.assertFalse(self.member_of(partner), "Odoo's side is forgotten with the operation queued")
        self.assertFalse(partner.mailchimp_subscribe)
        [erased] = self.env["mailchimp.consent"].search([("partner_id", "=", partner.id), ("state", "=", "erased")])
        self.assertFalse(self.env["mailchimp.consent"].search(
            [("partner_id", "=", partner.id), ("audience_id", "=", self.audience.id), ("state", "!=", "erased")]))
        self.assertEqual((erased.state, erased.erased_audience_ids), ("erased", self.audience))
        self.assertFalse(erased.email)

        self.env["mailchimp.remote.operation"]._cron_process()
        self.assertEqual(operation.state, "done", operation.message)
        self.assertIn("Customers", operation.message)
        self.assertFalse(operation.email or operation.params, "a finished erasure keeps no address")
        self.assertIsNone(self.remote("forget.me@acme-example.com"))
        self.assertTrue(self.standin.store.is_forgotten(self.list_id, "forget.me@acme-example.com"))
        with self.assertRaises(MailchimpForgottenError):
            self.client.upsert_member(self.list_id, "forget.me@acme-example.com",
                                      {"email_address": "forget.me@acme-example.com", "status_if_new": "subscribed"})
        run = self.sync()
        self.assertEqual(run.created_count + run.updated_count + run.failed_count, 0)
        self.assertFalse(self.member_of(partner))

    def test_permanent_deletion_from_one_audience_leaves_the_others(self):
        other_list = self.client.create_list(new_list_body("Other list"))["id"]
        self.env["mailchimp.audience"].action_refresh_audiences()
        other = self.env["mailchimp.audience"].search([("mailchimp_id", "=", other_list)])
        partner = self.customer("Two lists", "two.lists@acme-example.com")
        self.sync()
        self.standin.store.seed_member(other_list, "two.lists@acme-example.com", status="subscribed")
        kept = self.env["mailchimp.member"].create({"audience_id": other.id, "partner_id": partner.id,
                                                    "email": "two.lists@acme-example.com", "status": "subscribed",
                                                    "mailchimp_id": subscriber_hash("two.lists@acme-example.com")})
        self.member_of(partner).action_delete_permanently()
        self.env["mailchimp.remote.operation"]._cron_process()
        self.assertTrue(self.standin.store.is_forgotten(self.list_id, "two.lists@acme-example.com"))
        self.assertFalse(self.standin.store.is_forgotten(other_list, "two.lists@acme-example.com"))
        self.assertTrue(kept.exists(), "the member of the other audience stays")
