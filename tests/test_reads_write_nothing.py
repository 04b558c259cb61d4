"""Reading never writes: opening a customer's form creates no Mailchimp account (issue #17)."""
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestReadsWriteNothing(MailchimpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Beta without Mailchimp"})
        cls.env["mailchimp.account"].sudo().search([("company_id", "=", cls.company_b.id)]).unlink()
        cls.user_b = new_test_user(cls.env, login="reader_b", company_id=cls.company_b.id,
                                   company_ids=[(6, 0, cls.company_b.ids)],
                                   groups="base.group_user,base.group_partner_manager,"
                                          "mailchimp_sync.group_mailchimp_user")
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Bea", "email": "bea@beta-example.com", "company_id": cls.company_b.id})

    def test_opening_a_customer_form_of_a_company_without_an_account_creates_none(self):
        Partner = self.env["res.partner"].with_user(self.user_b).with_company(self.company_b)
        form_fields = Partner.get_views([(False, "form")])["models"]["res.partner"]["fields"]
        self.assertIn("mailchimp_audience_count", form_fields, "the panel's fields are on the form")

        account_class = type(self.env["mailchimp.account"])
        with patch.object(account_class, "create", side_effect=AssertionError("a read created an account")):
            Partner.browse(self.customer_b.id).web_read({name: {} for name in form_fields})

        self.assertFalse(self.env["mailchimp.account"].sudo().with_context(active_test=False).search_count(
            [("company_id", "=", self.company_b.id)]))
