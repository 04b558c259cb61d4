"""Connect with a registered Mailchimp app (OAuth2), through the real callback route and the stand-in."""
import json
from urllib.parse import parse_qs, urlsplit

import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials

from .common import MailchimpStandinMixin


@tagged("post_install", "-at_install")
class TestOAuthConnect(MailchimpStandinMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client_id, cls.client_secret = cls.standin.register_oauth_app()
        cls.oauth_server = f"{cls.standin.root_url}/oauth2"

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        self.authenticate("admin", "admin")

    # ------------------------------------------------------------ as the browser does it

    def press_connect(self, client_secret=None):
        """Choose "OAuth app" in the dialog, type the app's ID and secret, press "Connect to Mailchimp"."""
        wizard = self.env["mailchimp.connect.wizard"].create({
            "account_id": self.account.id, "auth_method": "oauth_app", "oauth_client_id": self.client_id,
            "oauth_client_secret": client_secret or self.client_secret, "oauth_server_url": self.oauth_server})
        action = self.make_jsonrpc_request("/web/dataset/call_button", {
            "model": "mailchimp.connect.wizard", "method": "action_connect_oauth_app",
            "args": [[wizard.id]], "kwargs": {}})
        self.assertEqual(action["type"], "ir.actions.act_url")
        return action["url"]

    def allow_in_mailchimp(self, authorize_url):
        """The user allows Odoo in on Mailchimp's page; Mailchimp sends the browser back: the callback URL."""
        answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def open_callback(self, url):
        response = self.url_open(url, allow_redirects=False)
        return response.status_code, response.text

    def stored(self):
        account = self.account.sudo()
        account.invalidate_recordset()
        return account.read(["auth_method", "oauth_token", "oauth_dc", "is_connected", "base_url"])[0]

    def disconnect_first(self):
        self.account.sudo().action_disconnect()
        return self.stored()

    # ------------------------------------------------------------ the tests

    def test_full_round_trip_connects_and_disconnect_forgets_the_token(self):
        self.disconnect_first()
        authorize = self.press_connect()
        parts = urlsplit(authorize)
        query = parse_qs(parts.query)
        self.assertEqual(query["redirect_uri"], [f"{self.base_url()}/mailchimp/oauth/callback"])
        self.assertEqual(query["client_id"], [self.client_id])
        self.assertNotEqual(self.account.sudo().read(["oauth_client_secret"])[0]["oauth_client_secret"],
                            self.client_secret, "the app is the account's only once Mailchimp accepted it")
        status, page = self.open_callback(self.allow_in_mailchimp(authorize))
        account_name = self.standin.store.account["account_name"]
        self.assertEqual(status, 200)
        self.assertIn(f"Connected to {account_name}", page)
        stored = self.stored()
        self.assertEqual(stored["auth_method"], "oauth_app")
        self.assertEqual(stored["oauth_dc"], self.standin.dc)
        self.assertEqual(stored["base_url"], self.standin.base_url)
        self.assertIn(stored["oauth_token"], self.standin.store.oauth_tokens)
        self.assertTrue(stored["is_connected"])
        app = self.account.sudo().read(["oauth_client_id", "oauth_client_secret", "oauth_pending_client_secret"])[0]
        self.assertEqual((app["oauth_client_id"], app["oauth_client_secret"], app["oauth_pending_client_secret"]),
                         (self.client_id, self.client_secret, False))
        self.assertEqual(self.account._client().ping()["health_status"], "Everything's Chimpy!")
        self.account.action_disconnect()
        self.assertFalse(self.stored()["oauth_token"])

    def test_a_replayed_callback_is_refused_and_changes_nothing(self):
        callback = self.allow_in_mailchimp(self.press_connect())
        self.assertEqual(self.open_callback(callback)[0], 200)
        self.account.sudo().action_disconnect()
        before = self.stored()
        status, page = self.open_callback(callback)
        self.assertEqual(status, 400)
        self.assertIn("used already", page)
        self.assertEqual(self.stored(), before)

    def test_a_state_from_another_session_is_refused_and_nothing_is_stored(self):
        before = self.disconnect_first()
        callback = self.allow_in_mailchimp(self.press_connect())
        self.authenticate("admin", "admin")  # another browser session
        status, page = self.open_callback(callback)
        self.assertEqual(status, 400)
        self.assertIn("state mismatch", page)
        self.assertEqual(self.stored(), before)

    def test_a_forged_state_and_a_missing_code_say_what_happened(self):
        before = self.disconnect_first()
        callback = self.allow_in_mailchimp(self.press_connect())
        query = parse_qs(urlsplit(callback).query)
        forged = query["state"][0].replace(".", ".x", 1)
        self.assertIn("state mismatch", self.open_callback(f"/mailchimp/oauth/callback?code=c&state={forged}")[1])
        status, page = self.open_callback(f"/mailchimp/oauth/callback?state={query['state'][0]}")
        self.assertEqual(status, 400)
        self.assertIn("no authorization code", page)
        self.assertEqual(self.stored(), before)

    def test_access_denied_in_mailchimp_is_explained(self):
        before = self.disconnect_first()
        authorize = self.press_connect()
        requests.post(f"{self.standin.root_url}/_standin/oauth/deny", json={}, timeout=5)
        status, page = self.open_callback(self.allow_in_mailchimp(authorize))
        self.assertEqual(status, 400)
        self.assertIn("Access was denied in Mailchimp", page)
        self.assertEqual(self.stored(), before)

    def test_a_wrong_client_secret_is_explained_and_nothing_is_stored(self):
        before = self.disconnect_first()
        status, page = self.open_callback(self.allow_in_mailchimp(self.press_connect(client_secret="wrong-secret")))
        self.assertEqual(status, 400)
        self.assertIn("client ID or client secret", page)
        self.assertNotIn("wrong-secret", page)
        self.assertEqual(self.stored(), before)
        app = self.account.sudo().read(["oauth_client_secret", "oauth_pending_client_secret"])[0]
        self.assertNotIn("wrong-secret", (app["oauth_client_secret"], app["oauth_pending_client_secret"]),
                         "a refused client secret is stored nowhere")

    def test_the_connect_button_and_secrets_are_for_system_administrators(self):
        user = new_test_user(self.env, login="mc_user_oauth", groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        manager = new_test_user(self.env, login="mc_manager_oauth",
                                groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        for someone in (user, manager):
            account = self.account.with_user(someone)
            for secret in ("oauth_client_secret", "oauth_token", "oauth_client_id"):
                with self.assertRaises(AccessError):
                    account.read([secret])
            with self.assertRaises(AccessError):
                account._oauth_start(self.client_id, self.client_secret, self.oauth_server)
            self.assertTrue(account.read(["oauth_redirect_uri"])[0]["oauth_redirect_uri"].endswith(
                "/mailchimp/oauth/callback"))


@tagged("post_install", "-at_install")
class TestReconnectNeeded(MailchimpStandinMixin, HttpCase):
    """A revoked token: the account is flagged once, says so everywhere, and nothing calls Mailchimp again."""

    def setUp(self):
        super().setUp()
        token = self.standin.store.add_oauth_token()
        self.account.sudo()._connect(Credentials.from_oauth(token, self.standin.dc, base_url=self.standin.base_url))
        self.account.sudo().auth_method = "oauth_app"
        self.account.sudo().report_email = "reports@acme-example.com"
        self.standin.store.revoke_credential(token)
        self.audience = self.env["mailchimp.audience"].create({
            "name": "Newsletter", "mailchimp_id": next(iter(self.standin.store.audiences)),
            "account_id": self.account.id})

    def api_requests(self):
        return sum(1 for logged in self.standin.request_log if logged.path.startswith("/3.0"))

    def test_a_revoked_token_flags_the_account_with_one_message_and_no_retries(self):
        before = self.api_requests()
        run = self.audience._sync_members()
        self.assertEqual(run.state, "failed")
        self.assertIn("Reconnect needed", run.message)
        self.assertEqual(self.api_requests(), before + 1, "one refused call, no retry")
        self.assertTrue(self.account.reconnect_needed)
        self.assertIn("Reconnect needed", self.account.reconnect_message)
        reports = self.env["mail.mail"].search([("subject", "ilike", "Mailchimp sync of Newsletter")])
        self.assertTrue(any("Reconnect needed" in (mail.body_html or "") for mail in reports))
        with self.assertRaisesRegex(UserError, "Reconnect needed"):
            self.audience._check_sync_possible()
        self.audience.sync_requested = True
        self.env["mailchimp.audience"]._cron_sync()
        self.assertEqual(self.api_requests(), before + 1, "the scheduled job does not call Mailchimp again")
        self.assertEqual(len(self.audience.sync_run_ids), 1)
        with self.assertRaisesRegex(UserError, "Reconnect needed"):
            self.env["mailchimp.audience"].action_refresh_audiences()

    def test_a_button_meeting_a_revoked_token_flags_the_account(self):
        before = self.api_requests()
        try:  # not assertRaises: its savepoint would undo the flag (a real rollback writes it again on its own)
            self.env["mailchimp.audience"].action_refresh_audiences()
        except UserError as error:
            message = str(error)
        self.assertIn("Mailchimp did not accept the OAuth token", message)
        self.assertNotIn("API key", message)
        self.assertIn("Reconnect needed", message)
        self.account.invalidate_recordset()
        self.assertTrue(self.account.reconnect_needed)
        with self.assertRaisesRegex(UserError, "Reconnect needed"):
            self.env["mailchimp.audience"].action_refresh_audiences()
        self.assertEqual(self.api_requests(), before + 1)

    def test_after_disconnect_a_sync_says_mailchimp_is_not_connected(self):
        self.account.action_disconnect()
        with self.assertRaisesRegex(UserError, "Mailchimp is not connected for .*Settings → Mailchimp") as caught:
            self.audience._check_sync_possible()
        self.assertNotIn("token is empty", str(caught.exception))

    def test_the_settings_offer_reconnect_instead_of_a_green_connected(self):
        self.account.sudo().write({"reconnect_needed": True, "reconnect_message": self.account._reconnect_sentence()})
        self.start_tour("/odoo", "mailchimp_sync_reconnect_needed", login="admin")

    def press_refresh_audiences(self):
        """The list's "Refresh audiences" button, as the browser calls it; the error's message."""
        response = self.url_open("/web/dataset/call_kw/mailchimp.audience/action_refresh_audiences", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": "mailchimp.audience", "method": "action_refresh_audiences", "args": [[]], "kwargs": {}},
        }), headers={"Content-Type": "application/json"})
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        return error["message"]

    def test_the_flag_a_pressed_button_learns_survives_the_requests_rollback(self):
        """Odoo rolls the failed request back: the flag is recorded in its own transaction all the same."""
        self.authenticate("admin", "admin")
        before = self.api_requests()
        for press in (1, 2):
            self.assertIn("Reconnect needed", self.press_refresh_audiences())
            self.account.invalidate_recordset()
            self.assertTrue(self.account.reconnect_needed, f"flagged after press {press}")
        self.assertEqual(self.api_requests(), before + 1, "the second press asks Mailchimp nothing")
