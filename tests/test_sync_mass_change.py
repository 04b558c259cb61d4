"""The mass-change guard: a run that would remove too many subscribed members waits for a manager."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .sync_common import MailchimpSyncCase

RETAIL_COUNT = 24


@tagged("post_install", "-at_install")
class TestSyncMassChange(MailchimpSyncCase):
    def setUp(self):
        super().setUp()
        # The stand-in keeps its members from test to test: each test has addresses of its own.
        domain = f"{self._testMethodName.removeprefix('test_')[:20].strip('_').replace('_', '-')}.mass-example.com"
        self.retail = self.env["res.partner"].browse([
            self.customer(f"Retail {n}", f"retail{n}@{domain}", tags=self.tag_retail).id
            for n in range(RETAIL_COUNT)])
        self.wholesale = self.customer("Wholesale", f"wholesale@{domain}")
        self.sync()
        # The mapping change users most often regret: the Retail tag loses its group.
        self.tag_retail.mailchimp_interest_id = False
        self.wholesale.name = "Wholesale Renamed"
        self.newcomer = self.customer("Newcomer", f"newcomer@{domain}")

    def retail_statuses(self):
        return {self.remote(partner.email)["status"] for partner in self.retail}

    def assert_held(self, run):
        self.assertEqual(run.held_count, RETAIL_COUNT)
        self.assertEqual((run.unsubscribed_count, run.archived_count), (0, 0))
        self.assertEqual(self.retail_statuses(), {"subscribed"}, "nobody removed in Mailchimp")
        self.assertEqual(self.audience.mass_change_state, "waiting")
        self.assertEqual(self.audience.mass_change_run_id, run)

    def test_unlinking_a_tags_group_holds_the_removals_and_pushes_the_rest(self):
        run = self.sync()
        self.assert_held(run)
        self.assertEqual(self.remote(self.newcomer.email)["status"], "subscribed")
        self.assertEqual(self.remote(self.wholesale.email)["merge_fields"]["LNAME"], "Renamed")
        self.assertEqual(run.held_summary, f"tag Retail customers no longer linked to a group: {RETAIL_COUNT}")
        self.assertEqual(self.audience.mass_change_summary, run.held_summary)
        self.assertEqual(run.held_line_ids.partner_id, self.retail)
        self.assertFalse(run.line_ids, "held removals are no failures")
        report = self.env["mail.mail"].search([("model", "=", "mailchimp.sync.run"), ("res_id", "=", run.id)])
        self.assertIn("unsubscribes or archives held back", report.body_html)
        self.assertIn(f"tag Retail customers no longer linked to a group: {RETAIL_COUNT}", report.body_html)
        later = self.sync()
        self.assert_held(later)
        self.assertEqual((run.held_decision, later.held_decision), ("superseded", "waiting"))

    def test_confirm_makes_the_removals_in_the_next_run(self):
        self.sync()
        self.audience.action_confirm_removals()
        self.assertTrue(self.audience.sync_requested, "confirming starts a run")
        self.assertEqual(self.audience.mass_change_state, "confirmed")
        run = self.sync()
        self.assertEqual(run.unsubscribed_count, RETAIL_COUNT)
        self.assertEqual(run.held_count, 0)
        self.assertEqual(self.retail_statuses(), {"unsubscribed"})
        self.assertEqual(self.audience.mass_change_state, "none")

    def test_cancel_removes_nothing_and_the_next_run_holds_them_again(self):
        first = self.sync()
        self.audience.action_cancel_removals()
        self.assertEqual(self.audience.mass_change_state, "none")
        self.assertEqual(first.held_decision, "cancelled")
        self.assertEqual(self.retail_statuses(), {"subscribed"})
        self.assert_held(self.sync())
        self.tag_retail.mailchimp_interest_id = self.env["mailchimp.interest"].search(
            [("mailchimp_id", "=", self.remote_interest["Retail"])])
        run = self.sync()  # the cause is fixed: nothing to remove, nothing waits any more
        self.assertEqual((run.held_count, run.unsubscribed_count), (0, 0))
        self.assertEqual(self.audience.mass_change_state, "none")
        self.assertEqual(self.retail_statuses(), {"subscribed"})

    def test_only_managers_decide(self):
        self.sync()
        user = new_test_user(self.env, login="mass_change_user",
                             groups="base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_user")
        for action in ("action_confirm_removals", "action_cancel_removals"):
            with self.assertRaises(AccessError):
                getattr(self.audience.with_user(user), action)()
        self.assertEqual(self.audience.mass_change_state, "waiting")

    def test_a_few_removals_are_not_held(self):
        self.tag_retail.mailchimp_interest_id = self.env["mailchimp.interest"].search(
            [("mailchimp_id", "=", self.remote_interest["Retail"])])
        self.retail[:3].write({"mailchimp_subscribe": False})
        run = self.sync()
        self.assertEqual((run.held_count, run.unsubscribed_count), (0, 3))
        self.assertEqual(self.audience.mass_change_state, "none")

    def test_a_collections_run_holds_its_removals_without_replacing_the_audiences_list(self):
        held_by = self.sync()
        run = self.audience._sync_members(partner_ids=self.retail[:2].ids)
        self.assertEqual((run.held_count, run.unsubscribed_count), (2, 0))
        self.assertEqual(self.audience.mass_change_run_id, held_by, "the full list still waits for a manager")
        self.assertEqual(len(self.audience.mass_change_member_ids), RETAIL_COUNT)
        self.assertEqual(self.retail_statuses(), {"subscribed"})
