"""Audience → SerwerSMS group (issue #11), in Odoo against both stand-ins (Mailchimp and SerwerSMS)."""
import re
import time
import urllib.parse

from odoo.addons.mailchimp_sync.mailchimp_sync.serwersms import SmsCredentials
from odoo.addons.mailchimp_sync.standins.serwersms import SmsStandinServer
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .sync_common import MailchimpSyncCase

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
QUIET = ("odoo.addons.mailchimp_sync.models.mailchimp_sms_group", "odoo.addons.mailchimp_sync.models.mailchimp_sms_change",
         "odoo.addons.mailchimp_sync.mailchimp_sync.serwersms")

# The audience's subscribed members: (email, PHONE merge field); who is imported and why not.
MEMBERS = [
    ("anna@acme-example.com", "+48 500 600 701"),     # with +48 and blanks
    ("bartek@acme-example.com", "500600702"),         # national: the company's country (Poland) reads it
    ("celina@acme-example.com", "500-600-703"),       # dashes
    ("darek@acme-example.com", "0048 500 600 704"),  # international prefix
    ("ewa@acme-example.com", "+48 500 600 705"),      # on the gateway's blacklist: refused by SerwerSMS
    ("filip@acme-example.com", "+48 22 123 45 67"),   # Warsaw landline: no SMS
    ("gosia@acme-example.com", ""),                   # no number at all
    ("henryk@acme-example.com", "12345"),             # not a number
]
IMPORTED = ["+48500600701", "+48500600702", "+48500600703", "+48500600704"]


def member_items():
    return [{"email_address": email, "status_if_new": "subscribed",
             "merge_fields": {"FNAME": email.split("@")[0].capitalize(), "LNAME": "Test", "PHONE": phone}}
            for email, phone in MEMBERS]


