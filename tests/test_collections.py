"""Contact collections (#10) kept as static segments — against the stand-in."""
from unittest.mock import patch

from odoo.addons.mailchimp_sync.models.mailchimp_transaction import SAVEPOINT
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .sync_common import MailchimpSyncCase

NOT_SYNCED_UNTICKED = "Not synced: the Mailchimp subscription box is not ticked"


@tagged("post_install", "-at_install")
class TestCollections(MailchimpSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="coll_manager",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        cls.mc_user = new_test_user(cls.env, login="coll_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")

    def collection(self, code, **values):
        return self.env["mailchimp.collection"].create({"name": code, "audience_id": self.audience.id, **values})

    def segment_emails(self, collection):
        return sorted(m["email_address"] for m in
                      self.client.iter_segment_members(self.list_id, collection.segment_id))

    def segment_calls(self, collection):
        path = f"/lists/{self.list_id}/segments/{collection.segment_id}"
        return [entry for entry in self.standin.request_log if entry.method == "POST" and entry.path.endswith(path)]

    def test_a_static_collection_holds_its_subscribed_customers_and_says_who_is_left_out(self):
        member = self.customer("Jan", "jan@acme-example.com")
        self.sync()
        newcomer = self.customer("Maria", "maria@acme-example.com")
        unticked = self.customer("Ola", "ola@acme-example.com", subscribe=False)
        collection = self.collection("VIP", partner_ids=[(6, 0, (member | newcomer | unticked).ids)])

        self.sync_collection(collection, user=self.manager)

        self.assertEqual(self.segment_emails(collection), ["jan@acme-example.com", "maria@acme-example.com"])
        self.assertEqual(self.remote("maria@acme-example.com")["status"], "subscribed",
                         "a customer who was not a member yet is pushed first, by the sync's rules")
        self.assertIsNone(self.remote("ola@acme-example.com"), "a collection never subscribes the ineligible")
        self.assertEqual(collection.skip_ids.partner_id, unticked)
        self.assertEqual(collection.skip_ids.reason, NOT_SYNCED_UNTICKED)
        self.assertEqual((collection.odoo_count, collection.mailchimp_count), (3, 2))
        self.assertTrue(collection.last_sync)

        collection.partner_ids = [(3, newcomer.id)]
        self.sync_collection(collection)

        self.assertEqual(self.segment_emails(collection), ["jan@acme-example.com"])
        self.assertEqual(collection.mailchimp_count, 1)

    def test_sync_collection_only_queues_it_and_the_scheduled_job_syncs_it(self):
        jan = self.customer("Jan", "jan.queued@acme-example.com")
        collection = self.collection("Queued", partner_ids=[(6, 0, jan.ids)])
        cron = self.env.ref("mailchimp_sync.ir_cron_mailchimp_collections")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        requests_before = len(self.standin.request_log)

        with patch.object(self.env.cr, "execute", wraps=self.env.cr.execute) as execute:
            action = collection.with_user(self.manager).action_sync_collection()

        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self.standin.request_log), requests_before, "the button asks Mailchimp nothing")
        self.assertFalse([call for call in execute.call_args_list if SAVEPOINT in str(call.args[0])],
                         "the button commits nothing (in tests a savepoint stands for a commit)")
        self.assertEqual((collection.sync_state, collection.sync_requested_by), ("queued", self.manager))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before + 1)
        self.assertIsNone(self.remote("jan.queued@acme-example.com"))

        cron.method_direct_trigger()

        self.assertEqual(collection.sync_state, "done")
        self.assertEqual(collection.sync_message, "1 in the segment, 0 left out.")
        self.assertEqual(self.segment_emails(collection), ["jan.queued@acme-example.com"])
        self.assertEqual(self.audience.last_run_id.user_id, self.manager, "the push ran as who pressed the button")

    def test_a_failed_collection_sync_says_why_on_the_collection(self):
        jan = self.customer("Jan", "jan.fails@acme-example.com")
        self.sync()
        collection = self.collection("Fails", partner_ids=[(6, 0, jan.ids)])
        self.standin.faults.add(status=503, times=None, path_contains="/segments")

        self.sync_collection(collection)

        self.assertEqual(collection.sync_state, "failed")
        self.assertIn("503", collection.sync_message)
        self.assertFalse(collection.segment_id)

    def test_a_collection_unsubscribed_in_mailchimp_leaves_the_member_out(self):
        jan = self.customer("Jan", "jan.left@acme-example.com")
        self.sync()
        self.client.update_member(self.list_id, "jan.left@acme-example.com", {"status": "unsubscribed"})
        self.member_of(jan).status = "unsubscribed"
        collection = self.collection("News", partner_ids=[(6, 0, jan.ids)])

        self.sync_collection(collection)

        self.assertEqual(self.segment_emails(collection), [])
        self.assertIn("not subscribed in Mailchimp", collection.skip_ids.reason)

    def test_a_dynamic_collection_adds_and_removes_beyond_500_in_batches(self):
        bulk = self.env["res.partner"].create([
            {"name": f"Bulk {i}", "email": f"bulk{i}@bulk-example.com", "mailchimp_subscribe": True,
             "category_id": [(6, 0, self.tag_wholesale.ids)], "comment": "even" if i % 2 == 0 else "odd"}
            for i in range(1100)])
        self.sync()
        collection = self.collection("Bulk", kind="dynamic", domain="[('email', 'ilike', '@bulk-example.com')]")

        self.sync_collection(collection)

        self.assertEqual(collection.mailchimp_count, 1100)
        adds = self.segment_calls(collection)
        self.assertEqual(len(adds), 3, "1 100 additions: batches of 500, 500 and 100")

        collection.domain = "[('email', 'ilike', '@bulk-example.com'), ('comment', 'ilike', 'even')]"
        self.sync_collection(collection)

        self.assertEqual(collection.mailchimp_count, 550)
        self.assertEqual(len(self.segment_calls(collection)), 3 + 2, "550 removals: batches of 500 and 50")
        self.assertEqual(collection.odoo_count, 550)
        self.assertNotIn(bulk[1].email, self.segment_emails(collection))

    def test_a_rule_that_is_not_a_customer_filter_is_refused(self):
        with self.assertRaises(ValidationError):
            self.collection("Broken", kind="dynamic", domain="[('no_such_field', '=', 1)]")

    def test_a_private_collection_is_seen_by_its_owner_only(self):
        private = self.collection("Mine", owner_id=self.manager.id, shared=False)
        shared = self.collection("Ours", owner_id=self.manager.id)

        seen_by_other = self.env["mailchimp.collection"].with_user(self.mc_user).search([])

        self.assertIn(shared, seen_by_other)
        self.assertNotIn(private, seen_by_other)
        self.assertIn(private, self.env["mailchimp.collection"].with_user(self.manager).search([]))

    def test_only_managers_sync_a_collection_and_before_any_call(self):
        collection = self.collection("Team", owner_id=self.mc_user.id)
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            collection.with_user(self.mc_user).action_sync_collection()
        self.assertEqual(len(self.standin.request_log), calls_before)

    def segments_named(self, name):
        return [segment for segment in self.client.iter_collection(f"lists/{self.list_id}/segments", "segments")
                if segment["name"] == name]

    def test_a_segment_created_before_the_sync_failed_is_kept_and_never_created_twice(self):
        jan = self.customer("Jan", "jan.once@acme-example.com")
        self.sync()
        collection = self.collection("Once", partner_ids=[(6, 0, jan.ids)])
        self.standin.faults.add(status=503, times=None, method="POST", path_contains="/segments/")

        self.sync_collection(collection)

        self.assertEqual(collection.sync_state, "failed", "the members' batch failed after the segment was made")
        self.assertTrue(collection.segment_id, "the segment's creation outlived the run's rollback")
        self.standin.faults.clear()
        self.sync_collection(collection)

        self.assertEqual(collection.sync_state, "done")
        self.assertEqual([segment["id"] for segment in self.segments_named("Once")], [int(collection.segment_id)])
        self.assertEqual(self.segment_emails(collection), ["jan.once@acme-example.com"])
        journal = self.env["mailchimp.remote.operation"].search([("collection_id", "=", collection.id)])
        self.assertEqual((journal.kind, journal.state), ("segment_change", "done"), "created once, journaled")

    def test_a_segment_whose_creation_answer_was_lost_is_found_by_its_name_not_created_again(self):
        jan = self.customer("Jan", "jan.lost@acme-example.com")
        self.sync()
        collection = self.collection("Lost", partner_ids=[(6, 0, jan.ids)])
        collection.segment_pending_name = "Lost"  # the run was killed between the creation and its record
        made = self.client.create_static_segment(self.list_id, "Lost")

        self.sync_collection(collection)

        self.assertEqual(collection.sync_state, "done")
        self.assertEqual((collection.segment_id, collection.segment_pending_name), (str(made["id"]), False))
        self.assertEqual(len(self.segments_named("Lost")), 1)
        self.assertEqual(self.segment_emails(collection), ["jan.lost@acme-example.com"])
        journal = self.env["mailchimp.remote.operation"].search([("collection_id", "=", collection.id)])
        self.assertIn("found in Mailchimp", journal.message)
