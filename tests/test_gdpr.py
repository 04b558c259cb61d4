"""Consent records from every subscription path, and "Forget" (right to erasure) in every service."""
import urllib.parse
from unittest.mock import patch

from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_monitor import CampaignMonitorCredentials
from odoo.addons.mailchimp_sync.mailchimp_sync.member_payload import subscriber_hash
from odoo.addons.mailchimp_sync.mailchimp_sync.serwersms import SmsCredentials
from odoo.addons.mailchimp_sync.standins.campaign_monitor import CampaignMonitorStandinServer
from odoo.addons.mailchimp_sync.standins.serwersms import SmsStandinServer
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import FOOTER_HTML, new_list_body
from .sync_common import MailchimpSyncCase

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MANAGER_GROUPS = "base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_manager"
USER_GROUPS = "base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_user"


@tagged("post_install", "-at_install")
class TestConsentRecords(MailchimpSyncCase, HttpCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.audience.invalidate_recordset(["webhook_url", "sms_url"])

    def url_open(self, *args, **kwargs):
        """The server shares the test's cursor: flush before, and forget the cache after."""
        self.env.flush_all()
        response = super().url_open(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def consents(self, partner, audience=None):
        return self.env["mailchimp.consent"].search(
            [("partner_id", "=", partner.id), ("audience_id", "=", (audience or self.audience).id)], order="id")

    def summary(self, partner, audience=None):
        return [(consent.state, consent.source, consent.user_id.login or None)
                for consent in self.consents(partner, audience)]

    def webhook(self, event_type, email, **data):
        pairs = [("type", event_type), ("fired_at", "2030-01-01 10:00:00"), ("data[list_id]", self.list_id),
                 ("data[email]", email)] + [(f"data[{key}]", value) for key, value in data.items()]
        return self.url_open(self.audience.webhook_url, data=urllib.parse.urlencode(pairs).encode(), headers=FORM)

    # ------------------------------------------------------------ each path

    def test_the_box_ticked_and_unticked_by_a_user_records_given_then_withdrawn(self):
        partner = self.customer("Box", "box@acme-example.com")
        partner.mailchimp_subscribe = True  # no change: nothing more recorded
        partner.mailchimp_subscribe = False
        me = self.env.user.login
        self.assertEqual(self.summary(partner), [("given", "user", me), ("withdrawn", "user", me)])
        self.assertEqual(self.consents(partner)[0].email, "box@acme-example.com")
        self.assertEqual(partner.mailchimp_consent_count, len(partner.mailchimp_consent_ids))
        action = partner.action_view_mailchimp_consents()
        self.assertEqual(action["domain"], [("partner_id", "=", partner.id)])

    def test_the_box_records_consent_only_for_the_audiences_the_customer_is_in(self):
        list_id = self.client.create_list(new_list_body("Never joined"))["id"]
        self.env["mailchimp.audience"].action_refresh_audiences()
        never_joined = self.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        partner = self.customer("One audience", "one.audience@acme-example.com")
        partner.mailchimp_subscribe = False
        self.assertEqual(self.summary(partner, never_joined), [], "no tag of it linked there, no member there")
        self.assertEqual([state for state, _source, _user in self.summary(partner)], ["given", "withdrawn"])
        self.assertEqual(partner.mailchimp_consent_ids.audience_id, self.audience)

    def test_a_webhook_unsubscribe_records_consent_withdrawn_by_the_person(self):
        partner = self.customer("Leaving", "leaving@acme-example.com")
        self.sync()
        self.standin.store.user_unsubscribe(self.list_id, "leaving@acme-example.com")
        self.assertEqual(self.webhook("unsubscribe", "leaving@acme-example.com", action="unsub").status_code, 200)
        self.assertEqual(self.summary(partner), [("given", "user", self.env.user.login), ("withdrawn", "webhook", None)])

    def test_an_sms_sign_up_records_consent_with_what_was_received(self):
        self.audience.accept_sms_signups = True
        self.audience.invalidate_recordset(["sms_url"])
        url = self.audience.sms_url.replace("#WIADOMOSC#", urllib.parse.quote("Zapisz sms.ola@acme-example.com"))
        self.assertEqual(self.url_open(url + "?phone=600100200").status_code, 200)
        partner = self.env["res.partner"].search([("email", "=", "sms.ola@acme-example.com")])
        self.assertEqual(self.summary(partner), [("given", "sms", None)])
        self.assertIn("+48600100200", self.consents(partner).text)

    def test_an_import_records_each_subscriber_once_and_reconciliation_records_changes(self):
        list_id = self.client.create_list(new_list_body("Imported list"))["id"]
        self.client.batch_subscribe(list_id, [{"email_address": f"imp{n}@acme-example.com", "status_if_new": status}
                                              for n, status in enumerate(("subscribed", "subscribed", "pending"))])
        self.env["mailchimp.audience"].action_refresh_audiences()
        imported = self.env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        imported.action_import_members()
        self.env["mailchimp.audience"]._cron_reconcile()
        partners = self.env["res.partner"].search([("email", "=like", "imp%@acme-example.com")], order="email")
        self.assertEqual([self.summary(partner, imported) for partner in partners],
                         [[("given", "import", None)], [("given", "import", None)], []],
                         "pending is no consent yet")
        imported._reconcile()
        self.standin.store.user_unsubscribe(list_id, "imp0@acme-example.com")
        imported._reconcile()
        self.assertEqual(self.summary(partners[0], imported),
                         [("given", "import", None), ("withdrawn", "reconciliation", None)])
        self.assertEqual(self.summary(partners[1], imported), [("given", "import", None)], "nothing twice")

    def test_the_subscribe_dialog_records_who_did_it(self):
        partner = self.customer("Dialog", "dialog@acme-example.com", subscribe=False)
        answer = partner.mailchimp_panel("dialog@acme-example.com", refresh=True)
        original = {row["list_id"]: row["wanted"] for row in answer["panel"]["audiences"]}
        partner.mailchimp_panel_save("dialog@acme-example.com", original, {**original, self.list_id: True})
        self.assertEqual(self.summary(partner), [("given", "dialog", self.env.user.login)])

    def test_consent_records_are_read_only_and_exportable(self):
        partner = self.customer("Export", "export@acme-example.com")
        user = new_test_user(self.env, login="mc_user_consent", groups=f"{USER_GROUPS},base.group_allow_export")
        records = self.consents(partner).with_user(user)
        exported = records.export_data(["date", "partner_id", "audience_id", "state", "source", "user_id"])["datas"]
        self.assertEqual(exported[0][1:], ["Export", "Customers", "Given", "User in Odoo", self.env.user.name])
        manager = new_test_user(self.env, login="mc_manager_consent", groups=MANAGER_GROUPS)
        for someone in (user, manager):
            with self.assertRaises(AccessError):
                records.with_user(someone).write({"state": "withdrawn"})
            with self.assertRaises(AccessError):
                records.with_user(someone).unlink()
            with self.assertRaises(AccessError):
                self.env["mailchimp.consent"].with_user(someone).create(
                    {"partner_id": partner.id, "state": "given", "source": "user"})


@tagged("post_install", "-at_install")
class TestForget(MailchimpSyncCase):
    """Forget: one confirmation naming every service, Odoo's side forgotten with the remote parts queued in the
    same transaction, each remote part made once by the worker (Mailchimp, SerwerSMS, Campaign Monitor)."""

    PHONE = "+48500600701"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = SmsStandinServer().start()
        cls.addClassCleanup(cls.gateway.stop)
        cls.env["mailchimp.sms.account"]._for_company(create=True)._connect(
            SmsCredentials.from_token(cls.gateway.token, base_url=cls.gateway.base_url))
        cls.cm = CampaignMonitorStandinServer().start()
        cls.addClassCleanup(cls.cm.stop)
        cls.env["mailchimp.cm.account"]._for_company(create=True).sudo()._connect(
            CampaignMonitorCredentials.from_key(cls.cm.api_key, cls.cm.client_id, base_url=cls.cm.base_url))
        cls.second_list = cls.client.create_list(new_list_body("Second list"))["id"]
        cls.third_list = cls.client.create_list(new_list_body("Never joined"))["id"]
        cls.manager = new_test_user(cls.env, login="mc_manager_forget", groups=MANAGER_GROUPS)

    def setUp(self):
        super().setUp()
        self.EMAIL = f"{self._testMethodName[5:25]}@acme-example.com"  # the stand-ins outlive each test
        self.env["mailchimp.audience"].action_refresh_audiences()
        self.second = self.env["mailchimp.audience"].search([("mailchimp_id", "=", self.second_list)])
        self.partner = self.customer("Forget Me", self.EMAIL, phone=self.PHONE)
        self.sync()
        self.standin.store.seed_member(self.second_list, self.EMAIL, status="subscribed")
        self.partner.mailchimp_panel(self.EMAIL, refresh=True)  # the panel's cache
        self.env["mailchimp.webhook.event"].sudo().create({
            "audience_id": self.audience.id, "event_type": "profile", "event_key": self.EMAIL,
            "email": self.EMAIL, "partner_id": self.partner.id, "state": "done"})
        self.seed_sms()
        self.seed_cm()

    def seed_sms(self):
        """A live SMS group of the audience with the person and someone else, and a queued change of the person."""
        self.gateway.reset()
        store = self.gateway.store
        group_id = store.groups_add({"name": "MC_Customers_live"})["id"]
        mine = store.contacts_add({"group_id": group_id, "phone": self.PHONE, "email": self.EMAIL})["id"]
        store.contacts_add({"group_id": group_id, "phone": "+48500600702", "email": "stays@acme-example.com"})
        self.sms_group = self.env["mailchimp.sms.group"].sudo().create({
            "name": "MC_Customers_live", "audience_id": self.audience.id, "gateway_group_id": group_id,
            "state": "done"})
        Contact = self.env["mailchimp.sms.contact"].sudo()
        Contact.create({"group_id": self.sms_group.id, "email": self.EMAIL, "partner_id": self.partner.id,
                        "mailchimp_id": subscriber_hash(self.EMAIL), "phone": self.PHONE, "state": "imported",
                        "gateway_contact_id": mine})
        Contact.create({"group_id": self.sms_group.id, "email": "stays@acme-example.com", "phone": "+48500600702",
                        "mailchimp_id": subscriber_hash("stays@acme-example.com"), "state": "imported"})
        self.env["mailchimp.sms.change"].sudo().create({"audience_id": self.audience.id, "email": self.EMAIL})
        # a group whose import answer was lost: the contact is at the gateway, its id unknown to Odoo
        lost_id = store.groups_add({"name": "MC_Second_live"})["id"]
        store.contacts_add({"group_id": lost_id, "phone": self.PHONE, "email": self.EMAIL})
        self.lost_group = self.env["mailchimp.sms.group"].sudo().create({
            "name": "MC_Second_live", "audience_id": self.second.id, "gateway_group_id": lost_id, "state": "syncing",
            "phase": "import"})
        Contact.create({"group_id": self.lost_group.id, "email": self.EMAIL, "mailchimp_id": subscriber_hash(self.EMAIL),
                        "phone": self.PHONE, "state": "sending"})

    def seed_cm(self):
        self.cm.reset()
        for list_id, name in (("cm-news", "CM News"), ("cm-offers", "CM Offers"), ("cm-old", "CM Old")):
            self.cm.store.add_list(list_id, name)
        self.cm.store.put_subscriber("cm-news", self.EMAIL, "Active", name="Forget Me")
        self.cm.store.put_subscriber("cm-old", self.EMAIL, "Deleted")
        self.cm.store.put_subscriber("cm-offers", "stays@acme-example.com", "Active")
        cm_account = self.env["mailchimp.cm.account"]._for_company()
        self.env["mailchimp.cm.panel.cache"].sudo()._store(cm_account, self.EMAIL, {"audiences": []})

    # ------------------------------------------------------------ helpers

    def confirmation(self, user=None):
        action = self.partner.with_user(user or self.manager).action_mailchimp_forget()
        return self.env[action["res_model"]].with_user(user or self.manager).browse(action["res_id"])

    def forget(self, user=None):
        """Confirm Forget as the manager; returns the queued operation (the worker not run yet)."""
        self.confirmation(user).action_confirm()
        return self.operation()

    def operation(self):
        return self.env["mailchimp.remote.operation"].search(
            [("kind", "=", "permanent_delete"), ("partner_id", "=", self.partner.id)])

    def work(self):
        with mute_logger("odoo.addons.mailchimp_sync.models.mailchimp_remote_operation",
                         "odoo.addons.mailchimp_sync.models.mailchimp_erasure_operation"):
            self.env["mailchimp.remote.operation"]._cron_process()
        self.env.invalidate_all()

    def sms_contacts(self):
        return {contact["phone"] for contact in self.gateway.store.contacts_of(self.sms_group.gateway_group_id)}

    def cm_state(self, list_id, email=None):
        return self.cm.store.snapshot()["lists"][list_id]["subscribers"][(email or self.EMAIL).lower()]["State"]

    def personal_rows(self):
        """``{model: count}`` of the rows the backends' hook finds about the person."""
        rows = self.env["mailchimp.backend"]._personal_data_rows(
            self.partner, [self.EMAIL], self.partner.company_id or self.env.company)
        return {name: len(records) for name, records in rows.items()}

    def mailchimp_deletes(self, list_id):
        member_hash = subscriber_hash(self.EMAIL)
        return [logged for logged in self.standin.request_log
                if f"/lists/{list_id}/members/{member_hash}/actions/delete-permanent" in logged.path]

    # ------------------------------------------------------------ the whole erasure

    def test_forget_erases_in_the_three_services_and_every_local_model(self):
        before = self.personal_rows()
        for name in ("mailchimp.member", "mailchimp.panel.cache", "mailchimp.webhook.event", "mailchimp.consent",
                     "mailchimp.sms.contact", "mailchimp.sms.change", "mailchimp.cm.panel.cache"):
            self.assertIn(name, before, "the scenario holds the person's data there")

        operation = self.forget()
        self.assertEqual((operation.state, operation.kind, operation.email), ("queued", "permanent_delete", self.EMAIL))
        self.assertFalse(self.partner.mailchimp_subscribe)
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL), "nothing remote before the worker")
        self.assertEqual(set(self.personal_rows()), {"mailchimp.consent", "mailchimp.remote.operation"},
                         "Odoo's side is forgotten with the operation queued")

        # Mailchimp's "unsubscribe, delete" webhook of the erasure arrives while the operation runs
        self.env["mailchimp.webhook.event"].sudo().create({
            "audience_id": self.audience.id, "event_type": "unsubscribe", "event_key": "echo", "email": self.EMAIL,
            "partner_id": self.partner.id, "state": "done"})
        self.work()
        self.assertEqual(operation.state, "done", operation.message)
        for list_id in (self.list_id, self.second_list):
            self.assertTrue(self.standin.store.is_forgotten(list_id, self.EMAIL))
            self.assertIsNone(self.standin.store.get_member(list_id, self.EMAIL))
        self.assertFalse(self.standin.store.is_forgotten(self.third_list, self.EMAIL))
        self.assertEqual(self.sms_contacts(), {"+48500600702"}, "the other contact stays in the group")
        self.assertFalse(self.gateway.store.contacts_of(self.lost_group.gateway_group_id), "found by its number")
        self.assertEqual((self.cm_state("cm-news"), self.cm_state("cm-old")), ("Deleted", "Deleted"))
        self.assertEqual(self.cm_state("cm-offers", "stays@acme-example.com"), "Active")
        self.assertFalse(operation.params or operation.email, "a finished erasure keeps no personal data")
        self.assertIn("Customers", operation.message)
        self.assertNotIn("Never joined", operation.message)

        self.assertEqual(self.personal_rows(), {"mailchimp.consent": 1, "mailchimp.remote.operation": 1},
                         "the erased record and the operation stay, linked to the customer, without personal data")
        [erased] = self.env["mailchimp.consent"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual((erased.state, erased.source, erased.user_id), ("erased", "erasure", self.manager))
        self.assertFalse(erased.email or erased.text)
        self.assertEqual(erased.erased_audience_ids, self.audience | self.second)
        for name in self.env["mailchimp.backend"]._personal_data_model_names():
            Model = self.env[name].sudo()
            for field in ("email", "email_normalized"):
                if field in Model._fields:
                    self.assertFalse(Model.search_count([(field, "=ilike", self.EMAIL)]), f"{name}.{field}")
        self.assertEqual(len(self.env["mailchimp.sms.contact"].sudo().search(
            [("group_id", "=", self.sms_group.id)])), 1, "the other contact's row stays")

    def test_the_note_names_only_where_the_person_was_and_the_dialog_offers_no_box_back(self):
        self.forget()
        self.work()
        note = self.partner.message_ids[0].body
        for name in ("Customers", "Second list", "MC_Customers_live", "CM News"):
            self.assertIn(name, note)
        self.assertNotIn("Never joined", note)
        self.assertNotIn("CM Offers", note)
        self.assertNotIn("CM Old", note, "already deleted there")
        rows = {row["list_id"]: row for row in
                self.partner.mailchimp_panel(self.EMAIL, refresh=True)["panel"]["audiences"]}
        for list_id in (self.list_id, self.second_list):
            self.assertTrue(rows[list_id].get("erased") and rows[list_id]["locked"], rows[list_id])
            self.assertFalse(rows[list_id]["wanted"])
        self.assertFalse(rows[self.third_list].get("erased"), "an audience never joined can still be offered")

    def test_the_confirmation_names_every_service_and_the_customer_sharing_the_address(self):
        other = self.customer("Same Address Ltd", self.EMAIL.upper(), subscribe=False)
        wizard = self.confirmation()
        self.assertEqual(wizard.audience_ids, self.audience | self.second)
        summary = str(wizard.summary)
        for name in ("Customers", "Second list", "MC_Customers_live", "CM News", "Same Address Ltd"):
            self.assertIn(name, summary)
        self.assertNotIn("Never joined", summary)
        self.assertNotIn("CM Old", summary)
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL), "the confirmation changes nothing")
        wizard.action_confirm()
        self.assertFalse(other.mailchimp_subscribe)
        self.assertIn("Forget Me", other.message_ids[0].body)

    # ------------------------------------------------------------ failures, kills, retries

    def test_a_forget_whose_last_local_step_fails_changes_nothing_and_is_finished_on_retry(self):
        wizard = self.confirmation()
        refusal = UserError("Unable to post message, please configure the sender's email address.")
        with patch.object(type(self.env["res.partner"]), "message_post", side_effect=refusal), \
                self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_confirm()
        self.env.invalidate_all()
        self.work()
        self.assertFalse(self.operation(), "nothing queued")
        self.assertTrue(self.partner.mailchimp_subscribe)
        self.assertTrue(self.member_of(self.partner))
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL))
        self.assertEqual(self.sms_contacts(), {self.PHONE, "+48500600702"})

        self.confirmation().action_confirm()
        self.work()
        self.assertEqual(self.operation().state, "done")
        self.assertTrue(self.standin.store.is_forgotten(self.list_id, self.EMAIL))
        self.assertFalse(self.member_of(self.partner))

    def test_a_failed_part_says_what_remains_and_the_next_try_makes_only_that(self):
        self.cm.faults.add(status=400, times=None, method="DELETE", path_contains="/subscribers/")
        operation = self.forget()
        self.work()
        self.assertEqual(operation.state, "failed")
        self.assertIn("Campaign Monitor", operation.message)
        self.assertNotIn("Mailchimp Customers", operation.message)
        self.assertTrue(self.standin.store.is_forgotten(self.list_id, self.EMAIL))
        self.assertEqual(self.cm_state("cm-news"), "Active")
        self.assertEqual(operation.email, self.EMAIL, "still needed: the operation is not finished")

        self.cm.faults.clear()
        deletes = len(self.mailchimp_deletes(self.list_id))
        gateway_calls = len(self.gateway.calls("contacts/delete"))
        self.confirmation().action_confirm()  # Forget again reopens the unfinished erasure
        self.assertEqual(self.operation(), operation)
        self.work()
        self.assertEqual(operation.state, "done", operation.message)
        self.assertEqual(self.cm_state("cm-news"), "Deleted")
        self.assertEqual(len(self.mailchimp_deletes(self.list_id)), deletes, "Mailchimp's part is not made again")
        self.assertEqual(len(self.gateway.calls("contacts/delete")), gateway_calls)

    def test_a_kill_between_the_call_and_its_record_is_resolved_without_a_second_effect(self):
        operation = self.forget()
        # The worker made Mailchimp's and SerwerSMS's calls, then was killed before recording anything.
        self.client.delete_member_permanently(self.list_id, self.EMAIL)
        [part] = [part for part in operation.params["parts"] if part["service"] == "serwersms" and part["contact_id"]]
        self.gateway.store.contacts_delete({"id": part["contact_id"]})
        operation.sudo().write({"state": "running", "attempts": 1})
        self.work()
        self.assertEqual(operation.state, "done", operation.message)
        self.assertEqual(len(self.mailchimp_deletes(self.list_id)), 2, "asked again, answered 'not found'")
        self.assertTrue(self.standin.store.is_forgotten(self.second_list, self.EMAIL))
        self.assertEqual(self.sms_contacts(), {"+48500600702"}, "nobody else deleted")
        self.assertEqual(self.cm_state("cm-news"), "Deleted")

    # ------------------------------------------------------------ rights and what comes after

    def test_a_mailchimp_user_cannot_forget_and_no_service_is_asked(self):
        user = new_test_user(self.env, login="mc_user_forget", groups=USER_GROUPS)
        logs = (len(self.standin.request_log), len(self.gateway.request_log), len(self.cm.request_log))
        with self.assertRaises(AccessError):
            self.partner.with_user(user).action_mailchimp_forget()
        with self.assertRaises(AccessError):
            self.partner.with_user(user)._mailchimp_forget_check()
        self.assertEqual((len(self.standin.request_log), len(self.gateway.request_log), len(self.cm.request_log)),
                         logs)
        self.assertFalse(self.operation())

    def test_a_later_re_add_gets_the_forgotten_rule_explained(self):
        self.forget()
        self.work()
        self.partner.mailchimp_subscribe = True
        run = self.sync()
        member = self.member_of(self.partner)
        self.assertIn("permanently deleted from Mailchimp (right to erasure)", member.last_error)
        self.assertIn("only the person can sign up again", self.partner.mailchimp_sync_state)
        self.assertEqual(run.failed_count, 1)

    def deliver(self, event_type, email=None, **data):
        """A Mailchimp webhook delivery for the audience, received as the controller does."""
        pairs = [("type", event_type), ("fired_at", "2030-01-01 10:00:00"), ("data[list_id]", self.list_id),
                 ("data[email]", email or self.EMAIL)] + [(f"data[{key}]", value) for key, value in data.items()]
        return self.env["mailchimp.webhook.event"]._receive_webhook(
            self.audience, urllib.parse.urlencode(pairs).encode())

    def test_late_echoes_of_the_erasure_store_the_address_nowhere_again(self):
        self.forget()
        self.work()
        events = [self.deliver("unsubscribe", action="delete", reason="manual"),
                  self.deliver("cleaned", reason="hard"),
                  self.deliver("profile", **{"merges][FNAME": "Forget"})]
        for event in events:
            self.assertEqual((event.state, event.outcome), ("ignored", "erased"))
            self.assertFalse(event.email or event.partner_id)
            self.assertNotIn(subscriber_hash(self.EMAIL)[:8], event.raw)
            self.assertNotIn(self.EMAIL.split("@")[0], event.raw)
        self.assertIn('"action": "delete"', events[0].raw, "what the delivery said apart from the person stays")
        self.assertFalse(self.member_of(self.partner), "no member binding again")
        self.assertEqual(self.personal_rows(), {"mailchimp.consent": 1, "mailchimp.remote.operation": 1})
        self.assertEqual(self.deliver("unsubscribe", action="delete", reason="manual"), events[0],
                         "a redelivery is still recognized")

        unknown = self.deliver("unsubscribe", email="never.known@acme-example.com", action="delete")
        self.assertEqual(unknown.state, "ignored")
        self.assertFalse(unknown.email)
        self.assertNotIn("never.known", unknown.raw)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "never.known@acme-example.com")]))

        signed_up = self.deliver("subscribe")
        self.assertEqual(signed_up.state, "done", "the person signing up again themselves is applied")
        self.assertEqual(self.member_of(self.partner).status, "subscribed")

    def test_archiving_or_deleting_a_customer_never_deletes_permanently(self):
        self.partner.action_archive()
        self.sync()
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL))
        self.assertFalse(self.mailchimp_deletes(self.list_id))
        self.assertEqual(self.standin.store.get_member(self.list_id, self.EMAIL)["status"], "archived")


