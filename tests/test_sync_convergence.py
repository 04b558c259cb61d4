"""Faults and crashes do not matter in the end: runs converge to what Mailchimp has, nothing lost or doubled."""
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mailchimp_sync.mailchimp_sync.client import MailchimpClient

from .sync_common import MailchimpSyncCase

CUSTOMERS = 3000
RUN_LOGGERS = ("odoo.addons.mailchimp_sync.models.mailchimp_audience_sync",
               "odoo.addons.mailchimp_sync.models.sync_engine")


class Crash(Exception):
    """Stands for a worker killed in the middle of a run."""


@tagged("post_install", "-at_install")
class TestSyncConvergence(MailchimpSyncCase):
    def run_until_converged(self, crash_on_call=None, max_runs=10):
        """Sync with 20 % of the requests failing (and one crash) until a run ends clean; returns the runs."""
        self.standin.faults.add(status=503, times=None, probability=0.2)
        self.standin.faults.add(drop=True, times=None, probability=0.05, method="POST")
        runs = []
        try:
            for attempt in range(max_runs):
                with self.crash_after(crash_on_call if attempt == 0 else None), mute_logger(*RUN_LOGGERS):
                    runs.append(self.audience.with_context(mailchimp_batch_size=200)._sync_members())
                if runs[-1].state == "done" and not runs[-1].failed_count:
                    return runs
        finally:
            self.standin.faults.clear()
        self.fail(f"no clean run after {max_runs}: {[(run.state, run.failed_count) for run in runs]}")

    def crash_after(self, call_number):
        """Kill the run right after Mailchimp did the ``call_number``-th rename (Odoo never hears of it)."""
        original = MailchimpClient.update_member
        calls = []

        def update_member(client, list_id, email, body):
            result = original(client, list_id, email, body)
            calls.append(email)
            if len(calls) == call_number:
                raise Crash("worker killed")
            return result

        return patch.object(MailchimpClient, "update_member", update_member)

    def assert_odoo_equals_mailchimp(self, partners):
        remote = {member["email_address"].lower(): member["status"]
                  for member in self.standin.store.members(self.list_id)
                  if member["email_address"].startswith("conv")}
        self.assertEqual(len(remote), len({partner.email.lower() for partner in partners}),
                         "one member per customer: nothing lost, nothing doubled")
        expected = {partner.email.lower(): ("subscribed" if partner.mailchimp_subscribe else "unsubscribed")
                    for partner in partners}
        self.assertEqual(remote, expected)
        for partner in partners:
            member = self.member_of(partner)
            self.assertEqual((member.email.lower(), member.status), (partner.email.lower(), expected[partner.email.lower()]))

    def test_three_thousand_customers_converge_through_faults_and_a_crash(self):
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        partners = Partner.create([{
            "name": f"Converging {n}", "email": f"conv{n}@acme-example.com", "mailchimp_subscribe": True,
            "category_id": [(6, 0, self.tag_wholesale.ids)]} for n in range(CUSTOMERS)])
        self.run_until_converged()
        self.assert_odoo_equals_mailchimp(partners)

        leavers, renamed = partners[:300], partners[300:600]
        leavers.write({"mailchimp_subscribe": False})
        for partner in renamed:
            partner.email = partner.email.replace("conv", "conv.renamed.")
        runs = self.run_until_converged(crash_on_call=150)
        self.assertTrue(any(run.state == "failed" and "worker killed" in (run.message or "") for run in runs))
        self.assert_odoo_equals_mailchimp(partners)
        rename_failures = runs[-1].line_ids.filtered(lambda line: "change the address" in line.message)
        self.assertFalse(rename_failures, "a rename Mailchimp did before the crash is no failure")
