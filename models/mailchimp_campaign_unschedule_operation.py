"""Unscheduling a campaign, in the journal: the button queues, the worker makes the call once.

An unschedule found running (its worker was killed between the call and its
record) asks Mailchimp for the campaign's status: back to a draft, it was made;
still scheduled, it is made again (:func:`..mailchimp_sync.remote_operations.campaign_outcome`).
"""
from odoo import models
from odoo.exceptions import UserError

from ..mailchimp_sync.remote_operations import UNSCHEDULE, campaign_outcome
from .mailchimp_remote_operation import Handler


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    def _handlers(self):
        return {**super()._handlers(), UNSCHEDULE: Handler(self._run_campaign_unschedule,
                                                           self._resolve_campaign_unschedule)}

    def _run_campaign_unschedule(self):
        client = self._campaign_client()
        client.unschedule_campaign(self.campaign_id.mailchimp_id)
        self._refresh_campaign(client)
        return self.env._("Campaign unscheduled: it is a draft again.")

    def _resolve_campaign_unschedule(self):
        return campaign_outcome(UNSCHEDULE, self._remote_campaign_status())


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    def action_unschedule(self):
        """Button on a scheduled campaign (managers): queue the unschedule; the Operations tab shows its progress."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        if self.status != "schedule":
            raise UserError(self.env._("Only a scheduled campaign can be unscheduled."))
        self.env["mailchimp.remote.operation"]._queue(UNSCHEDULE, self, {
            "audience_id": self.audience_id.id, "campaign_id": self.id, "company_id": self.company_id.id})
        return self.env["mailchimp.remote.operation"]._queued_notification(
            self.env._("Unscheduling the campaign is queued."))
