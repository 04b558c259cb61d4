from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.mailchimp_sync.models.mailchimp_backend import (
    PARAM_API_KEY,
    PARAM_BASE_URL,
    PARAM_REPORT_EMAIL,
)

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestSettings(MailchimpCase):
    def open_settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def test_verify_with_a_good_key_saves_it_and_names_the_account(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_API_KEY, False)
        settings = self.open_settings(
            mailchimp_api_key=self.standin.api_key, mailchimp_base_url=self.standin.base_url)
        action = settings.action_mailchimp_verify()
        account_name = self.standin.store.account["account_name"]
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], f"API key saved and verified: {account_name}")
        self.assertEqual(self.get_param(PARAM_API_KEY), self.standin.api_key)

    def test_verify_with_an_oauth_token(self):
        settings = self.open_settings(
            mailchimp_auth_method="oauth", mailchimp_oauth_token=self.standin.oauth_token,
            mailchimp_oauth_dc="us6", mailchimp_base_url=self.standin.base_url)
        action = settings.action_mailchimp_verify()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.get_param("mailchimp_sync.auth_method"), "oauth")
        self.assertEqual(self.get_param("mailchimp_sync.oauth_token"), self.standin.oauth_token)
        self.assertTrue(self.env["mailchimp.backend"]._client().ping())

    def test_verify_with_a_wrong_key_shows_mailchimps_error_and_keeps_the_old_key(self):
        wrong_key = "ffffffffffffffffffffffffffffffff-us6"
        settings = self.open_settings(mailchimp_api_key=wrong_key, mailchimp_base_url=self.standin.base_url)
        action = settings.action_mailchimp_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("API Key Invalid", action["params"]["message"])
        self.assertNotIn("ffffffffffffffffffffffffffffffff", action["params"]["message"])
        self.assertEqual(self.get_param(PARAM_API_KEY), self.standin.api_key)

    def test_verify_with_a_malformed_key_explains_the_form_without_calling_mailchimp(self):
        calls_before = len(self.standin.request_log)
        settings = self.open_settings(mailchimp_api_key="not-a-key", mailchimp_base_url=self.standin.base_url)
        action = settings.action_mailchimp_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("32 hexadecimal characters", action["params"]["message"])
        self.assertEqual(len(self.standin.request_log), calls_before)
        self.assertEqual(self.get_param(PARAM_API_KEY), self.standin.api_key)

    def test_verify_when_mailchimp_is_down_says_so(self):
        self.standin.faults.add(status=503, times=20)
        settings = self.open_settings(
            mailchimp_api_key=self.standin.api_key, mailchimp_base_url=self.standin.base_url)
        action = settings.action_mailchimp_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("503", action["params"]["message"])

    def test_base_url_override_is_saved(self):
        self.open_settings(mailchimp_base_url=self.standin.base_url + "/").execute()
        self.assertEqual(self.get_param(PARAM_BASE_URL), self.standin.base_url + "/")

    def test_report_email_is_validated(self):
        with self.assertRaises(ValidationError):
            self.open_settings(mailchimp_report_email="not an email")
        self.assertEqual(self.get_param(PARAM_REPORT_EMAIL), "reports@acme-example.com")
        self.open_settings(mailchimp_report_email="marketing@acme-example.com").execute()
        self.assertEqual(self.get_param(PARAM_REPORT_EMAIL), "marketing@acme-example.com")

    def test_default_audience_is_stored(self):
        self.env["mailchimp.audience"].action_refresh_audiences()
        audience = self.env["mailchimp.audience"].search([], limit=1)
        self.open_settings(mailchimp_default_audience_id=audience.id).execute()
        self.assertTrue(audience.is_default)
