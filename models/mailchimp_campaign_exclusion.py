"""Who the GDPR check kept out of a campaign, and why: stored with the campaign when its send is confirmed.

The reasons are stored as the core check's codes (:mod:`..mailchimp_sync.campaign_check`) with the member's
Mailchimp status, and worded in the reader's language (:func:`.mailchimp_messages.exclusion`). Rows stored
before 18.0.1.4.0 held English sentences: the migration turned them into codes.
"""
from odoo import api, fields, models

from ..mailchimp_sync.eligibility import email_key
from . import mailchimp_messages


class MailchimpCampaignExclusion(models.Model):
    _name = "mailchimp.campaign.exclusion"
    _description = "Mailchimp campaign exclusion (GDPR check)"
    _order = "campaign_id desc, email"
    _rec_name = "email"

    campaign_id = fields.Many2one("mailchimp.campaign", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null",
                                 ondelete="set null")
    email = fields.Char(required=True, readonly=True)
    email_normalized = fields.Char(readonly=True, index=True)
    reason_codes = fields.Json(readonly=True, help="The check's reason codes, in the check's order.")
    mailchimp_status = fields.Char(readonly=True, help="The member's status in Mailchimp when it was checked.")
    reason = fields.Text(compute="_compute_reason",
                         help="Why the GDPR check excluded this address, in the check's words.")
    checked_on = fields.Datetime(string="Checked", readonly=True, default=fields.Datetime.now)

    @api.depends("reason_codes", "mailchimp_status")
    @api.depends_context("lang")
    def _compute_reason(self):
        for row in self:
            row.reason = mailchimp_messages.exclusion(self.env, row.reason_codes or (), row.mailchimp_status)

    @api.model
    def _record(self, campaign, excluded):
        """Keep the check's ``excluded`` pairs (``(Recipient, reason codes)``) with ``campaign``, instead of an
        earlier check's."""
        campaign.ensure_one()
        self.sudo().search([("campaign_id", "=", campaign.id)]).unlink()
        return self.sudo().create([{
            "campaign_id": campaign.id, "partner_id": recipient.partner_id or False, "email": recipient.email,
            "email_normalized": email_key(recipient.email) or recipient.email.lower(),
            "reason_codes": list(reasons), "mailchimp_status": recipient.mailchimp_status or False,
        } for recipient, reasons in excluded])
