"""The service backends: each company's credentials of each service are its own, and the shared clients too.

An administrator of company B must not open, replace or forget company A's
credentials of any service, by a button or by a "Connect" dialog given A's
record: refused before any request to the service. A's administrator can.
"""
from unittest.mock import call, patch

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials
from odoo.addons.mailchimp_sync.mailchimp_sync.serwersms import SmsCredentials
from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_monitor import CampaignMonitorCredentials
from odoo.addons.mailchimp_sync.standins.campaign_monitor import CampaignMonitorStandinServer
from odoo.addons.mailchimp_sync.standins.serwersms import SmsStandinServer
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MailchimpCase

ADMIN_GROUPS = "base.group_user,base.group_system,mailchimp_sync.group_mailchimp_manager"


@tagged("post_install", "-at_install")
class TestBackendCompanies(MailchimpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = SmsStandinServer().start()
        cls.addClassCleanup(cls.gateway.stop)
        cls.cm = CampaignMonitorStandinServer().start()
        cls.addClassCleanup(cls.cm.stop)
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Beta Backends"})
        cls.admin_a = new_test_user(cls.env, login="backend_admin_a", company_id=cls.company_a.id,
                                    company_ids=[(6, 0, cls.company_a.ids)], groups=ADMIN_GROUPS)
        cls.admin_b = new_test_user(cls.env, login="backend_admin_b", company_id=cls.company_b.id,
                                    company_ids=[(6, 0, cls.company_b.ids)], groups=ADMIN_GROUPS)
        sms = cls.env["mailchimp.sms.account"]._for_company(cls.company_a)
        sms._connect(SmsCredentials.from_token(cls.gateway.token, base_url=cls.gateway.base_url))
        cm = cls.env["mailchimp.cm.account"]._for_company(cls.company_a)
        cm._connect(CampaignMonitorCredentials.from_key(cls.cm.api_key, cls.cm.client_id, base_url=cls.cm.base_url))
        cls.services = {
            "Mailchimp": (cls.account, {"api_key": cls.standin.api_key, "base_url": cls.standin.base_url},
                          lambda: len(cls.standin.request_log)),
            "SerwerSMS": (sms, {"auth_method": "token", "token": cls.gateway.token, "base_url": cls.gateway.base_url},
                          lambda: len(cls.gateway.calls())),
            "Campaign Monitor": (cm, {"api_key": cls.cm.api_key, "client_id": cls.cm.client_id,
                                      "base_url": cls.cm.base_url},
                                 lambda: len(cls.cm.request_log)),
        }

    def dialog(self, account, user, typed):
        """The service's "Connect" dialog, created by ``user`` for ``account`` (as a crafted RPC would)."""
        return self.env[account._connect_wizard].with_user(user).create({"account_id": account.id, **typed})

    def test_another_companys_admin_is_refused_every_credential_action_before_any_request(self):
        for service, (account, typed, requests) in self.services.items():
            with self.subTest(service=service):
                before = requests()
                mine_not = account.with_user(self.admin_b)
                with self.assertRaises(AccessError):
                    mine_not.action_open_connect_wizard()
                with self.assertRaises(AccessError):
                    self.dialog(account, self.admin_b, typed).action_verify_and_save()
                with self.assertRaises(AccessError):
                    mine_not.action_disconnect()
                self.assertEqual(requests(), before, f"{service} was asked before the refusal")
                self.assertTrue(account.is_connected, "company A's credentials are untouched")

    def test_another_companys_admin_cannot_start_mailchimps_oauth_app_flow_on_its_account(self):
        wizard = self.dialog(self.account, self.admin_b, {"auth_method": "oauth_app", "oauth_client_id": "app",
                                                          "oauth_client_secret": "app-secret"})
        with self.assertRaises(AccessError):
            wizard.action_connect_oauth_app()
        self.assertFalse(self.account.sudo().oauth_pending_client_secret, "nothing kept for company A")

    def test_the_companys_own_admin_opens_verifies_and_disconnects(self):
        for service, (account, typed, requests) in self.services.items():
            with self.subTest(service=service):
                mine = account.with_user(self.admin_a)
                action = mine.action_open_connect_wizard()
                self.assertEqual((action["res_model"], action["context"]["default_account_id"]),
                                 (account._connect_wizard, account.id))
                before = requests()
                answer = self.dialog(account, self.admin_a, typed).action_verify_and_save()
                self.assertEqual(answer["params"]["type"], "success", answer)
                self.assertGreater(requests(), before, f"{service} verified the typed credentials")
                mine.action_disconnect()
                self.assertFalse(account.is_connected)

    def test_credentials_are_readable_by_system_administrators_only(self):
        manager = new_test_user(self.env, login="backend_manager",
                                groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        secrets = {"Mailchimp": "api_key", "SerwerSMS": "token", "Campaign Monitor": "api_key"}
        for service, (account, _typed, _requests) in self.services.items():
            with self.subTest(service=service):
                self.assertTrue(account.with_user(manager).is_connected)
                with self.assertRaises(AccessError):
                    account.with_user(manager).read([secrets[service]])

    def test_each_company_has_its_own_record_per_service(self):
        for model in ("mailchimp.account", "mailchimp.sms.account", "mailchimp.cm.account"):
            with self.subTest(model=model):
                Backend = self.env[model]
                account_b = Backend._for_company(self.company_b)
                self.assertNotEqual(account_b, Backend._for_company(self.company_a))
                self.assertFalse(account_b.is_connected)
                self.assertFalse(Backend.with_user(self.admin_b).search([("company_id", "=", self.company_a.id)]))


@tagged("post_install", "-at_install")
class TestBackendClientCache(MailchimpCase):

    def test_two_databases_with_the_same_account_id_keep_their_own_clients(self):
        """One Odoo process serving two databases: their accounts share an id, not a client."""
        account = self.account
        here = account._client()
        elsewhere = Credentials.from_oauth(self.standin.oauth_token, "us6", base_url=self.standin.base_url)
        with patch.object(type(here), "close", autospec=True) as close:
            with patch.object(self.env.cr, "dbname", "another_database"), \
                    patch.object(type(account), "_credentials", lambda _self: elsewhere):
                there = account._client()
            self.assertIsNot(there, here)
            self.assertEqual(there.credentials, elsewhere)
            self.assertIs(account._client(), here, "the other database did not evict this one's client")
        self.assertNotIn(call(here), close.call_args_list, "nor closed it")
        self.assertTrue(here.ping())

    def test_a_rotated_key_replaces_the_client_without_closing_the_old_one(self):
        old = self.account._client()
        with patch.object(type(old), "close", autospec=True) as close:
            self.account._connect(Credentials.from_oauth(self.standin.oauth_token, "us6",
                                                         base_url=self.standin.base_url))
            new = self.account._client()
        self.assertNotIn(call(old), close.call_args_list, "another thread may still be using it")
        self.assertIsNot(new, old)
        self.assertEqual(new.credentials.kind, "oauth")
