"""A database made by the base revision keeps its data through ``-u mailchimp_sync`` (issue #17).

Runs only in ``tools/test``'s upgrade step (tag ``mailchimp_sync_upgrade``, not
``standard``): that step seeds :data:`.upgrade_seed.SEED` with the base
revision's code, then updates the module and runs this class. Another change
that migrates data adds one test method here (and, when it needs rows the
seed does not make yet, a line to :func:`.upgrade_seed.seed`).
"""
import importlib.util
from pathlib import Path

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .upgrade_seed import SEED


@tagged("-standard", "-at_install", "post_install", "mailchimp_sync_upgrade")
class TestUpgrade(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audience = cls.env["mailchimp.audience"].search([("mailchimp_id", "=", SEED["audience"]["mailchimp_id"])])
        cls.account = cls.audience.account_id.sudo()
        cls.partner = cls.env["res.partner"].search([("email", "=", SEED["partner"]["email"])])

    def assert_values(self, record, expected):
        self.assertEqual({name: record[name] for name in expected}, expected)

    def test_the_mailchimp_account_keeps_its_credentials_and_settings(self):
        self.assertEqual(len(self.audience), 1, "the audience survived")
        self.assert_values(self.account, SEED["mailchimp"])

    def test_serwersms_credentials_are_on_the_companys_serwersms_account(self):
        sms = self.env["mailchimp.sms.account"].sudo().search([("company_id", "=", self.account.company_id.id)])
        self.assert_values(sms, {name.removeprefix("sms_"): value for name, value in SEED["sms"].items()})
        self.assertEqual(sms._credentials().label, SEED["sms"]["sms_username"])

    def test_campaign_monitor_credentials_are_on_the_companys_campaign_monitor_account(self):
        cm = self.env["mailchimp.cm.account"].sudo().search([("company_id", "=", self.account.company_id.id)])
        self.assert_values(cm, {name.removeprefix("cm_"): value for name, value in SEED["cm"].items()})
        self.assertEqual(cm._credentials().client_id, SEED["cm"]["cm_client_id"])

    def test_bindings_runs_and_events_survive(self):
        member = self.env["mailchimp.member"].search([("audience_id", "=", self.audience.id)])
        self.assertEqual(member.partner_id, self.partner)
        self.assert_values(member, SEED["member"])
        run = self.env["mailchimp.sync.run"].search([("audience_id", "=", self.audience.id)])
        self.assert_values(run, SEED["run"])
        event = self.env["mailchimp.webhook.event"].search([("audience_id", "=", self.audience.id)])
        self.assert_values(event, SEED["event"])
        self.assertEqual(event.partner_id, self.partner)

    def test_the_last_pull_time_is_kept(self):
        self.assertEqual(fields.Datetime.to_string(self.audience.last_reconcile), SEED["audience"]["last_reconcile"],
                         "the first pull after the update reads only what changed since the last one")

    def test_existing_customers_get_their_email_identity(self):
        idn = self.env["res.partner"].search([("name", "=", SEED["idn_partner"]["name"])])
        self.assertEqual(idn.mailchimp_email_key, "upgrade@xn--mnchen-3ya.de")
        self.assertEqual(self.partner.mailchimp_email_key, SEED["partner"]["email"])
        two = self.env["res.partner"].search([("name", "=", SEED["two_address_partner"]["name"])])
        self.assertEqual(two.mailchimp_email_key, "second@upgrade-example.com",
                         "a field of several addresses is known by its first valid one")
        self.assertFalse(self.env["res.partner"].with_context(active_test=False).search_count(
            [("email", "!=", False), ("mailchimp_email_key", "=", False)]), "every address has its identity")

    def test_earlier_erasures_get_the_audiences_they_name_in_their_company(self):
        erasure = self.env["mailchimp.consent"].search([("partner_id", "=", self.partner.id), ("state", "=", "erased")])
        offers = self.env["mailchimp.audience"].search([("mailchimp_id", "=", SEED["erased_audience"]["mailchimp_id"])])
        self.assertEqual(erasure.erased_audience_ids, self.audience | offers,
                         "the names of the company's audiences; a name no audience has any more and another "
                         "company's audience of the same name are left out")
        self.assertEqual(self.env["mailchimp.consent"]._erased_audiences(self.partner.id), self.audience | offers)

    def test_a_campaigns_recipients_known_from_its_activity_become_rows(self):
        campaign = self.env["mailchimp.campaign"].search([("mailchimp_id", "=", SEED["campaign"]["mailchimp_id"])])
        recipients = {recipient.email: recipient for recipient in campaign.recipient_ids}
        self.assertEqual(set(recipients), {"upgrade.customer@upgrade-example.com", "reader@upgrade-example.com"})
        customer = recipients["upgrade.customer@upgrade-example.com"]
        self.assertEqual((customer.partner_id, customer.opens_count, customer.bounce_type), (self.partner, 2, False))
        self.assertEqual(recipients["reader@upgrade-example.com"].bounce_type, "hard")
        self.assertEqual(self.partner.mailchimp_campaign_count, 1)
        self.assertFalse(campaign.recipients_complete, "the next import reads who else received it from Mailchimp")

    def test_stored_exclusion_sentences_become_codes_worded_in_the_readers_language(self):
        """18.0.1.4.0's pre-migration, on rows as 18.0.1.3.0 stored them (the base revision had no exclusions)."""
        path = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.4.0" / "pre-exclusion_reason_codes.py"
        spec = importlib.util.spec_from_file_location("mailchimp_sync_pre_exclusion_reason_codes", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        campaign = self.env["mailchimp.campaign"].search([("mailchimp_id", "=", SEED["campaign"]["mailchimp_id"])])
        cr = self.env.cr
        cr.execute("ALTER TABLE mailchimp_campaign_exclusion ADD COLUMN IF NOT EXISTS reason text")
        stored = {
            "box@upgrade-example.com": "No consent in Odoo: the Mailchimp subscription box is unticked; "
                                       "Not subscribed in Mailchimp (status: unsubscribed)",
            "stranger@upgrade-example.com": "Not a customer of the collection in Odoo; "
                                            "Not subscribed in Mailchimp (status: not a member)",
            "odd@upgrade-example.com": "A reason of another kind",
        }
        for email, sentence in stored.items():
            cr.execute("INSERT INTO mailchimp_campaign_exclusion (campaign_id, email, reason) VALUES (%s, %s, %s)",
                       (campaign.id, email, sentence))
        migration.migrate(cr, "18.0.1.3.0")
        self.env.invalidate_all()
        rows = {row.email: row for row in self.env["mailchimp.campaign.exclusion"].search(
            [("campaign_id", "=", campaign.id)])}
        box, stranger, odd = (rows[email] for email in stored)
        self.assertEqual((box.reason_codes, box.mailchimp_status), (["box_unticked", "not_subscribed"], "unsubscribed"))
        self.assertEqual((stranger.reason_codes, stranger.mailchimp_status), (["no_customer", "not_subscribed"], False))
        self.assertEqual(box.reason, stored["box@upgrade-example.com"], "worded as before in English")
        self.assertEqual(stranger.reason, stored["stranger@upgrade-example.com"])
        self.assertEqual(odd.reason, "A reason of another kind", "a sentence the check never wrote is kept")
