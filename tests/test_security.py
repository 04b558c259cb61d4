from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestSecurity(MailchimpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mailchimp.audience"].action_refresh_audiences()
        cls.salesman = new_test_user(
            cls.env, login="mc_salesman", groups="base.group_user,base.group_partner_manager")
        cls.mailchimp_user = new_test_user(
            cls.env, login="mc_user", groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        cls.mailchimp_manager = new_test_user(
            cls.env, login="mc_manager", groups="base.group_user,mailchimp_sync.group_mailchimp_manager")

    def test_user_without_the_group_sees_no_audience(self):
        with self.assertRaises(AccessError):
            self.env["mailchimp.audience"].with_user(self.salesman).search([])

    def test_mailchimp_user_reads_but_does_not_change_audiences(self):
        audiences = self.env["mailchimp.audience"].with_user(self.mailchimp_user).search([])
        self.assertTrue(audiences)
        with self.assertRaises(AccessError):
            audiences[0].write({"name": "Renamed"})

    def test_credentials_are_for_system_administrators_only(self):
        for user in (self.salesman, self.mailchimp_user, self.mailchimp_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["ir.config_parameter"].with_user(user).get_param("mailchimp_sync.api_key")
                settings_fields = self.env["res.config.settings"].with_user(user).fields_get()
                self.assertNotIn("mailchimp_api_key", settings_fields)
                self.assertNotIn("mailchimp_oauth_token", settings_fields)

    def test_sales_person_without_the_group_still_manages_customers(self):
        """Ticking, editing and deleting customers never needs access to Mailchimp's records."""
        tag = self.env["res.partner.category"].create({"name": "Newsletter"})
        audience = self.env["mailchimp.audience"].search([], limit=1)
        customer = self.env["res.partner"].create({"name": "Shop", "email": "shop@acme-example.com"})
        self.env["mailchimp.member"].create({"partner_id": customer.id, "audience_id": audience.id,
                                             "need_sync": False})
        as_salesman = customer.with_user(self.salesman)
        as_salesman.write({"mailchimp_subscribe": True, "category_id": [(4, tag.id)]})
        self.assertIn("Not synced", as_salesman.mailchimp_sync_state)
        self.assertTrue(customer.mailchimp_member_ids.need_sync)
        as_salesman.unlink()
        self.assertFalse(self.env["mailchimp.member"].search([("audience_id", "=", audience.id)]).partner_id)
