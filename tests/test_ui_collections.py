"""Collection → campaign → send, clicked in headless Chromium against the stand-in."""
from odoo.addons.mailchimp_sync.tests.common import MailchimpStandinMixin, new_list_body
from odoo.tests import HttpCase, tagged


class TourCollectionScenario:
    """An audience with one group at the stand-in, two ticked customers of the group synced to it, and a collection
    of both whose segment is synced; then one unticks the box, so the GDPR check excludes it."""

    def synced_collection(self, prefix, name):
        client = self.account._client()
        list_id = client.create_list(new_list_body(f"{prefix} audience"))["id"]
        category = client.create_interest_category(list_id, {"title": "Groups", "type": "checkboxes"})
        interest_id = client.create_interest(list_id, category["id"], {"name": f"{prefix} group"})["id"]
        Audience = self.env["mailchimp.audience"]
        Audience.action_refresh_audiences()
        audience = Audience.search([("mailchimp_id", "=", list_id)])
        audience._refresh_schema(client)
        audience.write({"campaign_from_name": "Acme", "campaign_from_email": "news@acme-example.com"})
        tag = self.env["res.partner.category"].create({
            "name": f"{prefix} group", "mailchimp_interest_id": audience.interest_ids.filtered(
                lambda interest: interest.mailchimp_id == interest_id).id})
        customers = self.env["res.partner"].create([
            {"name": customer, "email": f"{prefix.lower()}.{customer}@acme-example.com", "mailchimp_subscribe": True,
             "category_id": [(6, 0, tag.ids)]} for customer in ("ok", "unticked")])
        collection = self.env["mailchimp.collection"].create({
            "name": name, "audience_id": audience.id, "partner_ids": [(6, 0, customers.ids)]})
        audience._sync_members()
        collection.action_sync_collection()
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_collections").method_direct_trigger()
        customers[1].mailchimp_subscribe = False  # after the segment was synced: the GDPR check excludes it
        return client, audience, customers, collection


@tagged("post_install", "-at_install")
class TestUiCollections(TourCollectionScenario, MailchimpStandinMixin, HttpCase):

    def test_marketing_sends_a_campaign_to_a_collection(self):
        client, audience, customers, collection = self.synced_collection("Tour", "TOUR-VIP")
        list_id = audience.mailchimp_id

        self.start_tour("/odoo", "mailchimp_sync_collection_campaign", login="admin")
        operation = self.env["mailchimp.remote.operation"].search(
            [("audience_id", "=", audience.id), ("kind", "=", "send")])
        self.assertEqual((operation.kind, operation.state), ("send", "queued"))
        self.env["mailchimp.remote.operation"]._cron_process()

        self.assertEqual(operation.state, "done")
        campaign = self.env["mailchimp.campaign"].search([("audience_id", "=", audience.id)])
        self.assertEqual(campaign.status, "sent")
        self.assertEqual(client.get_campaign(campaign.mailchimp_id)["status"], "sent")
        segment = [member["email_address"] for member in client.iter_segment_members(list_id, collection.segment_id)]
        self.assertEqual(segment, ["tour.ok@acme-example.com"])
