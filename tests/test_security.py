"""Who may do what, asked the way a browser (or a script) asks: JSON-RPC as each kind of user.

Every refused call must also have made no request to Mailchimp: a remote call
cannot be rolled back when Odoo refuses afterwards.
"""
import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import file_path

from .common import MailchimpStandinMixin

PORTAL, INTERNAL, MC_USER, MC_MANAGER, ADMIN = "portal", "internal", "mc_user", "mc_manager", "admin"
EVERYONE = (PORTAL, INTERNAL, MC_USER, MC_MANAGER, ADMIN)
MANAGERS = (MC_MANAGER, ADMIN)


@tagged("post_install", "-at_install")
class TestAccessMatrix(MailchimpStandinMixin, HttpCase):
    standin_seed = file_path("mailchimp_sync/standins/mailchimp/demo_seed.json")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.report_email = "reports@acme-example.com"
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.audience = cls.env["mailchimp.audience"].search([("account_id", "=", cls.account.id)], limit=1)
        cls.audience._refresh_schema(cls.account._client())
        cls.interest = cls.audience.interest_ids[:1]
        assert cls.interest, "the demo account's audience has groups"
        cls.tag = cls.env["res.partner.category"].create({"name": "Matrix tag"})
        cls.users = {
            PORTAL: new_test_user(cls.env, login="mx_portal", groups="base.group_portal"),
            INTERNAL: new_test_user(cls.env, login="mx_internal", groups="base.group_user,base.group_partner_manager"),
            MC_USER: new_test_user(
                cls.env, login="mx_mc_user",
                groups="base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_user"),
            MC_MANAGER: new_test_user(
                cls.env, login="mx_mc_manager",
                groups="base.group_user,base.group_partner_manager,mailchimp_sync.group_mailchimp_manager"),
            ADMIN: new_test_user(
                cls.env, login="mx_admin",
                groups="base.group_user,base.group_system,mailchimp_sync.group_mailchimp_manager"),
        }
        cls.customer = cls.env["res.partner"].create({
            "name": "Matrix Customer", "email": "matrix.customer@acme-example.com", "mailchimp_subscribe": True,
            "category_id": [(6, 0, cls.tag.ids)]})
        cls.tag.mailchimp_interest_id = cls.interest
        cls.secrets = (cls.standin.api_key, cls.standin.api_key.split("-")[0], cls.standin.oauth_token)

    # ------------------------------------------------------------ helpers

    def rpc(self, who, model, method, *args, **kwargs):
        """Call ``model.method`` over JSON-RPC as ``who``; returns (result, error name or None, raw text)."""
        login = self.users[who].login
        self.authenticate(login, login)
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        response = self.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        body = response.json()
        error = body.get("error")
        return body.get("result"), error and error["data"]["name"], response.text

    def assert_refused_without_request(self, who, model, method, *args, **kwargs):
        before = len(self.standin.request_log)
        _result, error, raw = self.rpc(who, model, method, *args, **kwargs)
        self.assertIn(error, ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                      f"{who} must not run {model}.{method}: {raw[:300]}")
        self.assertEqual(self.standin.request_log[before:], [],
                         f"{model}.{method} as {who} reached Mailchimp before being refused")
        self.assert_no_secret(raw)

    def assert_allowed(self, who, model, method, *args, **kwargs):
        result, error, raw = self.rpc(who, model, method, *args, **kwargs)
        self.assertIsNone(error, f"{who} may run {model}.{method}: {raw[:300]}")
        self.assert_no_secret(raw)
        return result

    def assert_no_secret(self, raw):
        for secret in self.secrets:
            self.assertNotIn(secret, raw)

    def new_member(self, email):
        partner = self.env["res.partner"].create({"name": email, "email": email})
        self.account._client().upsert_member(self.audience.mailchimp_id, email,
                                             {"email_address": email, "status_if_new": "subscribed"})
        return self.env["mailchimp.member"].create({
            "partner_id": partner.id, "audience_id": self.audience.id, "email": email, "status": "subscribed"})

    # ------------------------------------------------------------ secrets

    def test_secrets_reach_nobody_but_system_administrators_through_any_path(self):
        account_id = self.account.id
        secret_fields = ["api_key", "oauth_token", "base_url"]
        for who in (PORTAL, INTERNAL, MC_USER, MC_MANAGER):
            with self.subTest(who=who):
                for method, args, kwargs in (
                    ("read", [[account_id], secret_fields], {}),
                    ("search_read", [[]], {"fields": secret_fields}),
                    ("web_read", [[account_id]], {"specification": {name: {} for name in secret_fields}}),
                    ("export_data", [[account_id], secret_fields], {}),
                ):
                    _result, error, raw = self.rpc(who, "mailchimp.account", method, *args, **kwargs)
                    self.assertIsNotNone(error, f"{who} read secrets with {method}")
                    self.assert_no_secret(raw)
                fields_seen, _error, _raw = self.rpc(who, "mailchimp.account", "fields_get", [], ["type"])
                for name in ("api_key", "oauth_token"):
                    self.assertNotIn(name, fields_seen or {})
                for model, names in (("mailchimp.account", ["api_key", "oauth_token"]),
                                     ("mailchimp.connect.wizard", ["api_key", "oauth_token"]),
                                     ("res.config.settings", ["mailchimp_api_key", "mailchimp_oauth_token"])):
                    _result, _error, raw = self.rpc(who, model, "default_get", names)
                    self.assert_no_secret(raw)
                _result, _error, raw = self.rpc(
                    who, "mailchimp.account", "onchange", [account_id], {}, [],
                    {"api_key": {}, "oauth_token": {}})
                self.assert_no_secret(raw)

    def test_system_administrators_read_only_a_hint_of_the_key_in_the_settings(self):
        result = self.assert_allowed(ADMIN, "res.config.settings", "onchange", [], {}, [], {
            "company_id": {}, "mailchimp_account_id": {}, "mailchimp_credential_hint": {},
            "mailchimp_is_connected": {}})
        self.assertTrue(result["value"]["mailchimp_is_connected"])
        self.assertTrue(result["value"]["mailchimp_credential_hint"].startswith("…"))

    def test_templates_and_code_running_as_a_manager_cannot_read_the_key(self):
        """Mail templates render as the user: a field readable by administrators only stays unreadable."""
        self.env.invalidate_all()
        run = self.env["mailchimp.sync.run"].create({"audience_id": self.audience.id})
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            run.with_user(self.users[MC_MANAGER]).audience_id.account_id.api_key  # noqa: B018

    # ------------------------------------------------------------ actions that call Mailchimp

    def test_refresh_audiences_and_schema_only_for_managers(self):
        for who in (PORTAL, INTERNAL, MC_USER):
            with self.subTest(who=who):
                self.assert_refused_without_request(who, "mailchimp.audience", "action_refresh_audiences", [])
                self.assert_refused_without_request(
                    who, "mailchimp.audience", "action_refresh_schema", [self.audience.id])
        for who in MANAGERS:
            with self.subTest(who=who):
                self.assert_allowed(who, "mailchimp.audience", "action_refresh_audiences", [])
                self.assert_allowed(who, "mailchimp.audience", "action_refresh_schema", [self.audience.id])

    def test_sync_now_only_for_managers(self):
        for who in (PORTAL, INTERNAL, MC_USER):
            with self.subTest(who=who):
                self.assert_refused_without_request(who, "mailchimp.audience", "action_sync_now", [self.audience.id])
        self.assertFalse(self.audience.sync_requested)
        self.assert_allowed(MC_MANAGER, "mailchimp.audience", "action_sync_now", [self.audience.id])
        self.assertEqual(self.audience.sync_requested_by, self.users[MC_MANAGER])

    def test_permanent_deletion_is_refused_before_mailchimp_is_asked(self):
        member = self.new_member("erase.me@acme-example.com")
        for who in (PORTAL, INTERNAL, MC_USER):
            with self.subTest(who=who):
                self.assert_refused_without_request(
                    who, "mailchimp.member", "action_delete_permanently", [member.id])
        remote = self.account._client().get_member(self.audience.mailchimp_id, "erase.me@acme-example.com")
        self.assertEqual(remote["status"], "subscribed", "Mailchimp still has the contact")
        self.assertEqual(member.status, "subscribed")
        result = self.assert_allowed(MC_MANAGER, "mailchimp.member", "action_delete_permanently", [member.id])
        self.assertIn("erase.me@acme-example.com", result["params"]["message"])
        self.assertFalse(member.exists(), "forgotten in Odoo, Mailchimp's delete queued for the worker")
        self.assertTrue(self.env["mailchimp.remote.operation"].search(
            [("kind", "=", "permanent_delete"), ("email", "=", "erase.me@acme-example.com")]))

    def test_merge_field_creation_only_for_managers(self):
        for who in (PORTAL, INTERNAL, MC_USER):
            with self.subTest(who=who):
                self.assert_refused_without_request(who, "mailchimp.merge.field.wizard", "create", [{
                    "audience_id": self.audience.id, "tag": "NOPE", "name": "Nope"}])
        wizard_ids = self.assert_allowed(MC_MANAGER, "mailchimp.merge.field.wizard", "create", [{
            "audience_id": self.audience.id, "tag": "MATRIX", "name": "Matrix"}])
        self.assert_allowed(MC_MANAGER, "mailchimp.merge.field.wizard", "action_create", wizard_ids)
        self.assertIn("MATRIX", self.audience.merge_field_ids.mapped("tag"))

    # ------------------------------------------------------------ settings and credentials

    def test_only_system_administrators_connect_or_change_settings(self):
        for who in (PORTAL, INTERNAL, MC_USER, MC_MANAGER):
            with self.subTest(who=who):
                self.assert_refused_without_request(who, "mailchimp.connect.wizard", "create", [{
                    "account_id": self.account.id, "api_key": self.standin.api_key,
                    "base_url": self.standin.base_url}])
                self.assert_refused_without_request(
                    who, "mailchimp.account", "action_open_connect_wizard", [self.account.id])
                self.assert_refused_without_request(who, "mailchimp.account", "action_disconnect", [self.account.id])
                self.assert_refused_without_request(
                    who, "mailchimp.account", "write", [self.account.id], {"report_email": "evil@example.com"})
                self.assert_refused_without_request(
                    who, "res.config.settings", "create", [{"mailchimp_report_email": "evil@example.com"}])
        self.assertEqual(self.account.report_email, "reports@acme-example.com")
        self.assertTrue(self.account.is_connected)
        wizard_ids = self.assert_allowed(ADMIN, "mailchimp.connect.wizard", "create", [{
            "account_id": self.account.id, "api_key": self.standin.api_key, "base_url": self.standin.base_url}])
        result = self.assert_allowed(ADMIN, "mailchimp.connect.wizard", "action_verify_and_save", wizard_ids)
        self.assertEqual(result["params"]["type"], "success")

    # ------------------------------------------------------------ Mailchimp data on customers and tags

    def test_tag_mapping_is_for_mailchimp_managers(self):
        other = self.interest
        for who in (INTERNAL, MC_USER):
            with self.subTest(who=who):
                self.assert_refused_without_request(
                    who, "res.partner.category", "write", [self.tag.id], {"mailchimp_interest_id": False})
        self.assert_refused_without_request(
            MC_USER, "res.partner.category", "create", [{"name": "Sneaky", "mailchimp_interest_id": other.id}])
        self.assertEqual(self.tag.mailchimp_interest_id, other)
        _result, error, _raw = self.rpc(INTERNAL, "res.partner.category", "read", [self.tag.id],
                                        ["mailchimp_interest_id"])
        self.assertIsNotNone(error, "users outside Mailchimp do not see the mapping")
        self.assert_allowed(MC_MANAGER, "res.partner.category", "write", [self.tag.id],
                            {"mailchimp_interest_id": False})
        self.assertFalse(self.tag.mailchimp_interest_id)

    def test_mailchimp_state_of_a_customer_is_for_mailchimp_users(self):
        portal_partner = self.users[PORTAL].partner_id
        for who, partner in ((PORTAL, portal_partner), (INTERNAL, self.customer)):
            with self.subTest(who=who):
                for method, args, kwargs in (
                    ("read", [[partner.id], ["mailchimp_sync_state"]], {}),
                    ("read", [[partner.id], ["mailchimp_member_ids"]], {}),
                    ("web_read", [[partner.id]], {"specification": {"mailchimp_sync_state": {}}}),
                    ("export_data", [[partner.id], ["mailchimp_sync_state"]], {}),
                ):
                    _result, error, _raw = self.rpc(who, "res.partner", method, *args, **kwargs)
                    self.assertIsNotNone(error, f"{who} read the Mailchimp state with {method}")
        result = self.assert_allowed(MC_USER, "res.partner", "read", [self.customer.id], ["mailchimp_sync_state"])
        self.assertTrue(result[0]["mailchimp_sync_state"])

    def test_sales_people_tick_and_untick_without_mailchimp_rights_or_calls(self):
        before = len(self.standin.request_log)
        self.assert_allowed(INTERNAL, "res.partner", "action_mailchimp_unsubscribe", [self.customer.id])
        self.assertFalse(self.customer.mailchimp_subscribe)
        self.assert_allowed(INTERNAL, "res.partner", "write", [self.customer.id], {"mailchimp_subscribe": True})
        self.assertTrue(self.customer.mailchimp_subscribe)
        self.assertEqual(self.standin.request_log[before:], [])
