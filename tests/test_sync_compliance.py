"""Nobody who left comes back by our hand; what Odoo itself unsubscribed can be undone."""
from odoo.tests import tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncCompliance(MailchimpSyncCase):
    def status(self, email):
        member = self.remote(email)
        return member and member["status"]

    def test_c1_unsubscribed_in_mailchimp_then_renamed_in_odoo_when_mailchimp_is_down(self):
        partner = self.customer("C1 Down", "c1.down@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "c1.down@acme-example.com")
        partner.email = "c1.down.new@acme-example.com"
        self.standin.faults.add(status=503, times=5, method="PATCH")
        run = self.sync()
        self.assertIsNone(self.remote("c1.down.new@acme-example.com"), "the new address was not created")
        self.assertEqual(self.status("c1.down@acme-example.com"), "unsubscribed")
        self.assertEqual(run.failed_count, 1)
        run = self.sync()  # Mailchimp is back: the member is known as unsubscribed now, nothing is sent
        self.assertIsNone(self.remote("c1.down.new@acme-example.com"))
        self.assertIn("unsubscribed", partner.mailchimp_sync_state)

    def test_c1_unsubscribed_in_mailchimp_then_renamed_onto_an_archived_address(self):
        partner = self.customer("C1 Archived", "c1.arch@acme-example.com")
        self.client.upsert_member(self.list_id, "c1.arch.new@acme-example.com",
                                  {"email_address": "c1.arch.new@acme-example.com", "status_if_new": "subscribed"})
        self.client.archive_member(self.list_id, "c1.arch.new@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "c1.arch@acme-example.com")
        partner.email = "c1.arch.new@acme-example.com"
        self.sync()
        self.assertEqual(self.status("c1.arch.new@acme-example.com"), "archived", "not revived")
        self.assertEqual(self.status("c1.arch@acme-example.com"), "unsubscribed")

    def test_c2_address_changed_and_unsubscribed_in_mailchimp_is_not_recreated(self):
        partner = self.customer("C2", "c2.old@acme-example.com")
        self.sync()
        self.standin.store.user_change_email(self.list_id, "c2.old@acme-example.com", "c2.new@acme-example.com")
        self.standin.store.user_unsubscribe(self.list_id, "c2.new@acme-example.com")
        partner.name = "C2 Edited"
        run = self.sync()
        self.assertIsNone(self.remote("c2.old@acme-example.com"), "the old address was not created again")
        self.assertEqual(self.status("c2.new@acme-example.com"), "unsubscribed")
        failure = run.line_ids.filtered(lambda line: line.partner_id == partner and line.kind == "failure")
        self.assertIn("No longer in Mailchimp under this address", failure.message)

    def test_c3_cleaned_stays_cleaned_whatever_odoo_does(self):
        partner = self.customer("C3", "c3.cleaned@acme-example.com")
        self.sync()
        self.standin.store.mark_cleaned(self.list_id, "c3.cleaned@acme-example.com")
        partner.mailchimp_subscribe = False
        self.sync()
        self.assertEqual(self.status("c3.cleaned@acme-example.com"), "cleaned", "not turned into unsubscribed")
        self.assertEqual(self.member_of(partner).status, "cleaned")
        partner.action_archive()
        self.sync()
        partner.action_unarchive()
        partner.mailchimp_subscribe = True
        self.sync()
        self.assertEqual(self.status("c3.cleaned@acme-example.com"), "cleaned")
        self.assertIn("cleaned", partner.mailchimp_sync_state)

    def test_c4_archived_by_an_admin_in_mailchimp_is_not_revived_by_a_profile_edit(self):
        partner = self.customer("C4", "c4.archived@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "c4.archived@acme-example.com", source="admin",
                                            action="delete")
        partner.name = "C4 Edited"
        self.sync()
        self.assertEqual(self.status("c4.archived@acme-example.com"), "archived")
        partner.name = "C4 Edited Again"
        self.sync()
        self.assertEqual(self.status("c4.archived@acme-example.com"), "archived")

    def test_what_odoo_unsubscribed_is_subscribed_again_when_the_customer_is_eligible_again(self):
        partner = self.customer("Undo", "undo@acme-example.com")
        self.sync()
        partner.mailchimp_subscribe = False
        self.sync()
        self.assertEqual(self.status("undo@acme-example.com"), "unsubscribed")
        self.assertTrue(self.member_of(partner).left_by_odoo)
        self.assertNotIn("only the contact", partner.mailchimp_sync_state)
        partner.mailchimp_subscribe = True
        self.sync()
        self.assertEqual(self.status("undo@acme-example.com"), "subscribed")
        self.assertEqual(partner.mailchimp_sync_state, "Synced to Mailchimp")

    def test_a_refused_resubscription_falls_back_to_a_confirmation_email(self):
        partner = self.customer("Confirm", "confirm@acme-example.com")
        self.sync()
        partner.mailchimp_subscribe = False
        self.sync()
        self.standin.store.find_member(self.standin.store.audience(self.list_id),
                                       "confirm@acme-example.com").compliance_state = True
        partner.mailchimp_subscribe = True
        run = self.sync()
        self.assertEqual(self.status("confirm@acme-example.com"), "pending")
        self.assertEqual(run.failed_count, 0)
        self.assertEqual(self.member_of(partner).status, "pending")
        self.assertIn("confirm", partner.mailchimp_sync_state)

    def test_a_customer_archived_then_unarchived_comes_back(self):
        partner = self.customer("Back", "back@acme-example.com")
        self.sync()
        partner.action_archive()
        self.sync()
        self.assertEqual(self.status("back@acme-example.com"), "archived")
        partner.action_unarchive()
        self.sync()
        self.assertEqual(self.status("back@acme-example.com"), "subscribed")