@tagged("post_install", "-at_install")
class TestSmsGroups(MailchimpSyncCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = SmsStandinServer().start()
        cls.addClassCleanup(cls.gateway.stop)
        cls.env.company.country_id = cls.env.ref("base.pl")
        cls.sms_account = cls.env["mailchimp.sms.account"]._for_company(create=True)
        cls.sms_account._connect(SmsCredentials.from_token(cls.gateway.token, base_url=cls.gateway.base_url))
        cls.client.batch_subscribe(cls.list_id, member_items())
        cls.client.batch_subscribe(cls.list_id, [{"email_address": "gone@acme-example.com", "status_if_new":
                                                  "unsubscribed", "merge_fields": {"PHONE": "+48500600799"}}])

    def setUp(self):
        """Both stand-ins outlive a test's transaction: each test starts from the same audience and an empty gateway."""
        super().setUp()
        self.gateway.reset()
        self.gateway.store.blacklist.add("+48500600705")
        for member in self.client.iter_members(self.list_id, status="subscribed"):
            if member["email_address"] not in dict(MEMBERS):
                self.client.archive_member(self.list_id, member["email_address"])
        for email, _phone in MEMBERS:
            self.standin.store.user_subscribe(self.list_id, email)
        self.client.batch_subscribe(self.list_id, member_items())
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.audience.invalidate_recordset(["webhook_url"])

    # ------------------------------------------------------------ helpers

    def start(self, audience=None, chunk=2, page=3):
        """Press "Start sync", then run the scheduled job with small chunks and pages."""
        audience = audience or self.audience
        audience.action_sms_start_sync()
        group = audience.sms_group_ids[:1]
        self.run_job(chunk=chunk, page=page)
        return group

    def run_job(self, chunk=2, page=3):
        with mute_logger(*QUIET):
            self.env["mailchimp.sms.group"].with_context(
                mailchimp_sms_chunk_size=chunk, mailchimp_sms_page_size=page)._cron_run()
        self.env.invalidate_all()

    def in_gateway(self, group):
        """``{email: phone}`` of the group at SerwerSMS (and no one twice)."""
        contacts = self.gateway.store.contacts_of(group.gateway_group_id)
        keys = [(contact["email"], contact["phone"]) for contact in contacts]
        self.assertEqual(len(keys), len(set(keys)), "nobody is in the group twice")
        return dict(keys)

    def webhook(self, event_type, email, fired_at="2026-11-27 10:00:00", **data):
        pairs = [("type", event_type), ("fired_at", fired_at), ("data[list_id]", self.list_id)]
        if email:
            pairs.append(("data[email]", email))
        pairs += [(f"data[{key}]", value) for key, value in data.items()]
        self.env.flush_all()
        response = self.url_open(self.audience.webhook_url, data=urllib.parse.urlencode(pairs), headers=FORM)
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200)
        return response

    def live_group(self):
        group = self.start()
        self.assertEqual(group.state, "done")
        self.gateway.request_log.clear()
        return group

    def process(self):
        """The live changes, then the contacts they add or delete (the journal's worker)."""
        with mute_logger(*QUIET):
            self.env["mailchimp.sms.change"]._process_queue()
            self.env["mailchimp.remote.operation"]._cron_process()
        self.env.invalidate_all()

    def new_subscriber_queued(self, group, email="ivo@acme-example.com", phone="+48 600 200 300"):
        """A new subscriber's change handled: its add is queued in the journal, the gateway not called yet."""
        self.standin.store.user_subscribe(self.list_id, email, merges={"FNAME": "Ivo", "PHONE": phone})
        self.webhook("subscribe", email, **{"merges][PHONE": phone})
        with mute_logger(*QUIET):
            self.env["mailchimp.sms.change"]._process_queue()
        self.env.invalidate_all()
        row = group.contact_ids.filtered(lambda row: row.email == email)
        operation = row.operation_ids
        self.assertEqual((row.state, operation.kind, operation.state, operation.service),
                         ("adding", "sms_contact_add", "queued", "serwersms"))
        self.assertEqual(self.gateway.calls(), [])
        return row, operation

    # ------------------------------------------------------------ connection

    def test_verify_saves_only_what_the_gateway_accepts(self):
        Wizard = self.env["mailchimp.sms.connect.wizard"]
        account = self.sms_account
        wizard = Wizard.create({"account_id": account.id, "auth_method": "login", "username": "api_user",
                                "password": "wrong", "base_url": self.gateway.base_url})
        action = wizard.action_verify_and_save()
        self.assertEqual(action["res_model"], "mailchimp.sms.connect.wizard", "the dialog stays open")
        self.assertEqual(wizard.error, "SerwerSMS refused the credentials: SerwerSMS error 1001, InvalidUser: "
                                       "Incorrect login or password.")
        self.assertFalse(wizard.password, "the refused password is kept nowhere")
        self.assertEqual((account.auth_method, account.username, account.password),
                         ("token", False, False), "nothing stored")
        self.assertEqual(account.token, self.gateway.token)
        wizard = Wizard.create({"account_id": account.id, "auth_method": "token", "token": "  ",
                                "base_url": self.gateway.base_url})
        calls = len(self.gateway.calls())
        wizard.action_verify_and_save()
        self.assertEqual(wizard.error, "The SerwerSMS API token is empty.")
        self.assertEqual(len(self.gateway.calls()), calls, "an empty token is refused without asking the gateway")

        user, password = self.gateway.user
        wizard = Wizard.create({"account_id": account.id, "auth_method": "login", "username": user,
                                "password": password, "base_url": self.gateway.base_url})
        action = wizard.action_verify_and_save()
        self.assertEqual(action["params"]["message"], "SerwerSMS account verified: api_user")
        self.assertEqual((account.auth_method, account.username, account.account_name),
                         ("login", "api_user", "api_user"))
        self.assertFalse(wizard.password)

    def test_only_system_administrators_connect_and_before_any_call(self):
        manager = new_test_user(self.env, login="sms_manager",
                                groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        calls = len(self.gateway.calls())
        with self.assertRaises(AccessError):
            self.sms_account.with_user(manager)._connect(
                SmsCredentials.from_token(self.gateway.token, base_url=self.gateway.base_url))
        with self.assertRaises(AccessError):
            self.sms_account.with_user(manager).action_open_connect_wizard()
        with self.assertRaises(AccessError):
            self.sms_account.with_user(manager).action_disconnect()
        with self.assertRaises(AccessError):
            self.sms_account.with_user(manager).read(["token"])
        self.assertEqual(len(self.gateway.calls()), calls)

    # ------------------------------------------------------------ start sync

    def test_start_sync_imports_the_subscribed_members_with_a_mobile_number_in_chunks(self):
        mailchimp_calls, gateway_calls = len(self.standin.request_log), len(self.gateway.calls())
        action = self.audience.action_sms_start_sync()
        group = self.audience.sms_group_ids
        self.assertEqual(action["params"]["title"], "SMS sync queued")
        self.assertRegex(group.name, r"^MC_Customers_\d{8}_\d{6}$")
        self.assertEqual(group.status_text, "Ready to sync")
        self.assertEqual((len(self.standin.request_log), len(self.gateway.calls())), (mailchimp_calls, gateway_calls),
                         "the button only queues: the scheduled job creates the group and fills it")
        self.run_job(chunk=2, page=3)
        self.assertEqual(self.gateway.store.group_by_name(group.name)["id"], group.gateway_group_id)
        self.assertEqual(group.status_text, "Sync finished")
        self.assertTrue(group.date_done and group.live)
        self.assertEqual((group.members_total, group.imported_count, group.rejected_count, group.no_phone_count),
                         (8, 4, 1, 3))
        self.assertEqual(sorted(self.in_gateway(group).values()), IMPORTED)
        self.assertEqual(len(self.gateway.calls("contacts/import")), 3, "5 numbers sent in chunks of 2")
        self.assertEqual(self.in_gateway(group)["anna@acme-example.com"], "+48500600701")
        rows = {row.email: row for row in group.contact_ids}
        self.assertNotIn("gone@acme-example.com", rows, "unsubscribed members are not read")
        self.assertEqual((rows["ewa@acme-example.com"].state, rows["filip@acme-example.com"].state,
                          rows["gosia@acme-example.com"].state, rows["henryk@acme-example.com"].state),
                         ("rejected", "no_phone", "no_phone", "no_phone"))
        self.assertIn("landline", rows["filip@acme-example.com"].reason)
        self.assertEqual(rows["henryk@acme-example.com"].reason, "Not a valid phone number")
        self.assertTrue(all(row.gateway_contact_id for row in group.contact_ids if row.state == "imported"))

    def test_the_customers_mobile_is_used_when_mailchimp_has_no_phone(self):
        customer = self.customer("Gosia Nowak", "gosia@acme-example.com", mobile="+48 600 100 200")
        self.sync()
        group = self.start()
        self.assertEqual(self.in_gateway(group)["gosia@acme-example.com"], "+48600100200")
        self.assertEqual(group.contact_ids.filtered(lambda row: row.email == "gosia@acme-example.com").partner_id,
                         customer)

    def test_resyncing_creates_a_fresh_group_and_keeps_the_old_one(self):
        first = self.start()
        time.sleep(1)  # group names carry the second they were made in
        second = self.start()
        self.assertNotEqual(first, second)
        self.assertEqual(len(self.audience.sms_group_ids), 2)
        self.assertEqual(sorted(self.in_gateway(first).values()), IMPORTED)
        self.assertEqual(sorted(self.in_gateway(second).values()), IMPORTED)

    def test_a_gateway_down_mid_import_resumes_without_duplicates(self):
        self.audience.action_sms_start_sync()
        group = self.audience.sms_group_ids
        self.gateway.lose_answer("contacts/import")  # the first chunk arrives, its answer is lost
        self.run_job()
        self.assertEqual(group.state, "failed")
        self.assertRegex(group.status_text, r"^Failed: SerwerSMS error \(Connection Failed\): ")
        self.assertEqual(len(self.in_gateway(group)), 2, "the gateway had imported the first chunk")
        self.gateway.faults.add(status=503, times=None, path_contains="contacts/import")
        self.run_job()  # the lost chunk is found in the group; the next one meets the 503
        self.assertEqual(group.state, "failed")
        self.assertEqual(group.imported_count, 2, "the count grew with the chunk found in the group")
        self.assertEqual(group.status_text, "Failed: SerwerSMS error 503: Service Unavailable.")
        self.gateway.faults.clear()
        self.run_job()
        self.assertEqual(group.state, "done")
        self.assertEqual(sorted(self.in_gateway(group).values()), IMPORTED)
        self.assertEqual((group.imported_count, group.rejected_count), (4, 1))
        sent = [contact["email"] for call in self.gateway.calls("contacts/import") for contact in call.body["contact"]]
        self.assertEqual(sent.count("anna@acme-example.com"), 1, "the chunk that arrived was not sent again")

    def test_errors_the_gateway_answers_with_http_200_reach_the_user_as_sentences(self):
        self.gateway.store.arm_error(1002, action="groups/add")
        self.audience.action_sms_start_sync()
        group = self.audience.sms_group_ids
        self.run_job()
        self.assertEqual(group.status_text, "Failed: SerwerSMS error 1002, InvalidRole: The user does not have "
                                            "permission to use the API.")
        self.assertFalse(group.gateway_group_id)
        group.action_resume()
        self.gateway.store.arm_error(1005, action="contacts/import", message="No permission")
        self.run_job()
        self.assertEqual(group.status_text, "Failed: SerwerSMS error 1005, InvalidRole: No permission.")
        self.assertEqual(self.gateway.store.contacts_of(group.gateway_group_id), [])
        group.action_resume()
        self.run_job()
        self.assertEqual(group.status_text, "Sync finished")
        self.assertEqual(sorted(self.in_gateway(group).values()), IMPORTED)

    def test_a_group_whose_creation_answer_was_lost_is_found_by_its_name(self):
        self.audience.action_sms_start_sync()
        group = self.audience.sms_group_ids
        self.gateway.lose_answer("groups/add")  # the gateway makes the group, its answer is lost
        self.run_job()
        self.assertEqual(group.state, "failed")
        self.run_job()
        self.assertEqual(group.state, "done")
        self.assertEqual(len(self.gateway.calls("groups/add")), 1, "the group is not made twice")
        self.assertEqual(self.gateway.store.group_by_name(group.name)["id"], group.gateway_group_id)
        self.assertEqual(sorted(self.in_gateway(group).values()), IMPORTED)

    def test_start_sync_without_serwersms_says_so_before_any_call(self):
        self.sms_account.action_disconnect()
        calls = len(self.gateway.calls())
        with self.assertRaisesRegex(UserError, "SerwerSMS is not connected"):
            self.audience.action_sms_start_sync()
        self.assertEqual(len(self.gateway.calls()), calls)

    # ------------------------------------------------------------ live updates

    def test_each_webhook_keeps_the_group_current_including_unsubscribe_then_subscribe_again(self):
        group = self.live_group()
        store = self.standin.store
        email = "ivo@acme-example.com"
        store.user_subscribe(self.list_id, email, merges={"FNAME": "Ivo", "LNAME": "Nowy", "PHONE": "+48 600 200 300"})
        self.webhook("subscribe", email, **{"merges][FNAME": "Ivo", "merges][PHONE": "+48 600 200 300"})
        self.assertEqual(self.env["mailchimp.sms.change"].search_count([("email", "=", email)]), 1,
                         "the webhook only queues")
        self.assertEqual(self.gateway.calls(), [], "and never calls the gateway")
        self.process()
        self.assertEqual(self.in_gateway(group)[email], "+48600200300", "new subscriber added")
        self.assertEqual(group.imported_count, 5)

        store.user_update_profile(self.list_id, email, merges={"PHONE": "+48 600 200 301"})
        self.webhook("profile", email, fired_at="2026-11-27 10:01:00", **{"merges][PHONE": "+48 600 200 301"})
        self.process()
        self.assertEqual(self.in_gateway(group)[email], "+48600200301", "phone change updated")
        self.assertEqual([call.action for call in self.gateway.calls()], ["contacts/add", "contacts/edit"])

        store.user_change_email(self.list_id, email, "ivo.new@acme-example.com")
        self.webhook("upemail", None, fired_at="2026-11-27 10:02:00", old_email=email,
                     new_email="ivo.new@acme-example.com", new_id="x")
        self.process()
        self.assertEqual(self.in_gateway(group).get("ivo.new@acme-example.com"), "+48600200301")
        self.assertNotIn(email, self.in_gateway(group), "the same contact, with its new address")
        email = "ivo.new@acme-example.com"

        store.user_unsubscribe(self.list_id, email)
        self.webhook("unsubscribe", email, fired_at="2026-11-27 10:03:00", action="unsub", reason="manual")
        self.process()
        self.assertNotIn(email, self.in_gateway(group), "unsubscribed: removed")

        store.user_subscribe(self.list_id, email)
        self.webhook("subscribe", email, fired_at="2026-11-27 10:04:00")
        self.process()
        self.assertEqual(self.in_gateway(group).get(email), "+48600200301", "subscribed again: back in the group")

        store.mark_cleaned(self.list_id, email)
        self.webhook("cleaned", email, fired_at="2026-11-27 10:05:00", reason="hard")
        self.process()
        self.assertNotIn(email, self.in_gateway(group), "cleaned: removed")
        row = group.contact_ids.filtered(lambda row: row.email == email)
        self.assertEqual((row.state, row.gateway_contact_id), ("removed", 0))

    def test_an_add_whose_worker_was_killed_after_the_call_is_found_in_the_group_not_added_again(self):
        group = self.live_group()
        row, operation = self.new_subscriber_queued(group)
        operation.write({"state": "running", "attempts": 1})
        contact_id = self.sms_account._client().add_contact(group.gateway_group_id, row._sms_contact().as_gateway())
        self.gateway.request_log.clear()  # the call made, its record lost

        self.process()

        self.assertEqual(self.in_gateway(group)["ivo@acme-example.com"], "+48600200300", "there, once")
        self.assertEqual([call.action for call in self.gateway.calls()], ["contacts/index"], "asked, not added")
        self.assertEqual((operation.state, operation.attempts), ("done", 1))
        self.assertIn("the service confirms it", operation.message)
        self.assertEqual((row.state, row.gateway_contact_id, group.imported_count), ("imported", contact_id, 5))

    def test_an_add_whose_worker_was_killed_before_the_call_is_made_once(self):
        group = self.live_group()
        row, operation = self.new_subscriber_queued(group)
        operation.write({"state": "running", "attempts": 1})

        self.process()
        self.process()  # a second round finds nothing to do

        self.assertEqual(self.in_gateway(group)["ivo@acme-example.com"], "+48600200300")
        self.assertEqual([call.action for call in self.gateway.calls()], ["contacts/index", "contacts/add"])
        self.assertEqual((operation.state, operation.attempts, row.state), ("done", 2, "imported"))

    def test_a_later_change_of_a_member_already_added_adds_nothing(self):
        group = self.live_group()
        row, operation = self.new_subscriber_queued(group)
        self.process()
        self.webhook("profile", "ivo@acme-example.com", fired_at="2026-11-27 10:01:00")
        self.process()  # the same member again: it is in the group, nothing to add
        self.assertEqual([call.action for call in self.gateway.calls()], ["contacts/add"])
        self.assertEqual(len(row.operation_ids), 1)

    def test_a_member_leaving_while_its_add_waits_is_removed_after_it(self):
        group = self.live_group()
        row, add = self.new_subscriber_queued(group)
        self.standin.store.user_unsubscribe(self.list_id, "ivo@acme-example.com")
        self.webhook("unsubscribe", "ivo@acme-example.com", fired_at="2026-11-27 10:01:00", action="unsub")
        with mute_logger(*QUIET):
            self.env["mailchimp.sms.change"]._process_queue()
        self.assertEqual(self.env["mailchimp.sms.change"].search_count([("email", "=", "ivo@acme-example.com")]), 1,
                         "the change waits for the add under way")

        self.process()  # the add
        self.process()  # then the change, and its delete

        self.assertNotIn("ivo@acme-example.com", self.in_gateway(group))
        self.assertEqual(row.operation_ids.mapped("kind"), ["sms_contact_delete", "sms_contact_add"])
        self.assertEqual(row.state, "removed")

    def test_an_add_queued_before_live_updates_stopped_is_not_made(self):
        group = self.live_group()
        row, operation = self.new_subscriber_queued(group)
        group.action_stop_live_updates()

        self.process()

        self.assertNotIn("ivo@acme-example.com", self.in_gateway(group))
        self.assertEqual(self.gateway.calls(), [])
        self.assertEqual((operation.state, operation.message),
                         ("done", "Not made: the group no longer gets live updates."))

    def test_archiving_in_mailchimp_removes_the_contact(self):
        group = self.live_group()
        self.standin.store.user_unsubscribe(self.list_id, "anna@acme-example.com", action="delete")
        self.webhook("unsubscribe", "anna@acme-example.com", action="delete", reason="manual")
        self.process()
        self.assertNotIn("anna@acme-example.com", self.in_gateway(group))
        self.assertEqual(group.imported_count, 3)

    def test_the_webhook_answers_when_the_gateway_is_down_and_the_change_follows_later(self):
        group = self.live_group()
        self.gateway.faults.add(status=503, times=None)
        self.standin.store.user_unsubscribe(self.list_id, "bartek@acme-example.com")
        self.webhook("unsubscribe", "bartek@acme-example.com", action="unsub", reason="manual")
        self.process()
        self.assertFalse(self.env["mailchimp.sms.change"].search([("email", "=", "bartek@acme-example.com")]),
                         "the change is handled: its delete waits in the journal")
        row = group.contact_ids.filtered(lambda row: row.email == "bartek@acme-example.com")
        operation = row.operation_ids
        self.assertEqual((row.state, operation.kind, operation.state), ("removing", "sms_contact_delete", "running"),
                         "no answer: whether it was deleted is asked again on the next round")
        self.assertIn("503", operation.message)
        self.assertIn("bartek@acme-example.com", self.in_gateway(group))
        self.gateway.faults.clear()
        self.process()
        self.assertNotIn("bartek@acme-example.com", self.in_gateway(group))
        self.assertEqual((row.state, operation.state), ("removed", "done"))

    def test_reconciliation_catches_a_missed_webhook(self):
        group = self.live_group()
        self.standin.store.user_update_profile(self.list_id, "celina@acme-example.com",
                                               merges={"PHONE": "+48 500 600 799"})
        self.audience._reconcile()
        self.process()
        self.assertEqual(self.in_gateway(group)["celina@acme-example.com"], "+48500600799")

    def test_a_sync_run_that_unsubscribes_or_changes_a_customer_updates_the_group(self):
        keep = self.customer("Jan Stały", "jan.staly@acme-example.com", mobile="+48 601 000 001")
        leave = self.customer("Olga Odchodzi", "olga@acme-example.com", mobile="+48 601 000 002")
        self.sync()
        group = self.live_group()
        self.assertEqual(self.in_gateway(group)["olga@acme-example.com"], "+48601000002")
        leave.mailchimp_subscribe = False
        keep.mobile = "+48 601 000 009"
        self.sync()
        self.process()
        self.assertNotIn("olga@acme-example.com", self.in_gateway(group))
        self.assertEqual(self.in_gateway(group)["jan.staly@acme-example.com"], "+48601000009")

    def test_changes_wait_while_the_group_is_being_filled(self):
        self.audience.action_sms_start_sync()
        self.standin.store.user_unsubscribe(self.list_id, "darek@acme-example.com")
        self.webhook("unsubscribe", "darek@acme-example.com", action="unsub", reason="manual")
        self.run_job()  # the queue is looked at before and after the import
        group = self.audience.sms_group_ids
        self.assertEqual(group.state, "done")
        self.assertNotIn("darek@acme-example.com", self.in_gateway(group))

    # ------------------------------------------------------------ stop, delete, rights

    def test_a_group_starting_or_stopping_live_updates_is_seen_by_the_next_webhook(self):
        # Whether the audience has a live group is kept by each worker between requests: a group made live, or
        # stopped, renews it at once.
        Change = self.env["mailchimp.sms.change"]
        self.webhook("profile", "anna@acme-example.com", **{"merges][FNAME": "Anna"})
        self.assertFalse(Change.search([]), "no group: nothing queued")
        group = self.live_group()
        Change.search([]).unlink()
        self.webhook("profile", "anna@acme-example.com", fired_at="2026-11-27 10:01:00", **{"merges][FNAME": "Anna"})
        self.assertEqual(Change.search_count([("email", "=", "anna@acme-example.com")]), 1, "live: queued")
        group.action_stop_live_updates()
        Change.search([]).unlink()
        self.webhook("profile", "anna@acme-example.com", fired_at="2026-11-27 10:02:00", **{"merges][FNAME": "Anna"})
        self.assertFalse(Change.search([]), "stopped: nothing queued")

    def test_stop_live_updates_and_delete_the_group(self):
        group = self.live_group()
        group.action_stop_live_updates()
        self.standin.store.user_unsubscribe(self.list_id, "anna@acme-example.com")
        self.webhook("unsubscribe", "anna@acme-example.com", action="unsub", reason="manual")
        self.process()
        self.assertIn("anna@acme-example.com", self.in_gateway(group), "no live updates any more")
        self.assertFalse(self.env["mailchimp.sms.change"].search([]), "nothing waits for a stopped group")
        action = group.action_delete_group()
        self.assertIn(group.name, action["params"]["message"])
        self.assertIsNone(self.gateway.store.group_by_name(group.name))
        self.assertEqual((group.deleted_at_gateway, group.status_text), (True, "Group deleted at SerwerSMS"))
        self.assertEqual(group.in_group_count, 0, "nobody is in a deleted group")
        self.assertFalse(group.contact_ids.filtered(lambda contact: contact.state == "imported"),
                         "no contact row says “In the group” any more")
        self.assertEqual(set(group.contact_ids.filtered(lambda contact: contact.state == "removed").mapped("reason")),
                         {"Group deleted at SerwerSMS"})
        group.deleted_at_gateway = False
        group.action_delete_group()  # already gone at the gateway: no error
        self.assertTrue(group.deleted_at_gateway)

    def test_users_without_rights_are_refused_before_any_call(self):
        group = self.live_group()
        user = new_test_user(self.env, login="sms_user", groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        mailchimp_calls, gateway_calls = len(self.standin.request_log), len(self.gateway.calls())
        for record, action in ((self.audience, "action_sms_start_sync"), (group, "action_stop_live_updates"),
                               (group, "action_delete_group"), (group, "action_resume")):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(record.with_user(user), action)()
        self.assertEqual((len(self.standin.request_log), len(self.gateway.calls())), (mailchimp_calls, gateway_calls))
        self.assertTrue(group.with_user(user).live)
        self.assertEqual(group.with_user(user).imported_count, 4, "users see the groups")
        self.assertTrue(re.match(r"^MC_", group.with_user(user).name))