@tagged("post_install", "-at_install")
class TestMarketingPermissions(MailchimpSyncCase):
    """GDPR fields: found on members, mapped by a manager, sent only with consent, read back as consent."""

    def setUp(self):
        super().setUp()
        self.standin.control.handle("POST", f"/lists/{self.list_id}/marketing-permissions", {"permissions": [
            {"marketing_permission_id": "em1", "text": "Email"},
            {"marketing_permission_id": "ad1", "text": "Customized online advertising"}]})
        self.standin.store.seed_member(self.list_id, "seen@acme-example.com", status="subscribed")

    def enabled(self, email):
        return {entry["marketing_permission_id"]: entry["enabled"]
                for entry in self.remote(email)["marketing_permissions"]}

    def test_fields_are_discovered_sent_only_with_consent_and_read_back(self):
        self.audience._reconcile()
        fields = {permission.mailchimp_id: permission for permission in self.audience.marketing_permission_ids}
        self.assertEqual({key: permission.text for key, permission in fields.items()},
                         {"em1": "Email", "ad1": "Customized online advertising"})
        fields["em1"].purpose = "email"
        fields["ad1"].purpose = "online_ads"
        consenting = self.customer("Consenting", "consenting@acme-example.com")  # a user ticked the box
        silent = self.customer("Silent", "silent@acme-example.com", subscribe=False)
        silent.with_context(mailchimp_from_remote=True).mailchimp_subscribe = True  # no consent record in Odoo
        self.sync()
        self.assertEqual(self.enabled("consenting@acme-example.com"), {"em1": True, "ad1": False})
        self.assertEqual(self.enabled("silent@acme-example.com"), {"em1": False, "ad1": False})

        self.client.update_member(self.list_id, "consenting@acme-example.com", {
            "marketing_permissions": [{"marketing_permission_id": "ad1", "enabled": True}]})
        self.audience._reconcile()
        ads = self.env["mailchimp.consent"].search([("partner_id", "=", consenting.id), ("purpose", "=", "online_ads")])
        self.assertEqual([(consent.state, consent.source) for consent in ads], [("given", "reconciliation")])
        self.client.update_member(self.list_id, "consenting@acme-example.com", {
            "marketing_permissions": [{"marketing_permission_id": "ad1", "enabled": False}]})
        self.audience._reconcile()
        self.assertEqual(self.env["mailchimp.consent"].search(
            [("partner_id", "=", consenting.id), ("purpose", "=", "online_ads")], limit=1).state, "withdrawn")


