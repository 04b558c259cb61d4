"""Who the GDPR check kept out of a campaign, and why: stored with the campaign when its send is confirmed.

The reasons are the core check's sentences (:mod:`..mailchimp_sync.campaign_check`, English, several
joined by “; ”): the check gives no codes, so the sentence is what is kept.
"""
from odoo import api, fields, models

from ..mailchimp_sync.eligibility import email_key


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
    reason = fields.Text(required=True, readonly=True,
                         help="Why the GDPR check excluded this address, in the check's words.")
    checked_on = fields.Datetime(string="Checked", readonly=True, default=fields.Datetime.now)

    @api.model
    def _record(self, campaign, excluded):
        """Keep the check's ``excluded`` pairs (``(Recipient, reason)``) with ``campaign``, instead of an
        earlier check's."""
        campaign.ensure_one()
        self.sudo().search([("campaign_id", "=", campaign.id)]).unlink()
        return self.sudo().create([{
            "campaign_id": campaign.id, "partner_id": recipient.partner_id or False, "email": recipient.email,
            "email_normalized": email_key(recipient.email) or recipient.email.lower(), "reason": reason,
        } for recipient, reason in excluded])
