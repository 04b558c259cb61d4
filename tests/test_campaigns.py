"""Campaigns and their statistics (#9): import, incremental activity, linking, rights — against the stand-in."""
from datetime import timedelta
from types import SimpleNamespace

import requests
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mailchimp_sync.standins.mailchimp import StandinServer
from odoo.addons.mailchimp_sync.standins.mailchimp.seed import read_seed

from .common import FOOTER_HTML, MailchimpDemoCase, new_list_body
from .sync_common import MailchimpSyncCase

URL = "https://acme-example.com/offer"


@tagged("post_install", "-at_install")
class TestCampaigns(MailchimpSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emails = ["jan@acme-example.com", "maria@acme-example.com", "ola@acme-example.com"]
        cls.client.batch_subscribe(cls.list_id, [
            {"email_address": email, "status_if_new": "subscribed"} for email in cls.emails])
        cls.manager = new_test_user(cls.env, login="cmp_manager",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        cls.mc_user = new_test_user(cls.env, login="cmp_user",
                                    groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        cls.internal = new_test_user(cls.env, login="cmp_internal",
                                     groups="base.group_user,base.group_partner_manager")

    # ------------------------------------------------------------ helpers

    def send_campaign(self, title, list_id=None, send=True):
        campaign = self.client.request("POST", "campaigns", json_body={
            "type": "regular", "recipients": {"list_id": list_id or self.list_id},
            "settings": {"subject_line": f"{title}!", "title": title, "from_name": "Acme",
                         "reply_to": "news@acme-example.com"}})
        self.client.request("PUT", f"campaigns/{campaign['id']}/content",
                            json_body={"html": f"<p>Hi</p>{FOOTER_HTML}"})
        if send:
            self.client.request("POST", f"campaigns/{campaign['id']}/actions/send")
        return campaign["id"]

    def activity(self, campaign_id, email, action, **extra):
        """Someone opens, clicks or bounces, through the stand-in's control route."""
        response = requests.post(f"{self.standin.root_url}/_standin/campaigns/{campaign_id}/activity",
                                 json={"email": email, "action": action, **extra}, timeout=10)
        self.assertEqual(response.status_code, 200, response.text)

    def campaign(self, mailchimp_id):
        return self.env["mailchimp.campaign"].search([("mailchimp_id", "=", mailchimp_id)])

    def requests_to(self, fragment, since=0):
        return [entry for entry in self.standin.request_log[since:] if fragment in entry[1]]

    def import_now(self, button=None):
        """Press “Import campaigns” (the list's, by default), then run the scheduled job that imports them."""
        action = (button or self.env["mailchimp.campaign"].action_import_campaigns)()
        self.assertEqual(action["params"]["title"], "Import queued")
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_import_campaigns").method_direct_trigger()

    # ------------------------------------------------------------ scenarios

    def test_import_brings_campaigns_with_the_statistics_of_mailchimps_report(self):
        sent_id = self.send_campaign("Spring offer")
        draft_id = self.send_campaign("Summer draft", send=False)
        for _ in range(2):
            self.activity(sent_id, "jan@acme-example.com", "open")
        self.activity(sent_id, "jan@acme-example.com", "click", url=URL)
        self.activity(sent_id, "maria@acme-example.com", "open")
        self.activity(sent_id, "ola@acme-example.com", "bounce", type="soft")
        self.import_now()
        self.assertRegex(self.audience.campaign_import_result, r"^\d+ new campaigns, \d+ updated")
        self.assertFalse(self.audience.campaign_import_requested)
        campaign, draft = self.campaign(sent_id), self.campaign(draft_id)
        self.assertEqual((draft.status, draft.send_time, draft.emails_sent), ("save", False, 0))
        self.assertEqual((campaign.title, campaign.subject, campaign.status, campaign.type, campaign.audience_id),
                         ("Spring offer", "Spring offer!", "sent", "regular", self.audience))
        self.assertTrue(campaign.url.startswith("http://eepurl.com/"))
        report = self.client.get_campaign_report(sent_id)
        self.assertEqual(
            (campaign.emails_sent, campaign.opens_total, campaign.unique_opens, campaign.clicks_total,
             campaign.unique_clicks, campaign.unsubscribed, campaign.hard_bounces, campaign.soft_bounces,
             campaign.abuse_reports),
            (report["emails_sent"], report["opens"]["opens_total"], report["opens"]["unique_opens"],
             report["clicks"]["clicks_total"], report["clicks"]["unique_clicks"], report["unsubscribed"],
             report["bounces"]["hard_bounces"], report["bounces"]["soft_bounces"], report["abuse_reports"]))
        self.assertEqual((campaign.emails_sent, campaign.opens_total, campaign.soft_bounces), (3, 3, 1))
        self.assertAlmostEqual(campaign.open_rate, report["opens"]["open_rate"] * 100, places=1)
        self.assertAlmostEqual(campaign.click_rate, report["clicks"]["click_rate"] * 100, places=1)
        recipients = {r.email: r for r in campaign.recipient_ids}
        jan = recipients["jan@acme-example.com"]
        self.assertEqual((jan.opens_count, jan.clicks_count, jan.urls), (2, 1, URL))
        self.assertTrue(jan.first_open and jan.first_open <= jan.last_open)
        self.assertEqual(recipients["ola@acme-example.com"].bounce_type, "soft")
        self.assertEqual(len(campaign.activity_ids), 5)
        # the audience's button reads the same, and charts group rates per month
        self.import_now(self.audience.with_user(self.manager).action_import_campaigns)
        groups = self.env["mailchimp.campaign"].read_group(
            [("id", "=", campaign.id)], ["open_rate:avg", "click_rate:avg"], ["send_time:month"])
        self.assertAlmostEqual(groups[0]["open_rate"], campaign.open_rate)

    def test_activity_import_is_incremental_and_idempotent(self):
        sent_id = self.send_campaign("Weekly news")
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.import_now()
        campaign = self.campaign(sent_id)
        self.assertEqual(len(campaign.activity_ids), 1)
        before = len(self.standin.request_log)
        self.import_now()
        self.assertEqual(len(campaign.activity_ids), 1, "a second import adds nothing")
        activity_calls = self.requests_to(f"/reports/{sent_id}/email-activity", before)
        self.assertTrue(activity_calls and all(call[2].get("since") for call in activity_calls),
                        f"the second import asks only for what is new: {activity_calls}")
        self.standin.store.advance_clock(120)
        self.activity(sent_id, "maria@acme-example.com", "click", url=URL)
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.import_now()
        self.import_now()
        self.assertEqual(sorted(campaign.activity_ids.mapped("action")), ["click", "open", "open"])
        self.assertEqual(campaign.recipient_ids.filtered(lambda r: r.email == "jan@acme-example.com").opens_count, 2)
        self.assertEqual((campaign.opens_total, campaign.clicks_total), (2, 1))

    def test_recipients_come_from_the_sent_to_report_with_what_each_did(self):
        self.client.batch_subscribe(self.list_id, [{"email_address": "una@acme-example.com",
                                                    "status_if_new": "subscribed"}])
        sent_id = self.send_campaign("Who got it")
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.activity(sent_id, "jan@acme-example.com", "click", url=URL)
        self.activity(sent_id, "ola@acme-example.com", "bounce", type="soft")
        response = requests.post(f"{self.standin.root_url}/_standin/lists/{self.list_id}/actions/unsubscribe",
                                 json={"email": "una@acme-example.com", "campaign_id": sent_id}, timeout=10)
        self.assertEqual(response.status_code, 200, response.text)
        before = len(self.standin.request_log)
        self.import_now()
        self.assertEqual(len(self.requests_to(f"/reports/{sent_id}/sent-to", before)), 1)
        campaign = self.campaign(sent_id)
        remote = self.standin.store.campaigns[sent_id]
        received = {self.standin.store.audiences[self.list_id].members[h].email_address for h in remote.sent_to}
        self.assertTrue(campaign.recipients_complete)
        self.assertEqual(set(campaign.recipient_ids.mapped("email")), received, "everyone it was sent to")
        self.assertEqual(campaign.received_count, len(received))
        openers = {a.email_address for a in remote.activity if a.action == "open"}
        bounced = {a.email_address for a in remote.activity if a.action == "bounce"}
        self.assertEqual(campaign.not_opened_count, len(received - openers - bounced))
        recipients = {r.email: r for r in campaign.recipient_ids}
        self.assertEqual((recipients["jan@acme-example.com"].opens_count, recipients["jan@acme-example.com"].urls),
                         (1, URL))
        self.assertEqual(recipients["ola@acme-example.com"].bounce_type, "soft")
        una = recipients["una@acme-example.com"]
        self.assertTrue(una.unsubscribed and una.unsubscribe_time and una.not_opened)
        self.assertFalse(recipients["maria@acme-example.com"].unsubscribed)
        # “Received, not opened” is one click on the campaign, for a user without Mailchimp rights too
        action = campaign.with_user(self.mc_user).with_context(recipients_filter="not_opened").action_view_recipients()
        self.assertEqual(action["context"], {"search_default_not_opened": 1})
        Recipient = self.env["mailchimp.campaign.recipient"].with_user(self.mc_user)
        follow_up = Recipient.search(action["domain"] + [("not_opened", "=", True)])
        self.assertEqual(set(follow_up.mapped("email")), received - openers - bounced)
        self.assertIn("maria@acme-example.com", follow_up.mapped("email"))
        self.assertIn("una@acme-example.com", follow_up.mapped("email"))
        self.assertEqual(Recipient.search_count(action["domain"] + [("not_opened", "=", False)]),
                         len(openers | bounced))
        # Mailchimp's list of recipients is final once sent: a second import does not read it again
        self.standin.store.advance_clock(120)
        self.activity(sent_id, "maria@acme-example.com", "open")
        before = len(self.standin.request_log)
        self.import_now()
        self.assertEqual(self.requests_to(f"/reports/{sent_id}/sent-to", before), [])
        self.assertFalse(recipients["maria@acme-example.com"].not_opened, "the activity import keeps it current")
        self.assertEqual(campaign.not_opened_count, len(received - openers - bounced) - 1)

    def test_activity_of_more_than_a_thousand_recipients_is_paged(self):
        list_id = self.client.create_list(new_list_body("Big campaign"))["id"]
        for start in range(0, 1200, 500):
            self.client.batch_subscribe(list_id, [
                {"email_address": f"reader{n}@acme-example.com", "status_if_new": "subscribed"}
                for n in range(start, min(start + 500, 1200))])
        self.env["mailchimp.audience"].action_refresh_audiences()
        big = self.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        sent_id = self.send_campaign("Big one", list_id=list_id)
        for n in (3, 1150):
            self.standin.store.record_activity(sent_id, f"reader{n}@acme-example.com", "open")
        before = len(self.standin.request_log)
        self.import_now(big.action_import_campaigns)
        pages = self.requests_to(f"/reports/{sent_id}/email-activity", before)
        self.assertEqual([(call[2]["count"], call[2]["offset"]) for call in pages], [("1000", "0"), ("1000", "1000")])
        pages = self.requests_to(f"/reports/{sent_id}/sent-to", before)
        self.assertEqual([(call[2]["count"], call[2]["offset"]) for call in pages], [("1000", "0"), ("1000", "1000")])
        campaign = self.campaign(sent_id)
        self.assertEqual(campaign.emails_sent, 1200)
        self.assertEqual(sorted(campaign.activity_ids.mapped("email")),
                         ["reader1150@acme-example.com", "reader3@acme-example.com"])
        self.assertEqual((campaign.received_count, campaign.not_opened_count), (1200, 1198))
        before = len(self.standin.request_log)
        self.import_now(big.action_import_campaigns)
        self.assertEqual(len(campaign.activity_ids), 2)
        self.assertEqual(self.requests_to(f"/reports/{sent_id}/sent-to", before), [], "read once, when sent")

    def test_reports_are_frozen_thirty_days_after_sending(self):
        sent_id = self.send_campaign("Old news")
        self.import_now()
        campaign = self.campaign(sent_id)
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.import_now()  # within 30 days: read again
        self.assertEqual(campaign.opens_total, 1)
        campaign.last_report = campaign.send_time + timedelta(days=31)  # as if read after the 30 days
        before = len(self.standin.request_log)
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.import_now()
        self.assertEqual(self.requests_to(f"/reports/{sent_id}", before), [], "frozen: not asked again")
        self.assertEqual((campaign.opens_total, len(campaign.activity_ids)), (1, 1))

    def test_activity_is_linked_when_the_customer_appears(self):
        known = self.env["res.partner"].create({"name": "Jan", "email": "Jan@Acme-Example.com"})
        sent_id = self.send_campaign("Welcome")
        self.activity(sent_id, "jan@acme-example.com", "open")
        self.activity(sent_id, "maria@acme-example.com", "open")
        self.activity(sent_id, "ola@acme-example.com", "click", url=URL)
        self.import_now()
        campaign = self.campaign(sent_id)
        by_email = {a.email: a for a in campaign.activity_ids}
        self.assertEqual(by_email["jan@acme-example.com"].partner_id, known)
        self.assertFalse(by_email["maria@acme-example.com"].partner_id)
        maria = self.env["res.partner"].create({"name": "Maria", "email": "maria@acme-example.com"})
        self.assertEqual(by_email["maria@acme-example.com"].partner_id, maria)
        ola = self.env["res.partner"].create({"name": "Ola"})
        ola.email = "ola@acme-example.com"
        self.assertEqual(by_email["ola@acme-example.com"].partner_id, ola)
        ola_hash = self.standin.store.find_member(self.standin.store.audiences[self.list_id], ola.email).id
        received = [c for c in self.standin.store.campaigns.values() if ola_hash in c.sent_to]
        self.assertEqual(ola.with_user(self.mc_user).mailchimp_campaign_count, len(received),
                         "every campaign Ola received, whatever Ola did with it")
        action = ola.with_user(self.mc_user).action_view_mailchimp_campaigns()
        recipient = self.env["mailchimp.campaign.recipient"].with_user(self.mc_user).search(
            action["domain"] + [("campaign_id", "=", campaign.id)])
        self.assertEqual((recipient.clicks_count, recipient.urls), (1, URL))

    def test_a_new_address_gets_its_activity_and_receipts_found_in_one_statement(self):
        campaign = self.env["mailchimp.campaign"].create({"mailchimp_id": "linking42", "audience_id": self.audience.id})
        address = "zoe@acme-example.com"
        activity = self.env["mailchimp.campaign.activity"].create({
            "campaign_id": campaign.id, "email": address, "email_normalized": address, "action": "open",
            "timestamp": "2026-11-30 10:00:00", "activity_key": "zoe-open"})
        receipt = self.env["mailchimp.campaign.recipient"].create(
            {"campaign_id": campaign.id, "email": address, "email_normalized": address})
        elsewhere = self.env["res.company"].create({"name": "Elsewhere"})
        self.env["res.partner"].create({"name": "Zoe elsewhere", "email": address, "company_id": elsewhere.id})
        self.assertFalse(activity.partner_id or receipt.partner_id, "another company's customer gets none of them")
        zoe = self.env["res.partner"].create({"name": "Zoe", "email": address.upper()})
        self.assertEqual((activity.partner_id, receipt.partner_id), (zoe, zoe))
        self.assertEqual(zoe.mailchimp_campaign_count, 1)
        later = self.env["res.partner"].create({"name": "Zoe again", "email": address})
        activity.partner_id = receipt.partner_id = False
        self.env["mailchimp.campaign.activity"]._link_partners(later)
        self.assertEqual((activity.partner_id, receipt.partner_id), (zoe, zoe), "the oldest customer of the address")
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.env["mailchimp.campaign.activity"]._link_partners(later)  # nothing left to link: one statement

    def test_the_campaign_webhook_refreshes_that_campaign(self):
        sent_id = self.send_campaign("Flash sale")
        self.activity(sent_id, "jan@acme-example.com", "open")
        outcome = self.audience._on_campaign_event(SimpleNamespace(campaign_id=sent_id, campaign_status="sent"))
        self.assertIn("statistics refreshed", outcome)
        self.assertEqual(self.campaign(sent_id).opens_total, 1)
        outcome = self.audience._on_campaign_event(SimpleNamespace(campaign_id="nope42", campaign_status="sent"))
        self.assertIn("nope42", outcome)

    def test_the_hourly_job_imports_every_connected_audience(self):
        sent_id = self.send_campaign("By the cron")
        self.env["mailchimp.campaign"]._cron_import_campaigns()
        self.assertEqual(self.campaign(sent_id).status, "sent")

    def test_import_campaigns_only_queues_and_the_scheduled_job_imports(self):
        sent_id = self.send_campaign("Queued offer")
        before = len(self.standin.request_log)
        self.audience.with_user(self.manager).action_import_campaigns()
        self.assertEqual(self.standin.request_log[before:], [], "the button asks Mailchimp nothing")
        self.assertTrue(self.audience.campaign_import_requested)
        self.assertFalse(self.campaign(sent_id))
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_import_campaigns").method_direct_trigger()
        self.assertEqual(self.campaign(sent_id).title, "Queued offer")
        self.assertFalse(self.audience.campaign_import_requested)

    def test_only_managers_import_and_refused_calls_ask_mailchimp_nothing(self):
        sent_id = self.send_campaign("Rights")
        for user in (self.internal, self.mc_user):
            before = len(self.standin.request_log)
            with self.assertRaises(AccessError):
                self.env["mailchimp.campaign"].with_user(user).action_import_campaigns()
            with self.assertRaises(AccessError):
                self.audience.with_user(user).action_import_campaigns()
            with self.assertRaises(AccessError):
                self.env["mailchimp.campaign"].with_user(user)._import_one(self.audience, sent_id)
            self.assertEqual(self.standin.request_log[before:], [], f"{user.login} reached Mailchimp")
        with self.assertRaises(AccessError):
            self.env["mailchimp.campaign"].with_user(self.internal).search([])
        self.import_now(self.env["mailchimp.campaign"].with_user(self.manager).action_import_campaigns)
        campaign = self.env["mailchimp.campaign"].with_user(self.mc_user).search([("mailchimp_id", "=", sent_id)])
        self.assertEqual(campaign.title, "Rights")
        with self.assertRaises(AccessError):
            campaign.write({"title": "Changed"})


@tagged("post_install", "-at_install")
class TestCampaignsDemo(MailchimpDemoCase):
    """What ``tools/run`` shows: the demo account's sent campaigns, imported after the first sync."""

    def start_demo(self):
        """tools/run's steps: the first sync, then the campaigns."""
        audience, run = self.sync_demo_audience()
        self.assertEqual(run.state, "done")
        return audience, audience._import_campaigns()

    def test_demo_campaigns_fill_the_lists_charts_and_customers(self):
        audience, counts = self.start_demo()
        Campaign = self.env["mailchimp.campaign"]
        sent = Campaign.search([("audience_id", "=", audience.id), ("status", "=", "sent")])
        self.assertEqual((counts["new"], len(sent), audience.campaign_count), (8, 7, 8))
        client = self.account._client()
        for campaign in sent:
            report = client.get_campaign_report(campaign.mailchimp_id)
            with self.subTest(campaign=campaign.title):
                self.assertEqual(
                    (campaign.emails_sent, campaign.opens_total, campaign.unique_opens, campaign.clicks_total,
                     campaign.unsubscribed, campaign.hard_bounces, campaign.soft_bounces),
                    (report["emails_sent"], report["opens"]["opens_total"], report["opens"]["unique_opens"],
                     report["clicks"]["clicks_total"], report["unsubscribed"], report["bounces"]["hard_bounces"],
                     report["bounces"]["soft_bounces"]))
                self.assertEqual(len(campaign.activity_ids), campaign.opens_total + campaign.clicks_total
                                 + campaign.hard_bounces + campaign.soft_bounces)
        months = Campaign.read_group([("status", "=", "sent")], ["open_rate:avg", "click_rate:avg"],
                                     ["send_time:month"])
        self.assertGreaterEqual(len(months), 3, "the chart has a bar per month")
        self.assertTrue(all(month["open_rate"] > month["click_rate"] > 0 for month in months), months)
        activity = sent.activity_ids
        self.assertEqual(set(activity.mapped("action")), {"open", "click", "bounce"})
        clicks = activity.filtered(lambda event: event.action == "click")
        self.assertTrue(all(url and url.startswith("https://acme-demo.pl/") for url in clicks.mapped("url")))
        demo_customers = self.env.ref("base.res_partner_1") | self.env.ref("base.res_partner_2") \
            | self.env.ref("base.res_partner_3") | self.env.ref("base.res_partner_12")
        self.assertEqual(activity.partner_id, demo_customers, "only the demo customers are customers")
        self.assertFalse(activity.filtered(lambda a: a.email == "jan.kowalski@acme-demo.pl").partner_id,
                         "activity of an address that is no customer is kept by email")
        wood = self.env.ref("base.res_partner_1")
        self.assertEqual(wood.mailchimp_campaign_count, 7)
        received = self.env["mailchimp.campaign.recipient"].search(wood.action_view_mailchimp_campaigns()["domain"])
        self.assertEqual(len(received), 7)
        self.assertIn("https://acme-demo.pl/showroom", "\n".join(filter(None, received.mapped("urls"))))
        store = self.standin.store
        for customer in demo_customers:
            with self.subTest(customer=customer.name):
                got = [c for c in store.campaigns.values() if c.status == "sent" and any(
                    store.audiences[c.recipients["list_id"]].members[h].email_address.lower()
                    == customer.email.lower() for h in c.sent_to)]
                self.assertEqual(customer.mailchimp_campaign_count, len(got), "every campaign it received")
                action = customer.action_view_mailchimp_campaigns()
                got_ids = {campaign.id for campaign in got}
                self.assertEqual(self.env["mailchimp.campaign.recipient"].search(action["domain"]).campaign_id,
                                 sent.filtered(lambda c, ids=got_ids: c.mailchimp_id in ids))
        deco = self.env.ref("base.res_partner_2")
        self.assertEqual(deco.mailchimp_campaign_count, 7, "Deco Addict received all seven, opened or not")
        autumn = sent.filtered(lambda c: c.title == "Autumn collection")
        self.assertEqual(autumn.recipient_ids.partner_id, demo_customers)
        self.assertEqual(autumn.received_count, autumn.emails_sent)
        self.assertEqual(sum(sent.mapped("received_count")), sum(sent.mapped("emails_sent")))

    def test_a_restarted_demo_imports_nothing_twice(self):
        """tools/run restarts the stand-in on the day the database was made: same campaigns, same times."""
        audience, counts = self.start_demo()
        added = self.env["mailchimp.campaign.activity"].search_count([])
        self.assertEqual(counts["activity"], added)
        seed = {**read_seed(self.standin_seed), "anchor": self.standin.store.now().date().isoformat()}
        with StandinServer(seed=seed) as restarted:
            self.connect_account(self.env.company, restarted)
            self.env["mailchimp.campaign"].action_import_campaigns()
            self.env.ref("mailchimp_sync.ir_cron_mailchimp_import_campaigns").method_direct_trigger()
        self.assertIn("0 new campaigns, 0 updated", audience.campaign_import_result)
        self.assertEqual(self.env["mailchimp.campaign.activity"].search_count([]), added)
