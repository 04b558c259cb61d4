"""The four sync rules, interests and the member payload, against the stand-in."""
from odoo.tests import tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncRules(MailchimpSyncCase):
    def test_eligible_customer_ends_up_subscribed_with_its_group(self):
        jane = self.customer("Jane Maria Doe", "jane.doe@acme-example.com",
                             phone="500 600 700", country_id=self.poland.id, lang="en_US")
        self.assertEqual(jane.mailchimp_sync_state, "Waiting for the next sync")
        run = self.sync()
        remote = self.remote("jane.doe@acme-example.com")
        self.assertEqual(remote["status"], "subscribed")
        self.assertEqual(remote["merge_fields"]["FNAME"], "Jane")
        self.assertEqual(remote["merge_fields"]["LNAME"], "Maria Doe")
        self.assertEqual(remote["merge_fields"]["PHONE"], "+48500600700")
        self.assertTrue(remote["interests"][self.remote_interest["Wholesale"]])
        self.assertFalse(remote["interests"][self.remote_interest["Retail"]])
        self.assertEqual(run.state, "done")
        self.assertEqual(run.created_count, 1)
        member = self.member_of(jane)
        self.assertEqual(member.status, "subscribed")
        self.assertEqual(member.mailchimp_id, remote["id"])
        self.assertTrue(member.last_changed)
        self.assertFalse(member.need_sync)
        self.assertEqual(jane.mailchimp_sync_state, "Synced to Mailchimp")

    def test_company_name_goes_to_first_name(self):
        self.customer("Acme Sp. z o.o.", "office@acme-example.com", is_company=True)
        self.sync()
        remote = self.remote("office@acme-example.com")
        self.assertEqual(remote["merge_fields"]["FNAME"], "Acme Sp. z o.o.")
        self.assertEqual(remote["merge_fields"]["LNAME"], "")

    def test_each_rule_keeps_a_customer_out_and_the_form_says_why(self):
        cases = {
            "no mapped group": (dict(tags=self.tag_unmapped), "nogroup@acme-example.com",
                                "none of its tags is linked"),
            "box not ticked": (dict(subscribe=False), "nobox@acme-example.com", "box is not ticked"),
            "invalid email": ({}, "not-an-email", "no valid email"),
            "archived": (dict(active=False), "archived@acme-example.com", "archived"),
        }
        partners = {}
        for label, (options, email, _message) in cases.items():
            partners[label] = self.customer(label, email, **options)
        no_email = self.customer("No email", False)
        run = self.sync()
        for label, (_options, email, message) in cases.items():
            with self.subTest(rule=label):
                self.assertIsNone(self.remote(email))
                self.assertIn(message, partners[label].mailchimp_sync_state)
        self.assertIn("no email", no_email.mailchimp_sync_state)
        self.assertEqual(run.created_count, 0)
        self.assertEqual(run.skipped_count, 5)
        self.assertEqual(sum(run.skipped_by_reason.values()), 5)

    def test_each_rule_switched_back_on_brings_the_customer_in(self):
        partner = self.customer("Late Joiner", "late@acme-example.com", tags=self.tag_unmapped, subscribe=False)
        self.sync()
        self.assertIsNone(self.remote("late@acme-example.com"))
        partner.write({"category_id": [(4, self.tag_retail.id)], "mailchimp_subscribe": True})
        self.sync()
        remote = self.remote("late@acme-example.com")
        self.assertEqual(remote["status"], "subscribed")
        self.assertTrue(remote["interests"][self.remote_interest["Retail"]])

    def test_several_mapped_tags_give_all_their_groups_and_removed_ones_are_unset(self):
        partner = self.customer("Both", "both@acme-example.com", tags=self.tag_wholesale | self.tag_retail)
        self.sync()
        interests = self.remote("both@acme-example.com")["interests"]
        self.assertTrue(interests[self.remote_interest["Wholesale"]])
        self.assertTrue(interests[self.remote_interest["Retail"]])
        partner.write({"category_id": [(3, self.tag_retail.id)]})
        self.sync()
        interests = self.remote("both@acme-example.com")["interests"]
        self.assertTrue(interests[self.remote_interest["Wholesale"]])
        self.assertFalse(interests[self.remote_interest["Retail"]])

    def test_groups_not_managed_by_odoo_are_left_alone(self):
        partner = self.customer("Picked", "picked@acme-example.com")
        self.sync()
        hand_picked = self.remote_interest["Hand-picked"]
        self.client.update_member(self.list_id, "picked@acme-example.com", {"interests": {hand_picked: True}})
        partner.write({"phone": "+48 22 123 45 67"})
        self.sync()
        self.assertTrue(self.remote("picked@acme-example.com")["interests"][hand_picked])

    def test_unchanged_customers_are_not_pushed_again(self):
        partner = self.customer("Steady", "steady@acme-example.com")
        self.sync()
        calls = len(self.batch_calls())
        run = self.sync()
        self.assertEqual(len(self.batch_calls()), calls)
        self.assertEqual((run.total_count, run.unchanged_count), (0, 0), "nothing changed: nobody is even read")
        partner.write({"name": "Steady Eddie"})
        run = self.sync()
        self.assertEqual(len(self.batch_calls()), calls + 1)
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(self.remote("steady@acme-example.com")["merge_fields"]["LNAME"], "Eddie")

    def test_editing_a_customer_calls_no_api_and_marks_it_for_the_next_run(self):
        partner = self.customer("Quiet", "quiet@acme-example.com")
        self.sync()
        requests_before = len(self.standin.request_log)
        partner.write({"phone": "+48 600 700 800"})
        self.assertEqual(len(self.standin.request_log), requests_before)
        self.assertTrue(self.member_of(partner).need_sync)

    def test_ticking_and_unticking_the_box_records_consent_and_marks_the_member(self):
        partner = self.customer("Boxed", "boxed@acme-example.com")
        self.sync()
        member = self.member_of(partner)
        Consent = self.env["mailchimp.consent"]
        for ticked, state in ((False, "withdrawn"), (True, "given")):
            with self.subTest(ticked=ticked):
                self.assertFalse(member.need_sync)
                partner.write({"mailchimp_subscribe": ticked})
                self.assertTrue(member.need_sync, "the next run pushes the change")
                last = Consent.search([("partner_id", "=", partner.id), ("audience_id", "=", self.audience.id)],
                                      order="id desc", limit=1)
                self.assertEqual((last.state, last.source), (state, "user"))
                self.sync()

    def test_mailchimps_own_change_of_the_box_marks_nothing_and_records_no_user_consent(self):
        partner = self.customer("Remote", "remote@acme-example.com")
        self.sync()
        consents_before = partner.mailchimp_consent_count
        partner.with_context(mailchimp_from_remote=True).write({"mailchimp_subscribe": False})
        partner.invalidate_recordset(["mailchimp_consent_count"])
        self.assertEqual(partner.mailchimp_consent_count, consents_before)
        self.assertFalse(self.member_of(partner).need_sync)
