"""Re-subscribing goes by Mailchimp's word, not Odoo's memory: no webhook tells Odoo what happened there."""
from datetime import datetime, timedelta, timezone

from odoo.tests import tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncResubscribe(MailchimpSyncCase):
    def setUp(self):
        super().setUp()
        self.assertFalse(self.client.get_webhooks(self.list_id), "no webhook: Odoo learns nothing by itself")

    def status(self, email):
        member = self.remote(email)
        return member and member["status"]

    def unsubscribed_by_odoo(self, name, email):
        """A customer unticked two minutes ago, and the run that unsubscribed it."""
        partner = self.customer(name, email)
        self.sync()
        partner.mailchimp_subscribe = False
        self.at_minutes_ago(2)
        self.sync()
        self.assertEqual(self.status(email), "unsubscribed")
        self.assertTrue(self.member_of(partner).left_by_odoo)
        return partner

    def at_minutes_ago(self, minutes):
        """What happens in Mailchimp from now on happens ``minutes`` ago (until the clock is let go)."""
        self.standin.store.set_clock(datetime.now(timezone.utc) - timedelta(minutes=minutes))
        self.addCleanup(self.standin.store.set_clock)

    def test_archived_by_an_admin_after_odoo_unsubscribed_is_not_subscribed_again(self):
        email = "archived.by.admin@acme-example.com"
        partner = self.unsubscribed_by_odoo("Archived by admin", email)
        self.at_minutes_ago(1)
        self.standin.store.user_unsubscribe(self.list_id, email, source="admin", action="delete")
        self.standin.store.set_clock()
        partner.mailchimp_subscribe = True
        run = self.sync()
        self.assertEqual(self.status(email), "archived", "what the admin did stands")
        self.assertEqual(run.failed_count, 0)
        member = self.member_of(partner)
        self.assertEqual((member.status, member.left_by_odoo), ("archived", False))
        self.assertIn("archived in Mailchimp on", partner.mailchimp_sync_state)
        self.sync()
        self.assertEqual(self.status(email), "archived", "later runs leave it archived too")

    def test_unsubscribed_by_the_contact_after_odoo_unsubscribed_is_not_asked_to_confirm(self):
        email = "changed.their.mind@acme-example.com"
        partner = self.unsubscribed_by_odoo("Changed their mind", email)
        self.at_minutes_ago(1)
        self.standin.store.user_subscribe(self.list_id, email)
        self.standin.store.user_unsubscribe(self.list_id, email)
        self.standin.store.set_clock()
        partner.mailchimp_subscribe = True
        run = self.sync()
        self.assertEqual(self.status(email), "unsubscribed", "not pending: no confirmation email to who said no")
        self.assertEqual(run.failed_count, 0)
        member = self.member_of(partner)
        self.assertEqual((member.status, member.left_by_odoo), ("unsubscribed", False))
        self.assertIn("unsubscribed in Mailchimp on", partner.mailchimp_sync_state)
        self.assertIn("by the contact", partner.mailchimp_sync_state)
        self.assertIn(partner, run.skipped_line_ids.partner_id)

    def test_what_nobody_touched_since_odoo_unsubscribed_it_is_subscribed_again_after_one_read(self):
        email = "untouched@acme-example.com"
        partner = self.unsubscribed_by_odoo("Untouched", email)
        self.standin.store.set_clock()
        member_path = f"/lists/{self.list_id}/members/{self.remote(email)['id']}"
        requests_before = len(self.standin.request_log)
        partner.mailchimp_subscribe = True
        self.sync()
        reads = [entry for entry in self.standin.request_log[requests_before:]
                 if entry[0] == "GET" and entry[1].rstrip("/").endswith(member_path)]
        self.assertEqual(len(reads), 1, "one read before the re-subscription")
        self.assertEqual(self.status(email), "subscribed")
        self.assertEqual(partner.mailchimp_sync_state, "Synced to Mailchimp")
