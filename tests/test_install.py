from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_is_installed_with_its_menus_and_groups(self):
        module = self.env["ir.module.module"].search([("name", "=", "mailchimp_sync")])
        self.assertEqual(module.state, "installed")
        root = self.env.ref("mailchimp_sync.mailchimp_menu_root")
        self.assertEqual(root.name, "Mailchimp")
        self.assertIn(self.env.ref("mailchimp_sync.mailchimp_menu_audiences"), root.child_id)
        manager = self.env.ref("mailchimp_sync.group_mailchimp_manager")
        self.assertIn(self.env.ref("mailchimp_sync.group_mailchimp_user"), manager.implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.users)

    def test_settings_view_renders_for_the_admin(self):
        admin_env = self.env(user=self.env.ref("base.user_admin"))
        arch = admin_env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_mailchimp_connect"', arch)
        self.assertNotIn('name="mailchimp_api_key"', arch, "no secret is a settings field")
        self.assertNotIn('name="mailchimp_oauth_token"', arch, "no secret is a settings field")
        self.assertIn('name="mailchimp_on_archive"', arch)
        self.assertIn('name="mailchimp_report_policy"', arch)