@tagged("post_install", "-at_install")
class TestPrivacyLookup(MailchimpSyncCase):
    """Odoo's privacy lookup (``privacy_lookup``, when installed) finds personal data by a stored email field or a
    customer link that is not deleted with the customer: every Mailchimp model holding personal data has one."""

    def test_every_model_of_the_backends_hook_is_found_by_the_privacy_lookup(self):
        names = self.env["mailchimp.backend"]._personal_data_model_names()
        self.assertTrue({"mailchimp.member", "mailchimp.sms.contact", "mailchimp.cm.panel.cache"} <= set(names))
        for model_name in names:
            model = self.env[model_name]
            by_email = any(name in model._fields and model._fields[name].store
                           for name in ("email_normalized", "email"))
            self.assertTrue(by_email, f"{model_name} has no stored email field the privacy lookup reads")

    def test_no_model_of_the_add_on_holding_personal_data_is_left_out_of_the_hook(self):
        """A new model with an address, a number or a customer link must be named by its service's backend,
        or Forget would leave it behind. A database view (``_auto = False``) stores nothing of its own: what it
        shows is erased in the tables it reads."""
        hooked = set(self.env["mailchimp.backend"]._personal_data_model_names())
        for model_name in self.env:
            model = self.env[model_name]
            if not model_name.startswith("mailchimp.") or model._transient or model._abstract or not model._auto:
                continue
            personal = [name for name, field in model._fields.items() if field.store and (
                name in ("email", "email_normalized", "phone")
                or (field.type == "many2one" and field.comodel_name == "res.partner" and field.ondelete != "cascade"))]
            if personal:
                self.assertIn(model_name, hooked, f"{model_name} holds {personal} but no backend names it")

    def test_the_privacy_lookup_lists_mailchimp_data_when_installed(self):
        if "privacy.lookup.wizard" not in self.env:
            self.skipTest("privacy_lookup is not installed")
        partner = self.customer("Looked Up", "looked.up@acme-example.com")
        self.sync()
        wizard = self.env["privacy.lookup.wizard"].create({"name": "Looked Up", "email": "looked.up@acme-example.com"})
        wizard.action_lookup()
        found = set(wizard.line_ids.mapped("res_model"))
        self.assertIn("mailchimp.member", found)
        self.assertIn("mailchimp.consent", found)
        self.assertTrue(partner)


