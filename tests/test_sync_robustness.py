"""One bad thing stops nothing else (issue #7): deleted groups and merge fields, international addresses, refusals.

The stand-in lives as long as the test class while Odoo rolls back after each test, so a
test that deletes something in Mailchimp deletes what it created itself: a group of its
own, linked to a tag of its own, or a merge field of its own.
"""
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.mailchimp_sync.models.mailchimp_audience_schema import MailchimpAudience

from .sync_common import MailchimpSyncCase


@tagged("post_install", "-at_install")
class TestSyncRobustness(MailchimpSyncCase):

    # ------------------------------------------------------------ helpers

    def new_group(self, name, category=None):
        """A Mailchimp group (in ``category``, else in a new category) linked to a new tag: (tag, category, id)."""
        if category is None:
            category = self.client.create_interest_category(
                self.list_id, {"title": f"{name} category", "type": "checkboxes"})["id"]
        interest_id = self.client.create_interest(self.list_id, category, {"name": name})["id"]
        self.assertEqual(self.audience._refresh_schema(self.client), [])
        interest = self.env["mailchimp.interest"].search([("mailchimp_id", "=", interest_id)])
        tag = self.env["res.partner.category"].create({"name": f"{name} customers", "mailchimp_interest_id": interest.id})
        return tag, category, interest_id

    def delete_interest(self, category, interest_id):
        self.client.request("DELETE", f"lists/{self.list_id}/interest-categories/{category}/interests/{interest_id}")

    def delete_category(self, category):
        self.client.request("DELETE", f"lists/{self.list_id}/interest-categories/{category}")

    def sync_keeping_warnings(self):
        """Run a sync; returns (run, what the run's ``_refresh_schema`` returned)."""
        returned = []
        original = MailchimpAudience._refresh_schema

        def spy(audience, client):
            warnings = original(audience, client)
            returned.append(warnings)
            return warnings

        with patch.object(MailchimpAudience, "_refresh_schema", spy):
            run = self.sync()
        self.assertEqual(len(returned), 1, "a run refreshes the schema once")
        return run, returned[0]

    def form_state(self, partner):
        """What a form opened now says (the state depends on other customers too: not kept from an earlier read)."""
        partner.invalidate_recordset(["mailchimp_sync_state"])
        return partner.mailchimp_sync_state

    def failures(self, run):
        return run.line_ids.filtered(lambda line: line.kind == "failure")

    # ------------------------------------------------------------ a group deleted in Mailchimp

    def test_a_deleted_group_is_unlinked_with_a_warning_and_the_others_are_pushed(self):
        tag, category, interest_id = self.new_group("Export")
        exporter = self.customer("Exporter", "exporter@acme-example.com", tags=tag)
        both = self.customer("Export and retail", "both.export@acme-example.com", tags=tag | self.tag_retail)
        retail = self.customer("Retailer", "retailer.export@acme-example.com", tags=self.tag_retail)
        self.sync()
        self.assertTrue(self.remote(both.email)["interests"][interest_id])

        self.delete_interest(category, interest_id)
        (exporter | both | retail).write({"function": "Buyer", "phone": "+48 22 600 00 00"})  # all changed
        run, warnings = self.sync_keeping_warnings()

        self.assertEqual(len(warnings), 1, warnings)
        self.assertEqual(run.line_ids.filtered(lambda line: line.kind == "warning").mapped("message"), warnings,
                         "the run (and so its report) lists the warning")
        self.assertIn("Export customers", warnings[0])
        self.assertIn("Export", warnings[0].replace("Export customers", ""))
        self.assertIn("no longer exists in Mailchimp", warnings[0])
        self.assertFalse(tag.with_company(self.audience.company_id).mailchimp_interest_id)
        self.assertNotIn(tag.id, self.audience._mapped_tags())
        self.assertNotIn(interest_id, self.audience._audience_schema().managed_interest_ids)
        self.assertEqual(run.state, "done")
        self.assertFalse(self.failures(run), self.failures(run).mapped("message"))
        for partner in (both, retail):
            remote = self.remote(partner.email)
            self.assertEqual(remote["status"], "subscribed")
            self.assertEqual(remote["merge_fields"]["PHONE"], "+48226000000", "the change was pushed")
            self.assertNotIn(interest_id, remote["interests"])
            self.assertEqual(partner.mailchimp_sync_state, "Synced to Mailchimp")
        self.assertEqual(self.remote(exporter.email)["status"], "unsubscribed",
                         "in the audience only through the deleted group: out of it, as for any unlinked tag")
        self.assertEqual(self.audience._refresh_schema(self.client), [], "the warning is given once")

    def test_a_deleted_group_category_unlinks_each_of_its_groups(self):
        tag_north, category, north = self.new_group("North")
        tag_south, _category, _south = self.new_group("South", category=category)
        customer = self.customer("Northerner", "north@acme-example.com", tags=tag_north | self.tag_retail)
        self.sync()

        self.delete_category(category)
        customer.function = "Owner"
        warnings = self.audience._refresh_schema(self.client)

        self.assertEqual(len(warnings), 2, warnings)
        self.assertTrue(any("North customers" in warning for warning in warnings))
        self.assertTrue(any("South customers" in warning for warning in warnings))
        self.assertFalse((tag_north | tag_south).with_company(self.audience.company_id).mailchimp_interest_id)
        run = self.sync()
        self.assertFalse(self.failures(run), self.failures(run).mapped("message"))
        remote = self.remote(customer.email)
        self.assertEqual(remote["status"], "subscribed")
        self.assertNotIn(north, remote["interests"])
        self.assertTrue(remote["interests"][self.remote_interest["Retail"]])

    def test_the_refresh_button_shows_the_warnings(self):
        _tag, category, interest_id = self.new_group("Button")
        self.delete_interest(category, interest_id)
        action = self.audience.action_refresh_schema()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Button customers", action["params"]["message"])
        self.assertEqual(self.audience.action_refresh_schema()["params"]["type"], "success")

    def test_the_link_of_another_company_is_left_alone(self):
        tag, category, interest_id = self.new_group("Shared")
        other_company = self.env["res.company"].create({"name": "Other company"})
        interest = self.env["mailchimp.interest"].search([("mailchimp_id", "=", interest_id)])
        tag.with_company(other_company).mailchimp_interest_id = interest  # (a link no audience of it uses)
        self.delete_interest(category, interest_id)
        self.assertEqual(len(self.audience._refresh_schema(self.client)), 1)
        self.assertFalse(tag.with_company(self.audience.company_id).mailchimp_interest_id)
        self.assertEqual(tag.with_company(other_company).mailchimp_interest_id, interest)

    # ------------------------------------------------------------ a representative merge field deleted in Mailchimp

    def test_a_deleted_representative_merge_field_is_warned_about_and_the_rest_is_pushed(self):
        merge_field = self.client.create_merge_field(self.list_id, {"tag": "BUYERS", "name": "Buyers", "type": "text"})
        self.assertEqual(self.audience._refresh_schema(self.client), [])
        representative = self.env["mailchimp.representative.field"].create({
            "audience_id": self.audience.id, "merge_tag": "BUYERS",
            "field_id": self.env["ir.model.fields"]._get("res.partner", "function").id})
        company = self.customer("Buyer Holding", "buyers@acme-example.com", is_company=True)
        self.env["res.partner"].create({"parent_id": company.id, "type": "contact", "name": "Jane Doe",
                                        "function": "Head buyer"})
        self.sync()
        self.assertEqual(self.remote(company.email)["merge_fields"]["BUYERS"], "Head buyer")

        self.client.request("DELETE", f"lists/{self.list_id}/merge-fields/{merge_field['merge_id']}")
        company.name = "Buyer Holding S.A."
        run, warnings = self.sync_keeping_warnings()

        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("BUYERS", warnings[0])
        self.assertIn("Customers", warnings[0])
        self.assertIn(representative.field_id.field_description, warnings[0])
        self.assertIn("no longer exists in Mailchimp", warnings[0])
        self.assertTrue(representative.missing_in_mailchimp)
        self.assertFalse(self.failures(run), self.failures(run).mapped("message"))
        remote = self.remote(company.email)
        self.assertEqual(remote["merge_fields"]["FNAME"], "Buyer Holding S.A.")
        self.assertNotIn("BUYERS", remote["merge_fields"])
        self.assertEqual(self.audience._refresh_schema(self.client), [], "the warning is given once")

    # ------------------------------------------------------------ internationalized addresses

    def test_an_internationalized_domain_is_synced_in_ascii_and_kept_as_written(self):
        punycode = self.customer("Bernd", "bernd@xn--mnchen-3ya.de", tags=self.tag_retail)
        unicode_ = self.customer("Berta", "berta@münchen.de", tags=self.tag_retail)
        run = self.sync()

        self.assertFalse(self.failures(run), self.failures(run).mapped("message"))
        self.assertEqual(run.created_count, 2)
        for partner, ascii_email in ((punycode, "bernd@xn--mnchen-3ya.de"), (unicode_, "berta@xn--mnchen-3ya.de")):
            remote = self.remote(ascii_email)
            self.assertEqual(remote["status"], "subscribed")
            self.assertEqual(remote["email_address"], ascii_email)
            self.assertEqual(self.member_of(partner).email, ascii_email)
            self.assertEqual(partner.mailchimp_sync_state, "Synced to Mailchimp")
        self.assertEqual(punycode.email, "bernd@xn--mnchen-3ya.de", "the customer keeps what was typed")
        self.assertEqual(unicode_.email, "berta@münchen.de")
        calls = len(self.batch_calls())
        self.sync()
        self.assertEqual(len(self.batch_calls()), calls, "no rename, no push: nothing changed")

    def test_an_address_mailchimp_cannot_take_is_not_eligible(self):
        jorg = self.customer("Jörg", "jörg@münchen.de", tags=self.tag_retail)
        run = self.sync()
        self.assertEqual(jorg.mailchimp_sync_state, "Not synced: no valid email address")
        self.assertFalse(self.failures(run))
        self.assertFalse(self.member_of(jorg).payload_hash)

    # ------------------------------------------------------------ the form says what is true

    def test_a_customer_mailchimp_refused_shows_the_refusal_not_waiting(self):
        fake = self.customer("Fake", "someone@acme.example", tags=self.tag_retail)
        self.sync()
        member = self.member_of(fake)
        self.assertTrue(member.error_hash)
        self.assertFalse(member.need_sync)
        state = fake.mailchimp_sync_state
        self.assertTrue(state.startswith("Not synced: Mailchimp refused it: "), state)
        self.assertIn("looks fake or invalid", state)
        self.assertNotIn("Mailchimp rejected the contact", state)
        self.assertNotIn("\n", state)

        self.sync()
        self.assertTrue(fake.mailchimp_sync_state.startswith("Not synced: Mailchimp refused it: "),
                        "still the refusal after a run that did not send it again")
        fake.name = "Fake Buyer"  # its item changed: the next run sends it again
        self.assertTrue(self.member_of(fake).need_sync)
        self.assertIn("Mailchimp refused it", fake.mailchimp_sync_state)
        self.assertIn("next sync", fake.mailchimp_sync_state)

        fake.email = "someone@acme-example.com"
        self.sync()
        self.assertEqual(fake.mailchimp_sync_state, "Synced to Mailchimp")

    def test_a_held_back_duplicate_says_so_even_with_its_old_member(self):
        owner = self.customer("Owner", "shared.form@acme-example.com", subscribe=False)
        held_back = self.customer("Held back", "shared.form@acme-example.com")
        self.sync()
        self.assertEqual(held_back.mailchimp_sync_state, "Synced to Mailchimp")
        self.assertEqual(self.member_of(held_back).status, "subscribed")

        owner.mailchimp_subscribe = True  # the older customer now keeps the address
        self.assertEqual(self.form_state(held_back), f"Not synced: same email as {owner.display_name}")
        self.sync()
        self.assertEqual(self.form_state(held_back), f"Not synced: same email as {owner.display_name}")
        self.assertEqual(self.form_state(owner), "Synced to Mailchimp")
        self.assertEqual(self.remote(owner.email)["merge_fields"]["FNAME"], "Owner")
