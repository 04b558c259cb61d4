"""One identity for an address (the core's ``email_key``): sync runs, deliveries from Mailchimp and the
upgrade that fills it."""
import urllib.parse

from .sync_common import MailchimpSyncCase



class TestEmailIdentity(MailchimpSyncCase):
    def deliver(self, event_type, email, **data):
        """A webhook delivery as Mailchimp posts it (fired after the customers' last change)."""
        pairs = [("type", event_type), ("fired_at", "2030-01-01 10:00:00"), ("data[list_id]", self.list_id),
                 ("data[email]", email)] + [(f"data[{key}]", value) for key, value in data.items()]
        raw = urllib.parse.urlencode(pairs).encode()
        return self.env["mailchimp.webhook.event"]._receive_webhook(self.audience, raw)

    def test_a_unicode_and_a_punycode_domain_are_one_address_one_member_the_other_held_back(self):
        first = self.customer("First Munich", "first@münchen.de")
        second = self.customer("Second Munich", "first@xn--mnchen-3ya.de")
        self.assertEqual(first.mailchimp_email_key, second.mailchimp_email_key)
        run = self.sync()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(run.conflict_count, 1)
        self.assertEqual(self.member_of(first).email, "first@xn--mnchen-3ya.de")
        self.assertFalse(self.member_of(second))
        skipped = run.skipped_line_ids.filtered(lambda line: line.partner_id == second)
        self.assertEqual(skipped.reason, "duplicate_email")
        self.assertEqual(second.mailchimp_sync_state, "Not synced: same email as First Munich")

    def test_a_company_with_the_other_form_of_a_members_address_takes_it_over(self):
        contact = self.customer("Contact Munich", "office@münchen.de")
        self.sync()
        company = self.customer("Munich Company", "Office@XN--MNCHEN-3YA.DE", is_company=True)
        run = self.sync()
        self.assertEqual(run.conflict_count, 1)
        self.assertEqual(self.member_of(contact).skip_reason, "duplicate_email")
        self.assertEqual(contact.mailchimp_sync_state, "Not synced: same email as Munich Company")
        self.assertEqual(self.member_of(company).email, "Office@xn--mnchen-3ya.de")
        self.assertEqual(self.remote("office@xn--mnchen-3ya.de")["status"], "subscribed")

    def test_a_field_of_several_addresses_syncs_its_first_valid_one_and_the_form_says_so(self):
        customer = self.customer("Two Addresses", "not an address; first@acme-example.com, second@acme-example.com")
        run = self.sync()
        self.assertEqual(run.created_count, 1)
        self.assertEqual(self.member_of(customer).email, "first@acme-example.com")
        self.assertEqual(self.remote("first@acme-example.com")["status"], "subscribed")
        self.assertIsNone(self.remote("second@acme-example.com"))
        self.assertEqual(customer.mailchimp_email_key, "first@acme-example.com")
        self.assertEqual(customer.mailchimp_sync_state,
                         "Synced to Mailchimp — with first@acme-example.com, the first of 2 addresses")

    def test_a_delivery_finds_the_customer_whatever_form_either_side_has(self):
        unicode_customer = self.customer("Anna Munich", "anna@münchen.de")
        punycode_customer = self.customer("Carl Munich", "Carl@XN--MNCHEN-3YA.de")
        partners_before = self.env["res.partner"].search_count([])
        for customer, delivered in ((unicode_customer, "anna@xn--mnchen-3ya.de"),
                                    (punycode_customer, "carl@münchen.de")):
            with self.subTest(delivered=delivered):
                event = self.deliver("unsubscribe", delivered, action="unsub", reason="manual")
                self.assertEqual(event.state, "done")
                self.assertEqual(event.partner_id, customer)
                self.assertFalse(customer.mailchimp_subscribe)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before, "no customer created")

    def test_the_identity_follows_the_address_and_the_upgrade_fills_it_for_existing_customers(self):
        customer = self.customer("Moving", "moving@münchen.de")
        customer.email = "  Jane <Jane@Acme-Example.com> "
        self.assertEqual(customer.mailchimp_email_key, "jane@acme-example.com")
        others = self.customer("Other", "other@münchen.de") | self.customer("No email", False)
        customers = customer | others
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET mailchimp_email_key = NULL WHERE id IN %s", [tuple(customers.ids)])
        self.env["res.partner"]._mailchimp_fill_email_keys(batch_size=2)
        self.assertEqual(customers.mapped("mailchimp_email_key"),
                         ["jane@acme-example.com", "other@xn--mnchen-3ya.de", False])

