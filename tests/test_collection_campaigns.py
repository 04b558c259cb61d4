"""Campaigns from a collection (#10): create, test, GDPR check, send and schedule — against the stand-in."""
from datetime import timedelta

from odoo import fields
from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_check import BOX_UNTICKED
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestCollectionCampaigns(MailchimpSyncCase):

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
        form.body_html = "<p>Hello!</p>"
        for name, value in values.items():
            setattr(form, name, value)
        wizard = form.save()
        wizard.action_create_campaign()
        return wizard

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
        wizard.action_check()

        self.assertEqual(self.standin.store.test_emails_sent[-1],
                         (wizard.campaign_id.mailchimp_id, ["me@acme-example.com"]))
        self.assertEqual(wizard.check_summary, "1 of 3 will receive it, 2 excluded")
        self.assertIn("mkt.unticked@acme-example.com", wizard.excluded_html)
        self.assertIn(BOX_UNTICKED, wizard.excluded_html)
        self.assertIn("Not subscribed in Mailchimp (status: unsubscribed)", wizard.excluded_html)

        wizard.action_confirm()

        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "sent")
        self.assertEqual(wizard.campaign_id.status, "sent", "the campaign is in the statistics")
        segment = [m["email_address"] for m in self.client.iter_segment_members(self.list_id, collection.segment_id)]
        self.assertEqual(segment, ["mkt.ok@acme-example.com"], "the excluded were removed from the segment")

    def test_a_system_campaign_skips_the_check_and_says_so(self):
        collection = self.collection_of("sys", campaign_type="system")
        wizard = self.new_campaign(collection)

        wizard.action_check()

        self.assertEqual(wizard.check_summary,
                         "3 of 3 will receive it, 0 excluded (system campaign: exempt from the consent check)")
        self.assertFalse(wizard.excluded_html)

    def test_a_schedule_off_the_quarter_hour_is_refused_before_the_call(self):
        collection = self.collection_of("sched")
        wizard = self.new_campaign(collection, content_mode="mailchimp")
        self.client.set_campaign_content(wizard.campaign_id.mailchimp_id, {"html": "<p>Designed there</p>"})
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        wizard.write({"send_mode": "schedule", "schedule_time": tomorrow.replace(minute=10, second=0)})
        calls_before = len(self.standin.request_log)

        with self.assertRaises(UserError):
            wizard.action_check()
        self.assertEqual(len(self.standin.request_log), calls_before)

        wizard.schedule_time = tomorrow.replace(minute=45, second=0, microsecond=0)
        wizard.action_check()
        wizard.action_confirm()

        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "schedule")
        self.assertIn("/campaigns/edit?id=", wizard.editor_url)

    def test_only_managers_start_a_campaign(self):
        collection = self.env["mailchimp.collection"].create({"name": "Team", "audience_id": self.audience.id})

        with self.assertRaises(AccessError):
            collection.with_user(self.mc_user).action_new_campaign()
