"""Consent records from every subscription path, and "Forget in Mailchimp" (right to erasure)."""
import urllib.parse

from odoo.addons.mailchimp_sync.mailchimp_sync.member_payload import subscriber_hash
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import new_list_body
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
class TestForgetInMailchimp(MailchimpSyncCase):
    def setUp(self):
        super().setUp()
        self.EMAIL = f"{self._testMethodName[5:25]}@acme-example.com"  # the stand-in outlives each test
        self.second_list = self.client.create_list(new_list_body("Second list"))["id"]
        self.env["mailchimp.audience"].action_refresh_audiences()
        self.second = self.env["mailchimp.audience"].search([("mailchimp_id", "=", self.second_list)])
        self.partner = self.customer("Forget Me", self.EMAIL)
        self.sync()
        self.standin.store.seed_member(self.second_list, self.EMAIL, status="subscribed")
        self.partner.mailchimp_panel(self.EMAIL, refresh=True)  # the panel's cache
        self.manager = new_test_user(self.env, login="mc_manager_forget", groups=MANAGER_GROUPS)

    def test_forget_erases_remotely_and_locally_and_keeps_one_anonymous_record(self):
        self.assertTrue(self.member_of(self.partner))
        self.assertTrue(self.env["mailchimp.panel.cache"].sudo().search_count([("email", "=", self.EMAIL)]))
        action = self.partner.with_user(self.manager).action_mailchimp_forget()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        for list_id in (self.list_id, self.second_list):
            self.assertTrue(self.standin.store.is_forgotten(list_id, self.EMAIL))
            self.assertIsNone(self.standin.store.get_member(list_id, self.EMAIL))
        self.assertFalse(self.env["mailchimp.member"].search([("partner_id", "=", self.partner.id)]))
        self.assertFalse(self.env["mailchimp.panel.cache"].sudo().search_count([("email", "=", self.EMAIL)]))
        self.assertFalse(self.partner.mailchimp_subscribe)
        [erased] = self.env["mailchimp.consent"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual((erased.state, erased.source, erased.user_id), ("erased", "erasure", self.manager))
        self.assertFalse(erased.email or erased.text)
        self.assertIn("Customers", erased.audience_names)
        self.assertIn("Second list", erased.audience_names)

    def test_a_later_re_add_gets_the_forgotten_rule_explained(self):
        self.partner.with_user(self.manager).action_mailchimp_forget()
        self.partner.mailchimp_subscribe = True
        run = self.sync()
        member = self.member_of(self.partner)
        self.assertIn("permanently deleted from Mailchimp (right to erasure)", member.last_error)
        self.assertIn("only the person can sign up again", self.partner.mailchimp_sync_state)
        self.assertEqual(run.failed_count, 1)
        answer = self.partner.mailchimp_panel(self.EMAIL, refresh=True)
        original = {row["list_id"]: row["wanted"] for row in answer["panel"]["audiences"]}
        result = self.partner.mailchimp_panel_save(self.EMAIL, original, {**original, self.second_list: True})
        [row] = [row for row in result["results"] if row["list_id"] == self.second_list]
        self.assertTrue(row["error"].startswith(f"{self.EMAIL} was permanently deleted from Mailchimp"), row)

    def test_a_mailchimp_user_cannot_forget_and_nothing_is_asked_of_mailchimp(self):
        user = new_test_user(self.env, login="mc_user_forget", groups=USER_GROUPS)
        before = len(self.standin.request_log)
        with self.assertRaises(AccessError):
            self.partner.with_user(user).action_mailchimp_forget()
        self.assertEqual(len(self.standin.request_log), before)
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL))

    def test_archiving_or_deleting_a_customer_never_deletes_permanently(self):
        self.partner.action_archive()
        self.sync()
        self.assertFalse(self.standin.store.is_forgotten(self.list_id, self.EMAIL))
        member_hash = subscriber_hash(self.EMAIL)
        self.assertFalse([logged for logged in self.standin.request_log
                          if member_hash in logged.path and "delete-permanent" in logged.path])
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

    PERSONAL_DATA_MODELS = ("mailchimp.member", "mailchimp.consent", "mailchimp.campaign.activity",
                            "mailchimp.webhook.event", "mailchimp.panel.cache")

    def test_mailchimp_models_with_personal_data_are_found_by_email(self):
        for model_name in self.PERSONAL_DATA_MODELS:
            model = self.env[model_name]
            by_email = any(name in model._fields and model._fields[name].store
                           for name in ("email_normalized", "email"))
            self.assertTrue(by_email, f"{model_name} has no stored email field the privacy lookup reads")

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
        from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_check import BLACKLISTED, WITHDRAWN

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
            {"subject": "Offer", "body_html": "<p>Hi</p>"})
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
