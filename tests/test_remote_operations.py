"""The journal of remote operations (#18): unscheduling a campaign, queued from its form, made once (and clicked)."""
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FOOTER_HTML, MailchimpStandinMixin, new_list_body
from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestUnscheduleCampaign(MailchimpSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mc_user = new_test_user(cls.env, login="unschedule_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")

    def scheduled_campaign(self):
        """A campaign scheduled in Mailchimp for tomorrow, as Odoo imported it."""
        self.client.batch_subscribe(self.list_id, [{"email_address": "reader@acme-example.com",
                                                    "status_if_new": "subscribed"}])
        remote = self.client.create_campaign({
            "type": "regular", "recipients": {"list_id": self.list_id},
            "settings": {"subject_line": "Later", "title": "Later", "from_name": "Acme",
                         "reply_to": "news@acme-example.com"}})
        self.client.set_campaign_content(remote["id"], {"html": f"<p>Later</p>{FOOTER_HTML}"})
        tomorrow = self.standin.store.now() + timedelta(days=1)
        self.client.schedule_campaign(remote["id"], tomorrow.replace(minute=45, second=0, microsecond=0).isoformat())
        Campaign = self.env["mailchimp.campaign"]
        Campaign._import_one(self.audience, remote["id"])
        campaign = Campaign.search([("mailchimp_id", "=", remote["id"])])
        self.assertEqual(campaign.status, "schedule")
        return campaign

    def unschedule_requests(self, campaign):
        path = f"/campaigns/{campaign.mailchimp_id}/actions/unschedule"
        return [entry for entry in self.standin.request_log if entry[0] == "POST" and entry[1].endswith(path)]

    def run_worker(self):
        self.env["mailchimp.remote.operation"]._cron_process()
        self.env.invalidate_all()

    def test_unschedule_queues_then_the_worker_makes_the_campaign_a_draft_again(self):
        campaign = self.scheduled_campaign()
        action = campaign.action_unschedule()
        self.assertIn("queued", action["params"]["message"])
        self.assertIn("Remote operations", action["params"]["message"], "where to follow it")
        self.assertFalse(self.unschedule_requests(campaign), "the button only queues")
        self.assertEqual((campaign.last_operation_id.kind, campaign.last_operation_state), ("unschedule", "queued"))
        self.assertEqual(campaign.action_unschedule()["type"], "ir.actions.client")
        self.assertEqual(len(campaign.operation_ids), 1, "pressed twice, queued once")

        self.run_worker()

        self.assertEqual(self.client.get_campaign(campaign.mailchimp_id)["status"], "save")
        self.assertEqual(campaign.status, "save", "read back")
        self.assertEqual(campaign.last_operation_state, "done")
        self.assertIn("draft again", campaign.last_operation_summary)
        self.assertEqual(len(self.unschedule_requests(campaign)), 1)

    def test_an_unschedule_whose_worker_was_killed_after_the_call_is_resolved_as_done(self):
        campaign = self.scheduled_campaign()
        campaign.action_unschedule()
        operation = campaign.operation_ids.sudo()
        operation.write({"state": "running", "attempts": 1})
        self.client.unschedule_campaign(campaign.mailchimp_id)  # the call made, its record lost

        self.run_worker()

        self.assertEqual(len(self.unschedule_requests(campaign)), 1, "not made again")
        self.assertEqual((operation.state, operation.attempts), ("done", 1))

    def test_an_unschedule_whose_worker_was_killed_before_the_call_is_made(self):
        campaign = self.scheduled_campaign()
        campaign.action_unschedule()
        operation = campaign.operation_ids.sudo()
        operation.write({"state": "running", "attempts": 1})  # still scheduled in Mailchimp

        self.run_worker()

        self.assertEqual(len(self.unschedule_requests(campaign)), 1)
        self.assertEqual(self.client.get_campaign(campaign.mailchimp_id)["status"], "save")
        self.assertEqual((operation.state, operation.attempts), ("done", 2))

    def test_an_unschedule_mailchimp_refuses_fails_with_its_answer(self):
        campaign = self.scheduled_campaign()
        campaign.action_unschedule()
        self.client.unschedule_campaign(campaign.mailchimp_id)  # unscheduled in Mailchimp meanwhile

        self.run_worker()

        self.assertEqual(campaign.last_operation_state, "failed")
        self.assertIn("not scheduled", campaign.last_operation_id.message)

    def test_only_managers_unschedule_and_only_a_scheduled_campaign(self):
        campaign = self.scheduled_campaign()
        with self.assertRaises(AccessError):
            campaign.with_user(self.mc_user).action_unschedule()
        self.assertFalse(campaign.operation_ids)
        self.client.unschedule_campaign(campaign.mailchimp_id)
        campaign.status = "save"
        with self.assertRaisesRegex(UserError, "Only a scheduled campaign"):
            campaign.action_unschedule()
        self.assertFalse(campaign.operation_ids)


@tagged("post_install", "-at_install")
class TestRemoteOperationsUi(MailchimpStandinMixin, HttpCase):
    """Unschedule, clicked in Chromium: the button queues, says so, and the form shows the progress."""

    def test_unschedule_from_the_campaign_form(self):
        client = self.account._client()
        list_id = client.create_list(new_list_body("Tour operations"))["id"]
        self.env["mailchimp.audience"].action_refresh_audiences()
        audience = self.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        client.batch_subscribe(list_id, [{"email_address": "reader@acme-example.com", "status_if_new": "subscribed"}])
        remote = client.create_campaign({
            "type": "regular", "recipients": {"list_id": list_id},
            "settings": {"subject_line": "Later", "title": "Tour later", "from_name": "Acme",
                         "reply_to": "news@acme-example.com"}})
        client.set_campaign_content(remote["id"], {"html": f"<p>Later</p>{FOOTER_HTML}"})
        tomorrow = self.standin.store.now() + timedelta(days=1)
        client.schedule_campaign(remote["id"], tomorrow.replace(minute=45, second=0, microsecond=0).isoformat())
        self.env["mailchimp.campaign"]._import_one(audience, remote["id"])
        campaign = self.env["mailchimp.campaign"].search([("mailchimp_id", "=", remote["id"])])

        self.start_tour(f"/odoo/mailchimp.campaign/{campaign.id}", "mailchimp_sync_remote_operations", login="admin")

        self.assertEqual((campaign.last_operation_id.kind, campaign.last_operation_state), ("unschedule", "queued"))
        self.assertEqual(campaign.last_operation_id.user_id, self.env.ref("base.user_admin"))
        self.env["mailchimp.remote.operation"]._cron_process()
        self.assertEqual(client.get_campaign(remote["id"])["status"], "save")
