"""Who received a campaign (the sent-to report) and who the GDPR check kept out of it, on the campaign.

The campaign import (:meth:`_import_report_if_due`) also reads the sent-to report once the
campaign is sent (:func:`..mailchimp_sync.campaigns.sent_to_is_due`), the unsubscribed report
with the statistics, and counts every recipient's activity again.
"""
from odoo import fields, models

from ..mailchimp_sync.campaigns import sent_to_is_due


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    recipients_complete = fields.Boolean(
        string="Recipients imported", readonly=True, copy=False,
        help="Mailchimp's list of who the campaign was sent to was read in full (once it is sent; it does not "
             "change after).")
    received_count = fields.Integer(string="Received", compute="_compute_recipient_counts")
    not_opened_count = fields.Integer(string="Received, not opened", compute="_compute_recipient_counts")
    exclusion_ids = fields.One2many("mailchimp.campaign.exclusion", "campaign_id", string="Excluded",
                                    readonly=True)
    exclusion_count = fields.Integer(string="Excluded by the GDPR check", compute="_compute_exclusion_count")

    def _compute_recipient_counts(self):
        Recipient = self.env["mailchimp.campaign.recipient"]
        domain = [("campaign_id", "in", self.ids)]
        received = dict(Recipient._read_group(domain, ["campaign_id"], ["__count"]))
        not_opened = dict(Recipient._read_group(domain + [("not_opened", "=", True)], ["campaign_id"], ["__count"]))
        for campaign in self:
            campaign.received_count = received.get(campaign, 0)
            campaign.not_opened_count = not_opened.get(campaign, 0)

    def _compute_exclusion_count(self):
        counts = dict(self.env["mailchimp.campaign.exclusion"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]))
        for campaign in self:
            campaign.exclusion_count = counts.get(campaign, 0)

    def action_view_recipients(self):
        """The campaign's recipients as a list with its filters; ``filter`` in the context picks one."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mailchimp_sync.mailchimp_campaign_recipient_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["display_name"] = self.env._("Recipients of %s", self.title or self.mailchimp_id)
        search = self.env.context.get("recipients_filter")
        action["context"] = {f"search_default_{search}": 1} if search else {}
        return action

    def _import_report_if_due(self, client, now):
        """The report and activity when due (see the base method), the unsubscribes with them, the recipients once
        the campaign is sent; then, when activity came or the recipients were read, every recipient's opens, clicks
        and bounces are counted again."""
        counts = super()._import_report_if_due(client, now)
        Recipient = self.env["mailchimp.campaign.recipient"]
        if counts["reports"]:
            Recipient._import_unsubscribes(self, client.iter_unsubscribed(self.mailchimp_id))
        sent_to_read = sent_to_is_due(self.status, self.recipients_complete)
        if sent_to_read:
            counts["recipients"] += Recipient._import_sent_to(self, client.iter_sent_to(self.mailchimp_id))
            self.recipients_complete = True
        if counts["activity"] or sent_to_read:
            Recipient._refresh_activity(self)
        return counts

