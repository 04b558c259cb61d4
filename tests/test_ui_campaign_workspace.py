"""A campaign drafted on Monday, its dialog closed, reopened from the campaign list, tested and sent — in Chromium."""
from odoo.addons.mailchimp_sync.tests.common import MailchimpStandinMixin
from odoo.tests import HttpCase, tagged

from .test_ui_collections import TourCollectionScenario


@tagged("post_install", "-at_install")
class TestUiCampaignWorkspace(TourCollectionScenario, MailchimpStandinMixin, HttpCase):

    def test_a_monday_draft_is_reopened_tested_and_sent(self):
        client, audience, _customers, collection = self.synced_collection("Workspace", "TOUR-WORKSPACE")
        list_id = audience.mailchimp_id
        # Monday: the draft is created from the collection, and the dialog closed.
        wizard = self.env["mailchimp.collection.campaign.wizard"].with_context(
            default_collection_id=collection.id).create({
                "subject": "Monday offer", "title": "TOUR-MONDAY", "body_html": "<p>Hello from Monday</p>"})
        wizard.action_create_campaign()
        campaign = wizard.campaign_id
        wizard.unlink()

        self.start_tour("/odoo", "mailchimp_sync_campaign_workspace", login="admin")

        self.assertEqual(client.get_campaign(campaign.mailchimp_id)["settings"]["subject_line"], "Tuesday offer")
        self.assertEqual(campaign.operation_ids.mapped("state"), ["queued", "queued"])
        self.env["mailchimp.remote.operation"]._cron_process()
        self.env.invalidate_all()
        self.assertEqual(self.standin.store.test_emails_sent[-1], (campaign.mailchimp_id, ["me@acme-example.com"]))
        self.assertEqual(campaign.operation_ids.mapped("state"), ["done", "done"])
        self.assertEqual((campaign.status, client.get_campaign(campaign.mailchimp_id)["status"]), ("sent", "sent"))
        segment = [member["email_address"] for member in client.iter_segment_members(list_id, collection.segment_id)]
        self.assertEqual(segment, ["workspace.ok@acme-example.com"])
