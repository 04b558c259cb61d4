"""A campaign drafted on Monday, its dialog closed, reopened from the campaign list, tested and sent — in Chromium."""
from odoo.addons.mailchimp_sync.tests.common import MailchimpStandinMixin, new_list_body
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUiCampaignWorkspace(MailchimpStandinMixin, HttpCase):

    def test_a_monday_draft_is_reopened_tested_and_sent(self):
        client = self.account._client()
        list_id = client.create_list(new_list_body("Workspace tour"))["id"]
        category = client.create_interest_category(list_id, {"title": "Groups", "type": "checkboxes"})
        interest_id = client.create_interest(list_id, category["id"], {"name": "Workspace group"})["id"]
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        audience = Audience.search([("mailchimp_id", "=", list_id)])
        audience._refresh_schema(client)
        audience.write({"campaign_from_name": "Acme", "campaign_from_email": "news@acme-example.com"})
        tag = self.env["res.partner.category"].create({
            "name": "Workspace group", "mailchimp_interest_id": audience.interest_ids.filtered(
                lambda interest: interest.mailchimp_id == interest_id).id})
        customers = self.env["res.partner"].create([
            {"name": name, "email": f"workspace.{name}@acme-example.com", "mailchimp_subscribe": True,
             "category_id": [(6, 0, tag.ids)]} for name in ("ok", "unticked")])
        collection = self.env["mailchimp.collection"].create({
            "name": "TOUR-WORKSPACE", "audience_id": audience.id, "partner_ids": [(6, 0, customers.ids)]})
        audience._sync_members()
        collection.action_sync_collection()
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_collections").method_direct_trigger()
        customers[1].mailchimp_subscribe = False  # after the segment was synced: the GDPR check excludes it
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
