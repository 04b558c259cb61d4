"""The report of email addresses several customers share: who keeps the member (as the sync does), per company,
and Odoo's merge of contacts opened on them."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .sync_common import MailchimpSyncCase


class TestDuplicatesReport(MailchimpSyncCase):
    def rows(self, email_key, user=None):
        Report = self.env["mailchimp.duplicate"].with_user(user) if user else self.env["mailchimp.duplicate"]
        return Report.search([("email_key", "=", email_key)])

    def test_the_report_names_as_keeper_the_customer_the_sync_pushes_and_says_why(self):
        contact = self.customer("Jan Office", "Office@Shared-Example.com")
        company = self.customer("Shared Company", "office@shared-example.com", is_company=True)
        unticked = self.customer("Ewa Office", "office@shared-example.com", subscribe=False)
        self.customer("Someone Else", "else@shared-example.com")

        rows = self.rows("office@shared-example.com")
        self.assertEqual(rows.partner_id, contact | company | unticked)
        self.assertEqual(set(rows.mapped("sharer_count")), {3})
        self.assertEqual(rows.kept_partner_id, company)
        by_partner = {row.partner_id: row for row in rows}
        self.assertEqual((by_partner[company].role, by_partner[company].explanation),
                         ("keeps", "A company keeps a shared address over individual contacts"))
        self.assertEqual(by_partner[contact].role, "held_back")
        self.assertEqual(by_partner[contact].explanation, contact.mailchimp_sync_state)
        self.assertEqual(by_partner[unticked].role, "not_synced")
        self.assertEqual(by_partner[unticked].explanation, "Not synced: the Mailchimp subscription box is not ticked")
        self.assertFalse(self.rows("else@shared-example.com"), "an address nobody shares is not in the report")

        self.sync()
        self.assertTrue(self.member_of(company))
        self.assertFalse(self.member_of(contact) | self.member_of(unticked))
        self.assertEqual(self.remote("office@shared-example.com")["status"], "subscribed")

    def test_among_equals_the_oldest_keeps_it_and_an_archived_customer_is_left_out(self):
        older = self.customer("Anna Older", "anna@shared-example.com")
        newer = self.customer("Anna Newer", "anna@shared-example.com")
        archived = self.customer("Anna Archived", "anna@shared-example.com", active=False)

        rows = self.rows("anna@shared-example.com")
        self.assertEqual(rows.partner_id, older | newer)
        keeper = rows.filtered(lambda row: row.role == "keeps")
        self.assertEqual(keeper.partner_id, older)
        self.assertEqual(keeper.explanation, "The oldest of the customers that could keep it")
        self.sync()
        self.assertTrue(self.member_of(older))
        self.assertFalse(self.member_of(newer) | self.member_of(archived))

    def test_addresses_are_shared_within_a_company_and_users_see_their_companies_only(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Beta Duplicates"})
        mine = self.customer("Of A", "split@shared-example.com", company_id=company_a.id)
        self.customer("Of B", "split@shared-example.com", company_id=company_b.id)
        self.assertFalse(self.rows("split@shared-example.com"), "customers of two companies do not share")

        common = self.customer("Of None", "split@shared-example.com")
        rows = self.rows("split@shared-example.com")
        self.assertEqual(rows.mapped("company_id"), company_a | company_b)
        self.assertEqual(rows.filtered(lambda row: row.company_id == company_a).partner_id, mine | common)
        self.assertEqual(rows.filtered(lambda row: row.company_id == company_a).kept_partner_id, mine)
        # Company B has no audience: nobody there can be synced.
        self.assertEqual(set(rows.filtered(lambda row: row.company_id == company_b).mapped("role")), {"not_synced"})

        user_a = new_test_user(self.env, login="duplicates_user_a", company_id=company_a.id,
                               company_ids=[company_a.id], groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        self.assertEqual(self.rows("split@shared-example.com", user_a).company_id, company_a)
        menu = self.env.ref("mailchimp_sync.mailchimp_menu_duplicates")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(user_a)._visible_menu_ids(),
                      "Mailchimp users reach the report")

    def test_merge_opens_odoos_merge_of_contacts_with_the_sharers_and_the_keeper_remaining(self):
        contact = self.customer("Merge Contact", "merge@shared-example.com")
        company = self.customer("Merge Company", "merge@shared-example.com", is_company=True)
        row = self.rows("merge@shared-example.com").filtered(lambda row: row.partner_id == contact)

        action = row.action_merge_contacts()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard._name, "base.partner.merge.automatic.wizard")
        self.assertEqual(wizard.partner_ids, contact | company)
        self.assertEqual(wizard.dst_partner_id, company)
        self.assertEqual(wizard.state, "selection")

        reader = new_test_user(self.env, login="duplicates_reader",
                               groups="base.group_user,mailchimp_sync.group_mailchimp_user")
        self.assertFalse(reader.has_group("base.group_partner_manager"))
        with self.assertRaises(AccessError):
            row.with_user(reader).action_merge_contacts()
