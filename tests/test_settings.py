from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import MailchimpCase

WRONG_KEY = "ffffffffffffffffffffffffffffffff-us6"


@tagged("post_install", "-at_install")
class TestSettings(MailchimpCase):
    def connect(self, **values):
        """Type into the “Connect to Mailchimp” dialog and press “Verify and save”."""
        wizard = self.env["mailchimp.connect.wizard"].create({"account_id": self.account.id, **values})
        return wizard, wizard.action_verify_and_save()

    def stored_key(self):
        return self.account.sudo().api_key

    def test_verify_with_a_good_key_saves_it_and_names_the_account(self):
        self.account.sudo().write({"api_key": False, "is_connected": False})
        wizard, action = self.connect(api_key=self.standin.api_key, base_url=self.standin.base_url)
        account_name = self.standin.store.account["account_name"]
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], f"API key saved and verified: {account_name}")
        self.assertEqual(self.stored_key(), self.standin.api_key)
        self.assertTrue(self.account.is_connected)
        self.assertEqual(self.account.mailchimp_account_name, account_name)
        self.assertFalse(wizard.api_key, "the wizard does not keep the typed key once saved")

    def test_verify_with_an_oauth_token(self):
        _wizard, action = self.connect(auth_method="oauth", oauth_token=self.standin.oauth_token, oauth_dc="us6",
                                       base_url=self.standin.base_url)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.account.auth_method, "oauth")
        self.assertEqual(self.account.sudo().oauth_token, self.standin.oauth_token)
        self.assertTrue(self.account._client().ping())

    def test_a_key_mailchimp_refuses_is_not_stored_and_the_dialog_says_why(self):
        wizard, action = self.connect(api_key=WRONG_KEY, base_url=self.standin.base_url)
        self.assertEqual(action["res_model"], "mailchimp.connect.wizard", "the dialog stays open")
        self.assertIn("Mailchimp did not accept the API key", wizard.error)
        self.assertNotIn("ffffffffffffffffffffffffffffffff", wizard.error)
        self.assertFalse(wizard.api_key, "the refused key is wiped from the dialog")
        self.assertEqual(self.stored_key(), self.standin.api_key)

    def test_a_malformed_key_explains_the_format_without_calling_mailchimp(self):
        calls_before = len(self.standin.request_log)
        wizard, _action = self.connect(api_key="not-a-key", base_url=self.standin.base_url)
        self.assertIn("32 hexadecimal characters", wizard.error)
        self.assertNotIn("refused", wizard.error, "a malformed key was never shown to Mailchimp")
        self.assertEqual(len(self.standin.request_log), calls_before)
        self.assertEqual(self.stored_key(), self.standin.api_key)

    def test_verify_when_mailchimp_is_down_says_so_and_stores_nothing(self):
        self.account.action_disconnect()
        self.standin.faults.add(status=503, times=20)
        wizard, _action = self.connect(api_key=self.standin.api_key, base_url=self.standin.base_url)
        self.assertIn("503", wizard.error)
        self.assertFalse(self.stored_key())
        self.assertFalse(self.account.is_connected)

    def test_settings_save_stores_the_report_settings_not_credentials(self):
        settings = self.env["res.config.settings"].create({
            "mailchimp_report_email": "marketing@acme-example.com, Jane <jane@acme-example.com>",
            "mailchimp_report_policy": "failures",
            "mailchimp_on_archive": "unsubscribe",
        })
        settings.execute()
        self.assertEqual(self.account.report_email, "marketing@acme-example.com, Jane <jane@acme-example.com>")
        self.assertEqual(self.account.report_policy, "failures")
        self.assertEqual(self.account.on_archive, "unsubscribe")
        self.assertEqual(self.stored_key(), self.standin.api_key)

    def test_report_email_accepts_what_odoo_mail_accepts_and_refuses_the_rest(self):
        for bad in ("not an email", "a@acme-example.com, nonsense"):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self.account.report_email = bad
        self.account.report_email = "a@acme-example.com,b@acme-example.com"
        self.assertEqual(self.account.report_email, "a@acme-example.com,b@acme-example.com")

    def test_rotated_key_replaces_the_cached_client_at_once(self):
        old_client = self.account._client()
        self.connect(oauth_token=self.standin.oauth_token, oauth_dc="us6", auth_method="oauth",
                     base_url=self.standin.base_url)
        new_client = self.account._client()
        self.assertIsNot(new_client, old_client)
        self.assertEqual(new_client.credentials.kind, "oauth")

    def test_disconnect_forgets_the_credentials(self):
        self.account.action_disconnect()
        self.assertFalse(self.stored_key())
        self.assertFalse(self.account.is_connected)

    def test_the_settings_show_each_services_record_and_open_its_connect_dialog(self):
        settings = self.env["res.config.settings"].create({})
        services = (("mailchimp_sms_account_id", "mailchimp.sms.account", "action_mailchimp_sms_connect"),
                    ("mailchimp_cm_account_id", "mailchimp.cm.account", "action_mailchimp_cm_connect"))
        for field, model, button in services:
            with self.subTest(model=model):
                account = self.env[model]._for_company(create=True)
                self.assertEqual(settings[field], account)
                action = getattr(settings, button)()
                self.assertEqual((action["res_model"], action["context"]["default_account_id"]),
                                 (account._connect_wizard, account.id))

    def test_saving_the_settings_without_a_report_email_is_refused_and_the_audience_says_why_it_does_not_sync(self):
        settings = self.env["res.config.settings"].create({"mailchimp_report_email": False})
        with self.assertRaisesRegex(ValidationError, "Type the sync report email"):
            settings.execute()
        self.account.report_email = False
        audience = self.env["mailchimp.audience"].create({
            "name": "Blocked", "mailchimp_id": "blocked01", "account_id": self.account.id})
        self.assertIn("No sync runs: set the sync report email", audience.sync_blocker)
        self.account.report_email = "reports@acme-example.com"
        audience.invalidate_recordset(["sync_blocker"])
        self.assertFalse(audience.sync_blocker)
        self.env["res.config.settings"].create({"mailchimp_report_email": "reports@acme-example.com"}).execute()