@tagged("post_install", "-at_install")
class TestCampaignConsentCheck(MailchimpSyncCase):
    """The campaign GDPR check (#10) reads the consent records and records its exclusions."""

    def test_withdrawn_consent_excludes_and_exclusions_are_recorded(self):
        BLACKLISTED, WITHDRAWN = ("No consent in Odoo: the address is blacklisted",
                                  "No consent in Odoo: the consent was withdrawn")

        self.audience.write({"campaign_from_name": "Acme", "campaign_from_email": "news@acme-example.com"})
        customers = self.env["res.partner"]
        for name in ("ok", "blacklisted", "withdrawn"):
            customers |= self.customer(name, f"gdpr.{name}@acme-example.com")
        self.sync()
        collection = self.env["mailchimp.collection"].create({
            "name": "GDPR check", "audience_id": self.audience.id, "partner_ids": [(6, 0, customers.ids)]})
        self.sync_collection(collection)
        ok, blacklisted, withdrawn = customers
        self.env["mail.blacklist"]._add(blacklisted.email)
        self.env.invalidate_all()  # a new request would read is_blacklisted afresh
        self.env["mailchimp.consent"]._record(withdrawn, self.audience, "withdrawn", "user")
        action = collection.action_new_campaign()
        wizard = self.env[action["res_model"]].with_context(action["context"]).create(
            {"subject": "Offer", "body_html": f"<p>Hi</p>{FOOTER_HTML}"})
        wizard.action_create_campaign()
        wizard.action_check()
        self.assertIn(WITHDRAWN, wizard.excluded_html)
        self.assertIn(BLACKLISTED, wizard.excluded_html)
        self.assertEqual(wizard.check_summary, "1 of 3 will receive it, 2 excluded")
        wizard.action_confirm()
        last = self.env["mailchimp.consent"].search([("partner_id", "=", blacklisted.id)], limit=1)
        self.assertEqual((last.state, last.source, last.text), ("withdrawn", "gdpr_exclusion", BLACKLISTED))
        self.assertEqual(self.env["mailchimp.consent"].search_count(
            [("partner_id", "=", withdrawn.id), ("source", "=", "gdpr_exclusion")]), 0, "withdrawn already")
        self.assertEqual(self.env["mailchimp.consent"].search(
            [("partner_id", "=", ok.id), ("audience_id", "=", self.audience.id)]).mapped("state"), ["given"])
