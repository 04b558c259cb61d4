"""Replicating a campaign, in the journal: the button queues, the worker asks Mailchimp for the copy once.

``POST /campaigns/{id}/actions/replicate`` makes a new campaign each time it is
made, so it is not made from the user's request (which Odoo may run again after a
concurrency error). A replicate found running (its worker killed between the call
and its record) looks for a copy Mailchimp lists as made since the operation
started (:func:`..mailchimp_sync.remote_operations.replica_made`) before making it
again. The copy is imported with what Odoo holds of the original: an Odoo-written
body and the collection it goes to.
"""
from datetime import timezone

from odoo import models
from odoo.exceptions import UserError

from ..mailchimp_sync.remote_operations import REPLICATE, presence_outcome, replica_made
from .mailchimp_campaign import FROM_MAILCHIMP
from .mailchimp_campaign_workspace import REPLICABLE_STATUSES
from .mailchimp_remote_operation import Handler


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    def _handlers(self):
        return {**super()._handlers(),
                REPLICATE: Handler(self._run_campaign_replicate, self._resolve_campaign_replicate)}

    def _run_campaign_replicate(self):
        original = self.campaign_id
        remote = self._campaign_client().replicate_campaign(original.mailchimp_id)
        copy = self.env["mailchimp.campaign"]._import_one(self.audience_id, remote["id"])
        copy.with_context(**{FROM_MAILCHIMP: True}).write({
            "content_mode": original.content_mode, "body_html": original.body_html,
            "collection_id": copy.collection_id.id or original.collection_id.id})
        return self.env._("Copy made: “%s”, a new draft.", copy.title or remote["id"])

    def _resolve_campaign_replicate(self):
        documents = self._campaign_client().iter_campaigns(self.audience_id.mailchimp_id, status="save")
        started_at = self.date_start.replace(tzinfo=timezone.utc)
        return presence_outcome(REPLICATE, replica_made(documents, self.campaign_id.title or "", started_at))


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    def action_replicate(self):
        """Button (managers): queue a copy of this campaign in Mailchimp; the copy shows in the list once made."""
        self.ensure_one()
        self._check_workspace_rights()
        if self.status not in REPLICABLE_STATUSES:
            raise UserError(self.env._("Only a draft or a sent campaign can be replicated."))
        operations = self.env["mailchimp.remote.operation"]
        operations._queue(REPLICATE, self, {
            "audience_id": self.audience_id.id, "campaign_id": self.id, "company_id": self.company_id.id})
        return operations._queued_notification(
            self.env._("Replicating the campaign is queued: the copy shows in the campaign list once Mailchimp "
                       "made it."))
