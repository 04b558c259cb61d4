"""Campaigns from a collection (#10): create, test, GDPR check, send and schedule — against the stand-in.

Test, send and schedule are queued (#18): the button queues, :meth:`run_worker` plays the scheduled job.
"""
from datetime import timedelta

from odoo import fields
from odoo.addons.mailchimp_sync.mailchimp_sync.gdpr import SOURCE_GDPR_EXCLUSION
from odoo.addons.mailchimp_sync.models.mailchimp_remote_operation import OPERATION_LOCK_CLASS
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FOOTER_HTML
from .sync_common import MailchimpSyncCase

BOX_UNTICKED = "No consent in Odoo: the Mailchimp subscription box is unticked"


class CollectionCampaignScenario:
    """A collection of three customers and a campaign to it, as a marketer makes them (shared by the tests of the
    dialog and of the campaign form)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mc_user = new_test_user(cls.env, login="campaign_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        cls.audience.write({"campaign_from_name": "Acme", "campaign_from_email": "news@acme-example.com"})

    def collection_of(self, prefix, campaign_type="marketing"):
        """A synced collection of three subscribed customers; then one unticks the box, one unsubscribes."""
        customers = self.env["res.partner"]
        for name in ("ok", "unticked", "left"):
            customers |= self.customer(name, f"{prefix}.{name}@acme-example.com")
        self.sync()
        collection = self.env["mailchimp.collection"].create({
            "name": prefix, "audience_id": self.audience.id, "campaign_type": campaign_type,
            "partner_ids": [(6, 0, customers.ids)]})
        self.sync_collection(collection)
        customers[1].mailchimp_subscribe = False
        self.client.update_member(self.list_id, f"{prefix}.left@acme-example.com", {"status": "unsubscribed"})
        return collection

    def new_campaign(self, collection, **values):
        action = collection.action_new_campaign()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.subject = "Autumn offer"
        form.body_html = f"<p>Hello!</p>{FOOTER_HTML}"
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        wizard.action_create_campaign()
        return wizard

    def run_worker(self):
        self.env["mailchimp.remote.operation"]._cron_process()
        self.env.invalidate_all()

    def send_requests(self, wizard):
        path = f"/campaigns/{wizard.campaign_id.mailchimp_id}/actions/send"
        return [entry for entry in self.standin.request_log if entry[0] == "POST" and entry[1].endswith(path)]


@tagged("post_install", "-at_install")
class TestCollectionCampaigns(CollectionCampaignScenario, MailchimpSyncCase):

    def exclusion_consents(self, collection):
        return self.env["mailchimp.consent"].sudo().search(
            [("partner_id", "in", collection.partner_ids.ids), ("source", "=", SOURCE_GDPR_EXCLUSION)])

    def create_requests(self):
        return [entry for entry in self.standin.request_log if entry[0] == "POST" and entry[1].endswith("/campaigns")]

    def test_a_create_whose_answer_was_lost_takes_the_campaign_made_instead_of_making_another(self):
        collection = self.collection_of("lost")
        action = collection.action_new_campaign()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.subject = "Autumn offer"
        form.body_html = f"<p>Hello!</p>{FOOTER_HTML}"
        wizard = form.save()
        # A first try committed when it asked, Mailchimp made the campaign, and the answer never came back.
        wizard.create_started = fields.Datetime.now()
        made = self.client.create_campaign({
            "type": "regular", "recipients": {"list_id": self.list_id},
            "settings": {"subject_line": "Autumn offer", "title": wizard.title, "from_name": "Acme",
                         "reply_to": "news@acme-example.com"}})
        requests_before = len(self.create_requests())

        wizard.action_create_campaign()

        self.assertEqual(len(self.create_requests()), requests_before, "no second campaign asked for")
        self.assertEqual(wizard.campaign_id.mailchimp_id, made["id"])
        self.assertIn("*|UNSUB|*", self.client.get_campaign_content(made["id"])["html"], "its body was pushed")

    def test_a_campaign_is_created_once_per_press_and_the_time_of_asking_is_kept(self):
        collection = self.collection_of("once")
        requests_before = len(self.create_requests())
        wizard = self.new_campaign(collection)
        self.assertTrue(wizard.create_started)
        self.assertEqual(len(self.create_requests()), requests_before + 1)

    def test_a_campaign_waits_for_the_collection_sync(self):
        collection = self.env["mailchimp.collection"].create({
            "name": "unsynced", "audience_id": self.audience.id,
            "partner_ids": [(6, 0, self.customer("new", "unsynced.new@acme-example.com").ids)]})
        action = collection.action_new_campaign()
        wizard = self.env[action["res_model"]].with_context(action["context"]).create(
            {"subject": "Offer", "body_html": "<p>Hi</p>"})
        requests_before = len(self.standin.request_log)

        with self.assertRaisesRegex(UserError, "Sync collection"):
            wizard.action_create_campaign()
        self.assertEqual(len(self.standin.request_log), requests_before)

    def test_a_marketing_campaign_excludes_who_has_no_consent_and_is_sent_to_the_others(self):
        collection = self.collection_of("mkt")
        wizard = self.new_campaign(collection)
        self.assertEqual((wizard.from_name, wizard.reply_to), ("Acme", "news@acme-example.com"),
                         "prefilled from the audience's defaults")
        remote = self.client.get_campaign(wizard.campaign_id.mailchimp_id)
        self.assertEqual(remote["recipients"]["segment_opts"]["saved_segment_id"], int(collection.segment_id))

        wizard.test_emails = "me@acme-example.com"
        wizard.action_send_test()
        self.assertEqual(wizard.operation_state, "queued")
        self.run_worker()
        self.assertEqual((wizard.operation_kind, wizard.operation_state), ("test_send", "done"))
        self.assertEqual(self.standin.store.test_emails_sent[-1],
                         (wizard.campaign_id.mailchimp_id, ["me@acme-example.com"]))
        wizard.action_check()

        self.assertEqual(wizard.check_summary, "1 of 3 will receive it, 2 excluded")
        self.assertIn("mkt.unticked@acme-example.com", wizard.excluded_html)
        self.assertIn(BOX_UNTICKED, wizard.excluded_html)
        self.assertIn("Not subscribed in Mailchimp (status: unsubscribed)", wizard.excluded_html)

        self.assertEqual(collection.mailchimp_count, 3)
        wizard.action_confirm()

        self.assertEqual((wizard.state, wizard.operation_state), ("queued", "queued"))
        self.assertEqual(wizard.check_summary, "1 of 3 will receive it, 2 excluded")
        self.assertFalse(self.send_requests(wizard), "the button only queues")
        self.run_worker()
        self.assertEqual((wizard.operation_kind, wizard.operation_state, wizard.operation_message),
                         ("send", "done", "Campaign sent."))
        self.assertEqual(wizard.check_summary, "Sent to 1 of 3, 2 excluded", "what happened, not what will")
        self.assertEqual(collection.mailchimp_count, 1, "the collection counts the segment as it is now")
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "sent")
        self.assertEqual(wizard.campaign_id.status, "sent", "the campaign is in the statistics")
        self.assertEqual(wizard.campaign_id.operation_ids.mapped("kind"), ["send", "test_send"])
        self.assertFalse(wizard.operation_id.params, "the excluded addresses are not kept once sent")
        segment = [m["email_address"] for m in self.client.iter_segment_members(self.list_id, collection.segment_id)]
        self.assertEqual(segment, ["mkt.ok@acme-example.com"], "the excluded were removed from the segment")

    def test_the_checks_exclusions_are_kept_with_the_campaign_who_and_why(self):
        collection = self.collection_of("kept")
        wizard = self.new_campaign(collection)
        wizard.action_check()
        self.assertFalse(wizard.campaign_id.exclusion_ids, "nothing kept before the send is confirmed")
        wizard.action_confirm()
        campaign = wizard.campaign_id.with_user(self.mc_user)
        excluded = {exclusion.email: exclusion for exclusion in campaign.exclusion_ids}
        self.assertEqual(set(excluded), {"kept.unticked@acme-example.com", "kept.left@acme-example.com"})
        self.assertEqual(excluded["kept.unticked@acme-example.com"].partner_id.email, "kept.unticked@acme-example.com")
        self.assertIn(BOX_UNTICKED, excluded["kept.unticked@acme-example.com"].reason)
        self.assertIn("Not subscribed in Mailchimp (status: unsubscribed)", excluded["kept.left@acme-example.com"].reason)
        self.assertEqual(campaign.exclusion_count, 2)
        partner = excluded["kept.left@acme-example.com"].partner_id
        self.env["mailchimp.backend"]._forget_personal_data(partner, [partner.email], self.env.company)
        self.assertEqual(wizard.campaign_id.exclusion_ids.mapped("email"), ["kept.unticked@acme-example.com"],
                         "Forget erases the exclusion of the person forgotten")

    def test_a_system_campaign_skips_the_consent_check_and_counts_only_who_mailchimp_sends_to(self):
        collection = self.collection_of("sys", campaign_type="system")
        wizard = self.new_campaign(collection)

        wizard.action_check()

        self.assertEqual(wizard.check_summary,
                         "2 of 3 will receive it, 1 excluded (system campaign: exempt from the consent check)")
        self.assertIn("sys.left@acme-example.com", wizard.excluded_html)
        self.assertIn("Not subscribed in Mailchimp (status: unsubscribed)", wizard.excluded_html)
        self.assertNotIn("sys.unticked@acme-example.com", wizard.excluded_html, "no consent check")

    def test_a_schedule_off_the_quarter_hour_is_refused_before_the_call(self):
        collection = self.collection_of("sched")
        wizard = self.new_campaign(collection, content_mode="mailchimp")
        self.client.set_campaign_content(wizard.campaign_id.mailchimp_id,
                                         {"html": f"<p>Designed there</p>{FOOTER_HTML}"})
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        wizard.write({"send_mode": "schedule", "schedule_time": tomorrow.replace(minute=10, second=0)})
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError):
            wizard.action_check()
        self.assertEqual(len(self.standin.request_log), calls_before)

        wizard.schedule_time = tomorrow.replace(minute=45, second=0, microsecond=0)
        wizard.action_check()
        wizard.action_confirm()
        self.run_worker()

        self.assertEqual(wizard.operation_state, "done")
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "schedule")
        self.assertIn("/campaigns/edit?id=", wizard.editor_url)

    def test_only_managers_start_a_campaign(self):
        collection = self.env["mailchimp.collection"].create({"name": "Team", "audience_id": self.audience.id})

        with self.assertRaises(AccessError):
            collection.with_user(self.mc_user).action_new_campaign()

    # ------------------------------------------------------------ exactly once (#18)

    def confirmed_campaign(self, prefix):
        """A marketing campaign checked and ready to confirm: two of its three customers are excluded."""
        wizard = self.new_campaign(self.collection_of(prefix))
        wizard.action_check()
        return wizard

    def test_a_send_retried_by_odoo_while_its_webhook_arrives_goes_out_once_with_its_consent_records(self):
        wizard = self.new_campaign(self.collection_of("race"))
        collection = wizard.collection_id
        # who left Mailchimp is also on Odoo's blacklist: the check records a withdrawn consent for that
        self.env["mail.blacklist"].sudo()._add("race.left@acme-example.com")
        wizard.action_check()
        self.assertFalse(self.exclusion_consents(collection))

        # The first try is undone, as Odoo undoes a request that met a serialization failure…
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            wizard.action_confirm()
            raise RuntimeError("could not serialize access due to concurrent update")
        self.env.invalidate_all()
        # …while Mailchimp's campaign webhook writes the same campaign row; then Odoo runs the request again,
        # and the manager presses the button once more.
        self.env["mailchimp.campaign"]._import_one(self.audience, wizard.campaign_id.mailchimp_id)
        wizard.action_confirm()
        wizard.action_confirm()
        self.run_worker()
        self.run_worker()

        self.assertEqual(len(self.send_requests(wizard)), 1, "one send request reached Mailchimp")
        operations = wizard.campaign_id.operation_ids
        self.assertEqual((operations.kind, operations.state, operations.attempts), ("send", "done", 1))
        consents = self.exclusion_consents(collection)
        self.assertEqual(consents.mapped("email"), ["race.left@acme-example.com"],
                         "the blacklisted customer's exclusion is recorded, once")
        self.assertEqual(wizard.campaign_id.status, "sent")

    def test_a_worker_killed_after_the_send_is_resolved_as_done_without_sending_again(self):
        wizard = self.confirmed_campaign("killed_after")
        wizard.action_confirm()
        operation = wizard.operation_id.sudo()
        operation.write({"state": "running", "attempts": 1})
        self.client.send_campaign(wizard.campaign_id.mailchimp_id)  # the call made, its record lost

        self.run_worker()

        self.assertEqual(len(self.send_requests(wizard)), 1, "not sent again")
        self.assertEqual((operation.state, operation.attempts), ("done", 1))
        self.assertIn("the service confirms it", operation.message)

    def test_a_worker_killed_before_the_send_sends_it_once(self):
        wizard = self.confirmed_campaign("killed_before")
        wizard.action_confirm()
        operation = wizard.operation_id.sudo()
        operation.write({"state": "running", "attempts": 1})  # the campaign is still a draft in Mailchimp

        self.run_worker()

        self.assertEqual(len(self.send_requests(wizard)), 1)
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "sent")
        self.assertEqual((operation.state, operation.attempts), ("done", 2))
        segment = [m["email_address"] for m in self.client.iter_segment_members(self.list_id,
                                                                                 wizard.collection_id.segment_id)]
        self.assertEqual(segment, ["killed_before.ok@acme-example.com"], "the excluded left the segment first")

    def test_a_send_left_unanswered_is_checked_in_mailchimp_queued_again_and_sent_once(self):
        wizard = self.confirmed_campaign("unanswered")
        self.standin.faults.add(status=503, path_contains="/actions/send", method="POST")
        wizard.action_confirm()

        self.run_worker()
        self.assertEqual((wizard.operation_state, wizard.operation_id.attempts), ("queued", 1),
                         "Mailchimp says the campaign is still a draft: it is sent again")
        self.assertIn("503", wizard.operation_message)
        self.run_worker()

        self.assertEqual((wizard.operation_state, wizard.operation_id.attempts), ("done", 2))
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "sent")

    def test_an_operation_its_live_worker_holds_is_left_to_it(self):
        wizard = self.confirmed_campaign("held")
        wizard.action_confirm()
        operation = wizard.operation_id.sudo()
        operation.write({"state": "running", "attempts": 1})
        with self.env.registry.cursor() as worker:
            worker.execute("SELECT pg_advisory_lock(%s, %s)", (OPERATION_LOCK_CLASS, operation.id))
            try:
                self.run_worker()
            finally:
                worker.execute("SELECT pg_advisory_unlock(%s, %s)", (OPERATION_LOCK_CLASS, operation.id))

        self.assertEqual((operation.state, operation.attempts), ("running", 1))
        self.assertFalse(self.send_requests(wizard), "the campaign is neither checked nor sent")

    def test_a_test_email_whose_answer_was_lost_is_not_sent_again_but_left_to_check(self):
        wizard = self.new_campaign(self.collection_of("test_lost"))
        wizard.test_emails = "me@acme-example.com"
        wizard.action_send_test()
        wizard.operation_id.sudo().write({"state": "running", "attempts": 1})
        tests_before = len(self.standin.store.test_emails_sent)

        self.run_worker()

        self.assertEqual(wizard.operation_state, "needs_check", "Mailchimp cannot tell whether a test went out")
        self.assertEqual(len(self.standin.store.test_emails_sent), tests_before)

    def test_a_send_mailchimp_refuses_fails_with_its_answer_and_frees_the_campaign(self):
        wizard = self.confirmed_campaign("refused")
        self.client.send_campaign(wizard.campaign_id.mailchimp_id)  # sent from Mailchimp meanwhile

        wizard.action_confirm()
        self.run_worker()

        self.assertEqual(wizard.operation_state, "failed")
        self.assertIn("already been sent", wizard.operation_message)
        self.assertFalse(wizard.operation_id.open_key, "a new operation may be queued for it")

    def test_a_user_without_manager_rights_is_refused_before_anything_is_queued(self):
        wizard = self.confirmed_campaign("rights")
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            wizard.with_user(self.mc_user).action_confirm()
        with self.assertRaises(AccessError):
            wizard.with_user(self.mc_user).action_send_test()

        self.assertFalse(self.env["mailchimp.remote.operation"].sudo().search(
            [("campaign_id", "=", wizard.campaign_id.id)]))
        self.assertEqual(len(self.standin.request_log), calls_before)
        self.assertFalse(self.exclusion_consents(wizard.collection_id))
