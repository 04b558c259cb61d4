"""Campaign operations in the journal: send, schedule and test send, made once by the worker.

The wizard (:mod:`..wizard.mailchimp_collection_campaign_wizard`) checks rights and
consent and queues; these handlers make the call and, for a send or a schedule found
running, ask Mailchimp for the campaign's status before making it again.
"""
import logging

from odoo import fields, models

from ..mailchimp_sync.collections import segment_batches
from ..mailchimp_sync.remote_operations import SCHEDULE, SEND, campaign_outcome
from .mailchimp_remote_operation import Handler

_logger = logging.getLogger(__name__)

TEST_SEND = "test_send"


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    def _handlers(self):
        return {
            **super()._handlers(),
            SEND: Handler(self._run_campaign_send, self._resolve_campaign_send),
            SCHEDULE: Handler(self._run_campaign_schedule, self._resolve_campaign_schedule),
            TEST_SEND: Handler(self._run_campaign_test_send),
        }

    # ------------------------------------------------------------ calls

    def _run_campaign_send(self):
        client = self._campaign_client()
        self._remove_excluded_from_segment(client)
        with self._checklist_refusal(client):
            client.send_campaign(self.campaign_id.mailchimp_id)
        self._refresh_campaign(client)
        return self.env._("Campaign sent.")

    def _run_campaign_schedule(self):
        client = self._campaign_client()
        self._remove_excluded_from_segment(client)
        with self._checklist_refusal(client):
            client.schedule_campaign(self.campaign_id.mailchimp_id, self.params["schedule_time"])
        self._refresh_campaign(client)
        return self.env._("Campaign scheduled.")

    def _run_campaign_test_send(self):
        emails = self.params["emails"]
        self._campaign_client().send_test_email(self.campaign_id.mailchimp_id, emails)
        return self.env._("Test sent to %s address(es).", len(emails))

    # ------------------------------------------------------------ the truth, for an operation found running

    def _resolve_campaign_send(self):
        return campaign_outcome(SEND, self._remote_campaign_status())

    def _resolve_campaign_schedule(self):
        return campaign_outcome(SCHEDULE, self._remote_campaign_status())

    # ------------------------------------------------------------ helpers

    def _campaign_client(self):
        self.ensure_one()
        return self.audience_id._client()

    def _remote_campaign_status(self):
        return self._campaign_client().get_campaign(self.campaign_id.mailchimp_id).get("status")

    def _remove_excluded_from_segment(self, client):
        """The members the consent check excluded leave the segment first (idempotent: made again if redone)."""
        segment_id = self.params.get("segment_id")
        excluded = self.params.get("excluded_emails") or []
        if not (segment_id and excluded):
            return
        for batch in segment_batches([], excluded):
            client.batch_segment_members(self.audience_id.mailchimp_id, segment_id, batch.body())

    def _refresh_campaign(self, client):
        """Read the campaign back for the statistics, and the count of a segment members left; a failure here
        is the hourly import's (or the collection's next sync) to catch up."""
        try:
            with self.env.cr.savepoint():
                self.env["mailchimp.campaign"]._import_one(self.audience_id, self.campaign_id.mailchimp_id)
                params = self.params or {}  # an unschedule has none
                if params.get("segment_id") and params.get("excluded_emails"):
                    self.env["mailchimp.collection"]._count_segment_members(
                        self.audience_id, client, params["segment_id"])
        except Exception:  # noqa: BLE001 - the call was made: its outcome is recorded whatever this does
            _logger.warning("Campaign %s not read back after operation %s", self.campaign_id.mailchimp_id, self.id,
                            exc_info=True)


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    operation_ids = fields.One2many("mailchimp.remote.operation", "campaign_id", string="Operations",
                                    readonly=True, groups="mailchimp_sync.group_mailchimp_manager")
