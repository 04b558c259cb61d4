"""Mailchimp's send checklist before a campaign is sent (#20), against the stand-in.

The body is set in Mailchimp (the stand-in) so that what is tested is Mailchimp's rule,
whatever Odoo adds to a body written in Odoo.
"""
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import FOOTER_HTML
from .sync_common import MailchimpSyncCase
from .test_collection_campaigns import CollectionCampaignScenario


@tagged("post_install", "-at_install")
class TestSendChecklist(CollectionCampaignScenario, MailchimpSyncCase):

    def campaign_designed_in_mailchimp(self, prefix, html):
        """A campaign to a collection of one subscribed customer, its body set in Mailchimp to ``html``."""
        customer = self.customer(prefix, f"{prefix}@acme-example.com")
        self.sync()
        collection = self.env["mailchimp.collection"].create({
            "name": prefix, "audience_id": self.audience.id, "partner_ids": [(6, 0, customer.ids)]})
        self.sync_collection(collection)
        action = collection.action_new_campaign()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.subject = "Autumn offer"
        form.content_mode = "mailchimp"
        wizard = form.save()
        wizard.action_create_campaign()
        self.set_body(wizard, html)
        return wizard

    def set_body(self, wizard, html):
        self.client.set_campaign_content(wizard.campaign_id.mailchimp_id, {"html": html})

    def operations(self, wizard):
        return self.env["mailchimp.remote.operation"].sudo().search([("campaign_id", "=", wizard.campaign_id.id),
                                                                     ("kind", "in", ("send", "schedule"))])

    def test_a_body_without_footer_is_refused_in_mailchimps_words_and_sent_once_it_has_one(self):
        wizard = self.campaign_designed_in_mailchimp("nofooter", "<p>Hello!</p>")

        wizard.action_check()
        self.assertIn("not ready", wizard.checklist_html)
        self.assertIn("Missing unsubscribe link", wizard.checklist_html)
        self.assertIn("Missing postal address", wizard.checklist_html)
        self.assertEqual(wizard.check_summary, "1 of 1 will receive it, 0 excluded", "the consent check still shows")
        with self.assertRaisesRegex(UserError, r"Mailchimp will not send .*Missing unsubscribe link"):
            wizard.action_confirm()
        self.assertFalse(self.operations(wizard), "nothing queued")
        self.assertFalse(self.send_requests(wizard))

        self.set_body(wizard, f"<p>Hello!</p>{FOOTER_HTML}")  # the author adds the footer in Mailchimp
        wizard.action_confirm()
        self.run_worker()

        self.assertEqual((wizard.operation_kind, wizard.operation_state), ("send", "done"))
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "sent")

    def test_a_ready_campaign_shows_the_checklist_ready_with_its_warnings(self):
        wizard = self.campaign_designed_in_mailchimp("ready", f"<p>Hello!</p>{FOOTER_HTML}")

        wizard.action_check()

        self.assertIn("ready to send", wizard.checklist_html)
        self.assertIn("No preview text", wizard.checklist_html, "a warning is shown and does not block")
        wizard.action_confirm()
        self.assertEqual(wizard.operation_state, "queued")

    def test_the_worker_records_mailchimps_refusal_and_does_not_retry_it(self):
        wizard = self.campaign_designed_in_mailchimp("changed", f"<p>Hello!</p>{FOOTER_HTML}")
        wizard.action_check()
        wizard.action_confirm()
        self.set_body(wizard, "<p>Hello!</p>")  # the footer removed in Mailchimp after the confirmation

        self.run_worker()
        self.run_worker()

        operation = wizard.operation_id.sudo()
        self.assertEqual((operation.state, operation.attempts), ("failed", 1), "a refusal is not retried")
        self.assertIn("Your Campaign is not ready to send.", operation.message)
        self.assertIn("Missing unsubscribe link", operation.message)
        self.assertEqual(len(self.send_requests(wizard)), 1)
        self.assertFalse(operation.open_key, "a new send may be asked for once it is fixed")
        self.assertEqual(self.client.get_campaign(wizard.campaign_id.mailchimp_id)["status"], "save")

    def test_a_user_without_manager_rights_is_refused_before_any_request(self):
        wizard = self.campaign_designed_in_mailchimp("rights", f"<p>Hello!</p>{FOOTER_HTML}")
        calls_before = len(self.standin.request_log)

        with self.assertRaises(AccessError):
            wizard.campaign_id.with_user(self.mc_user)._send_checklist()
        with self.assertRaises(AccessError):
            wizard.with_user(self.mc_user).action_check()

        self.assertEqual(len(self.standin.request_log), calls_before)

    def test_a_checklist_mailchimp_does_not_give_is_a_clear_message(self):
        wizard = self.campaign_designed_in_mailchimp("broken", f"<p>Hello!</p>{FOOTER_HTML}")
        for status in (404, 500):
            self.standin.faults.add(status=status, path_contains="/send-checklist", times=None)
            with self.assertRaisesRegex(UserError, "Odoo could not read Mailchimp's send checklist"):
                wizard.action_check()
            with self.assertRaisesRegex(UserError, "Odoo could not read Mailchimp's send checklist"):
                wizard.action_confirm()
            self.standin.faults.clear()
        self.assertFalse(self.operations(wizard), "nothing queued")
        self.assertEqual(wizard.state, "created")
