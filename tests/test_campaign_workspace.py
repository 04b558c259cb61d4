"""The campaign form as the workspace (#20): a draft created on Monday, its dialog closed, picked up again from its
form — edited and pushed, tested, checked and sent, scheduled and unscheduled, replicated — against the stand-in."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .sync_common import MailchimpSyncCase
from .test_collection_campaigns import CollectionCampaignScenario

OWN_FOOTER = '<p>Hi</p><p><a href="*|UNSUB|*">Leave</a> *|LIST:ADDRESSLINE|*</p>'


@tagged("post_install", "-at_install")
class TestCampaignWorkspace(CollectionCampaignScenario, MailchimpSyncCase):

    def monday_draft(self, prefix, **values):
        """A draft created from a collection on Monday; the dialog is closed: only the campaign is left."""
        wizard = self.new_campaign(self.collection_of(prefix), **values)
        campaign = wizard.campaign_id
        wizard.unlink()
        self.env.invalidate_all()
        return campaign

    def dialog(self, action, **values):
        """The dialog a form button opens, as the browser would make it."""
        self.assertEqual((action["res_model"], action["target"]), ("mailchimp.collection.campaign.wizard", "new"))
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def remote_html(self, campaign):
        return self.client.get_campaign_content(campaign.mailchimp_id)["html"]

    def requests_since(self, count):
        return self.standin.request_log[count:]

    # ------------------------------------------------------------ the workspace

    def test_a_draft_closed_on_monday_is_edited_tested_checked_and_sent_from_its_form(self):
        campaign = self.monday_draft("monday")
        self.assertEqual(campaign.collection_id.name, "monday", "the dialog stored the campaign's collection")
        self.assertEqual((campaign.status, campaign.content_mode, campaign.from_name), ("save", "html", "Acme"))

        with Form(campaign) as form:
            form.subject = "Tuesday offer"
            form.preview_text = "Only this week"
            form.reply_to = "sales@acme-example.com"
            form.body_html = "<p>New body</p>"
        self.assertTrue(campaign.pending_push, "an edit is Odoo's until pushed")
        self.env["mailchimp.campaign"]._import_one(self.audience, campaign.mailchimp_id)
        self.assertEqual(campaign.subject, "Tuesday offer", "the import keeps an edit waiting to be pushed")

        campaign.action_save_to_mailchimp()

        remote = self.client.get_campaign(campaign.mailchimp_id)["settings"]
        self.assertEqual((remote["subject_line"], remote["preview_text"], remote["reply_to"]),
                         ("Tuesday offer", "Only this week", "sales@acme-example.com"))
        html = self.remote_html(campaign)
        self.assertIn("New body", html)
        self.assertEqual((html.count("*|UNSUB|*"), html.count("*|HTML:LIST_ADDRESS_HTML|*")), (1, 1),
                         "Mailchimp's required footer, once")
        self.assertFalse(campaign.pending_push)

        tester = self.dialog(campaign.action_send_test_dialog(), test_emails="me@acme-example.com")
        self.assertEqual((tester.state, tester.campaign_id), ("created", campaign))
        tester.action_send_test()
        self.run_worker()
        self.assertEqual(self.standin.store.test_emails_sent[-1], (campaign.mailchimp_id, ["me@acme-example.com"]))

        sender = self.dialog(campaign.action_send_dialog())
        sender.action_check()
        self.assertEqual(sender.check_summary, "1 of 3 will receive it, 2 excluded", "the same consent check")
        self.assertIn("monday.unticked@acme-example.com", sender.excluded_html)
        sender.action_confirm()
        self.assertFalse(self.send_requests(sender), "the button only queues")
        self.run_worker()

        self.assertEqual(len(self.send_requests(sender)), 1)
        self.assertEqual((campaign.status, self.client.get_campaign(campaign.mailchimp_id)["status"]),
                         ("sent", "sent"))
        self.assertEqual(campaign.operation_ids.mapped("kind"), ["send", "test_send"])
        segment = [m["email_address"] for m in self.client.iter_segment_members(
            self.list_id, campaign.collection_id.segment_id)]
        self.assertEqual(segment, ["monday.ok@acme-example.com"], "the excluded left the segment first")
        with self.assertRaisesRegex(UserError, "Only a draft"):
            campaign.action_send_dialog()

    def test_an_edit_not_saved_yet_is_pushed_before_the_test(self):
        campaign = self.monday_draft("unsaved")
        campaign.subject = "Pushed by the test button"

        self.dialog(campaign.action_send_test_dialog())

        self.assertEqual(self.client.get_campaign(campaign.mailchimp_id)["settings"]["subject_line"],
                         "Pushed by the test button")
        self.assertFalse(campaign.pending_push)

    def test_a_draft_is_scheduled_and_unscheduled_from_its_form(self):
        campaign = self.monday_draft("later")
        when = (fields.Datetime.now() + timedelta(days=1)).replace(minute=45, second=0, microsecond=0)
        scheduler = self.dialog(campaign.action_schedule_dialog(), schedule_time=when)
        self.assertEqual(scheduler.send_mode, "schedule")
        scheduler.action_check()
        scheduler.action_confirm()
        self.run_worker()
        self.assertEqual((campaign.status, self.client.get_campaign(campaign.mailchimp_id)["status"]),
                         ("schedule", "schedule"))
        with self.assertRaisesRegex(UserError, "Only a draft"):
            campaign.action_save_to_mailchimp()

        campaign.action_unschedule()
        self.run_worker()

        self.assertEqual((campaign.status, self.client.get_campaign(campaign.mailchimp_id)["status"]), ("save", "save"))
        self.assertEqual(campaign.operation_ids.mapped("kind"), ["unschedule", "schedule"])

    def replicate_requests(self, campaign):
        path = f"/campaigns/{campaign.mailchimp_id}/actions/replicate"
        return [entry for entry in self.standin.request_log if entry[0] == "POST" and entry[1].endswith(path)]

    def copy_of(self, campaign):
        return self.env["mailchimp.campaign"].search([("title", "=", f"{campaign.title} (copy 01)")])

    def test_a_campaign_is_replicated_by_the_worker_and_imported_with_its_body(self):
        campaign = self.monday_draft("copy")

        action = campaign.action_replicate()

        self.assertEqual(action["tag"], "display_notification")
        self.assertFalse(self.replicate_requests(campaign), "not made from the user's request")
        self.run_worker()
        copy = self.copy_of(campaign)
        self.assertEqual(len(copy), 1)
        self.assertNotEqual(copy.mailchimp_id, campaign.mailchimp_id)
        self.assertEqual(copy.status, "save")
        self.assertEqual((copy.collection_id, copy.content_mode, copy.body_html),
                         (campaign.collection_id, "html", campaign.body_html))
        self.assertIn("*|UNSUB|*", self.remote_html(copy))
        operation = campaign.operation_ids.filtered(lambda op: op.kind == "replicate")
        self.assertEqual(operation.state, "done")
        self.assertIn("copy 01", operation.message)

    def test_a_replicate_pressed_twice_before_the_worker_makes_one_copy(self):
        campaign = self.monday_draft("twice")
        campaign.action_replicate()
        campaign.action_replicate()

        self.run_worker()

        self.assertEqual(len(self.replicate_requests(campaign)), 1)
        self.assertEqual(len(self.copy_of(campaign)), 1)

    def test_a_replicate_whose_worker_was_killed_after_the_call_is_not_made_again(self):
        campaign = self.monday_draft("killed")
        campaign.action_replicate()
        operation = campaign.operation_ids.filtered(lambda op: op.kind == "replicate").sudo()
        operation.write({"state": "running", "attempts": 1, "date_start": fields.Datetime.now()})
        self.client.replicate_campaign(campaign.mailchimp_id)  # the call made, its record lost

        self.run_worker()

        self.assertEqual(len(self.replicate_requests(campaign)), 1, "not made again")
        self.assertEqual((operation.state, operation.attempts), ("done", 1))

    def test_a_replicate_whose_worker_was_killed_before_the_call_is_made(self):
        campaign = self.monday_draft("early")
        campaign.action_replicate()
        operation = campaign.operation_ids.filtered(lambda op: op.kind == "replicate").sudo()
        operation.write({"state": "running", "attempts": 1, "date_start": fields.Datetime.now()})

        self.run_worker()

        self.assertEqual(len(self.replicate_requests(campaign)), 1)
        self.assertEqual(len(self.copy_of(campaign)), 1)
        self.assertEqual((operation.state, operation.attempts), ("done", 2))

    def test_content_designed_in_mailchimp_is_read_back(self):
        campaign = self.monday_draft("designed", content_mode="mailchimp")
        self.assertFalse(self.remote_html(campaign), "nothing is written for a campaign designed in Mailchimp")
        self.assertIn("/campaigns/edit?id=", campaign.action_open_mailchimp_editor()["url"])
        self.client.set_campaign_content(campaign.mailchimp_id, {"html": "<p>Designed there</p>"})

        campaign.action_refresh_content()

        self.assertIn("Designed there", campaign.body_html)
        self.assertEqual(campaign.content_mode, "mailchimp")
        self.assertFalse(campaign.pending_push, "what Mailchimp has is not an edit")

    # ------------------------------------------------------------ the footer

    def test_a_body_with_its_own_footer_gets_none_added(self):
        campaign = self.monday_draft("own", body_html=OWN_FOOTER)

        html = self.remote_html(campaign)
        self.assertEqual(html.count("*|UNSUB|*"), 1, "the sanitizer's escaped pipes are put back, not doubled")
        self.assertNotIn("mailchimp-footer", html)
        self.assertIn("*|LIST:ADDRESSLINE|*", html)

    # ------------------------------------------------------------ the collection the consent check needs

    def test_an_imported_campaign_finds_its_collection_by_its_segment(self):
        collection = self.collection_of("found")
        remote = self.client.create_campaign({
            "type": "regular", "recipients": {"list_id": self.list_id,
                                              "segment_opts": {"saved_segment_id": int(collection.segment_id)}},
            "settings": {"subject_line": "Made in Mailchimp", "from_name": "Acme", "reply_to": "news@acme.pl"}})

        campaign = self.env["mailchimp.campaign"]._import_one(self.audience, remote["id"])

        self.assertEqual((campaign.collection_id, campaign.segment_id), (collection, collection.segment_id))
        self.assertEqual(campaign.content_mode, "mailchimp")
        self.assertEqual(self.dialog(campaign.action_send_dialog()).collection_id, collection)

    def test_a_campaign_to_no_known_collection_is_not_sent_from_odoo(self):
        remote = self.client.create_campaign({
            "type": "regular", "recipients": {"list_id": self.list_id},
            "settings": {"subject_line": "Everyone", "from_name": "Acme", "reply_to": "news@acme.pl"}})
        campaign = self.env["mailchimp.campaign"]._import_one(self.audience, remote["id"])
        requests_before = len(self.standin.request_log)

        with self.assertRaisesRegex(UserError, "collection's segment"):
            campaign.action_send_dialog()
        with self.assertRaisesRegex(UserError, "collection's segment"):
            campaign.action_schedule_dialog()
        self.assertFalse(self.requests_since(requests_before))
        self.assertEqual(self.dialog(campaign.action_send_test_dialog()).state, "created", "a test is possible")

    # ------------------------------------------------------------ rights

    def test_a_user_without_mailchimp_manager_rights_sees_no_button_and_is_refused(self):
        campaign = self.monday_draft("rights")
        arch = self.env["mailchimp.campaign"].with_user(self.mc_user).get_views([(False, "form")])["views"]["form"][
            "arch"]
        for button in ("action_save_to_mailchimp", "action_send_dialog", "action_send_test_dialog",
                       "action_schedule_dialog", "action_replicate", "action_refresh_content"):
            self.assertNotIn(button, arch)
        as_user = campaign.with_user(self.mc_user)
        self.assertFalse(as_user.can_edit_draft, "the settings are read-only for a user")
        requests_before = len(self.standin.request_log)

        for action in (as_user.action_save_to_mailchimp, as_user.action_send_dialog, as_user.action_send_test_dialog,
                       as_user.action_schedule_dialog, as_user.action_replicate, as_user.action_refresh_content,
                       as_user.action_open_mailchimp_editor):
            with self.assertRaises(AccessError):
                action()
        self.assertFalse(self.requests_since(requests_before), "refused before any request")
        self.assertTrue(campaign.can_edit_draft)
