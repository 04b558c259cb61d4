"""Two companies, two Mailchimp accounts: each company's customers go only to its own audiences."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mailchimp_sync.standins.mailchimp import StandinServer

from .common import MailchimpCase, new_list_body


def make_audience(client, name):
    """A list with one interest in Mailchimp; returns (list id, interest id)."""
    list_id = client.create_list(new_list_body(name))["id"]
    category = client.create_interest_category(list_id, {"title": "Groups", "type": "checkboxes"})
    interest = client.create_interest(list_id, category["id"], {"name": "Newsletter"})
    return list_id, interest["id"]


@tagged("post_install", "-at_install")
class TestCompanies(MailchimpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Beta Sp. z o.o."})
        cls.standin_b = StandinServer().start()
        cls.addClassCleanup(cls.standin_b.stop)
        cls.account_b = cls.connect_account(cls.company_b, cls.standin_b, report_email="reports@beta-example.com")
        cls.list_a, cls.interest_a = make_audience(cls.account._client(), "Alpha news")
        cls.list_b, cls.interest_b = make_audience(cls.account_b._client(), "Beta news")
        Audience = cls.env["mailchimp.audience"]
        for company in (cls.company_a, cls.company_b):
            Audience.with_company(company).action_refresh_audiences()
        cls.audience_a = Audience.search([("mailchimp_id", "=", cls.list_a)])
        cls.audience_b = Audience.search([("mailchimp_id", "=", cls.list_b)])
        for audience in cls.audience_a | cls.audience_b:
            audience._refresh_schema(audience._client())
        cls.tag = cls.env["res.partner.category"].create({"name": "Newsletter readers"})
        Interest = cls.env["mailchimp.interest"]
        cls.tag.with_company(cls.company_a).mailchimp_interest_id = Interest.search(
            [("mailchimp_id", "=", cls.interest_a)])
        cls.tag.with_company(cls.company_b).mailchimp_interest_id = Interest.search(
            [("mailchimp_id", "=", cls.interest_b)])
        cls.env["res.partner"].search([("mailchimp_subscribe", "=", True)]).mailchimp_subscribe = False

    def customer(self, name, email, company):
        return self.env["res.partner"].create({
            "name": name, "email": email, "company_id": company.id if company else False,
            "category_id": [(6, 0, self.tag.ids)], "mailchimp_subscribe": True})

    @staticmethod
    def remote_emails(standin, list_id):
        client_members = standin.store.audiences[list_id].members.values()
        return {member.email_address.lower() for member in client_members}

    def test_each_company_keeps_its_own_account_and_audiences(self):
        self.assertEqual(self.audience_a.account_id, self.account)
        self.assertEqual(self.audience_b.account_id, self.account_b)
        self.assertEqual(self.audience_b.company_id, self.company_b)
        self.assertNotIn(self.list_b, self.env["mailchimp.audience"].search(
            [("account_id", "=", self.account.id)]).mapped("mailchimp_id"))

    def test_customers_go_only_to_their_companys_audience(self):
        self.customer("Alpha Shop", "shop@alpha-example.com", self.company_a)
        self.customer("Beta Shop", "shop@beta-example.com", self.company_b)
        self.customer("Shared Shop", "shop@shared-example.com", None)
        run_a = self.audience_a._sync_members()
        run_b = self.audience_b._sync_members()
        self.assertEqual(run_a.state, "done")
        self.assertEqual(run_b.state, "done")
        self.assertEqual(self.remote_emails(self.standin, self.list_a),
                         {"shop@alpha-example.com", "shop@shared-example.com"})
        self.assertEqual(self.remote_emails(self.standin_b, self.list_b),
                         {"shop@beta-example.com", "shop@shared-example.com"})

    def test_users_of_one_company_see_nothing_of_the_other(self):
        user_a = new_test_user(self.env, login="alpha_manager", company_id=self.company_a.id,
                               company_ids=[(6, 0, self.company_a.ids)],
                               groups="base.group_user,mailchimp_sync.group_mailchimp_manager")
        self.customer("Beta Only", "only@beta-example.com", self.company_b)
        run_b = self.audience_b._sync_members()
        env_a = self.env(user=user_a)
        visible = env_a["mailchimp.audience"].search([])
        self.assertIn(self.audience_a.id, visible.ids)
        self.assertEqual(visible.company_id, self.company_a.with_env(env_a))
        self.assertFalse(env_a["mailchimp.account"].search([("company_id", "=", self.company_b.id)]))
        self.assertFalse(env_a["mailchimp.member"].search([("audience_id", "=", self.audience_b.id)]))
        self.assertFalse(env_a["mailchimp.sync.run"].search([("id", "=", run_b.id)]))
        with self.assertRaises(AccessError):
            self.audience_b.with_user(user_a).read(["name"])
