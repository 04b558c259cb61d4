"""Opens, clicks and bounces of a campaign's recipients, from Mailchimp's email-activity report.

One record per event (partner × campaign × action × time × URL); the address is kept
so that an event of someone not yet a customer is linked when the customer appears
(:meth:`_link_partners`, called when customers are created or get an email).
"""
from odoo import api, fields, models
from odoo.tools import email_normalize

from ..mailchimp_sync.campaigns import activity_rows

IMPORT_CHUNK = 1000


class MailchimpCampaignActivity(models.Model):
    _name = "mailchimp.campaign.activity"
    _description = "Mailchimp campaign activity"
    _order = "timestamp desc, id desc"
    _rec_name = "email"

    campaign_id = fields.Many2one("mailchimp.campaign", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    send_time = fields.Datetime(related="campaign_id.send_time", string="Campaign sent")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null",
                                 ondelete="set null")
    email = fields.Char(required=True, readonly=True)
    email_normalized = fields.Char(required=True, readonly=True, index=True)
    action = fields.Selection([("open", "Open"), ("click", "Click"), ("bounce", "Bounce")],
                              required=True, readonly=True)
    timestamp = fields.Datetime(required=True, readonly=True)
    url = fields.Char(string="URL", readonly=True)
    bounce_type = fields.Selection([("hard", "Hard"), ("soft", "Soft")], readonly=True)
    activity_key = fields.Char(required=True, readonly=True, copy=False,
                               help="What makes the event unique within its campaign (address, action, time, URL).")

    _sql_constraints = [
        ("activity_key_unique", "unique(campaign_id, activity_key)", "This activity is already imported."),
    ]

    @api.model
    def _import_entries(self, campaign, entries):
        """Store the events of email-activity ``entries`` not stored yet; ``(added, latest timestamp)``."""
        added, latest, chunk = 0, None, []
        for entry in entries:
            chunk.extend(activity_rows(entry))
            if len(chunk) >= IMPORT_CHUNK:
                count, last = self._store_rows(campaign, chunk)
                added, latest, chunk = added + count, max(filter(None, (latest, last))), []
        if chunk:
            count, last = self._store_rows(campaign, chunk)
            added, latest = added + count, max(filter(None, (latest, last)))
        return added, latest

    def _store_rows(self, campaign, rows):
        by_key = {row.key: row for row in rows}
        known = set(self.search([("campaign_id", "=", campaign.id), ("activity_key", "in", list(by_key))])
                    .mapped("activity_key"))
        new = [row for key, row in by_key.items() if key not in known]
        emails = {row.email: email_normalize(row.email) or row.email.lower() for row in new}
        partners = self._partners_by_email(set(emails.values()), campaign.company_id)
        self.create([{
            "campaign_id": campaign.id, "email": row.email, "email_normalized": emails[row.email],
            "partner_id": partners.get(emails[row.email], False), "action": row.action,
            "timestamp": row.timestamp, "url": row.url or False, "bounce_type": row.bounce_type or False,
            "activity_key": row.key,
        } for row in new])
        return len(new), max(row.timestamp for row in rows)

    @api.model
    def _partners_by_email(self, emails, company):
        """Normalized address → id of the customer (of ``company`` or of none) it belongs to; the oldest wins."""
        if not emails:
            return {}
        partners = self.env["res.partner"].sudo().search(
            [("email_normalized", "in", list(emails)), ("company_id", "in", [company.id, False])], order="id desc")
        return {partner.email_normalized: partner.id for partner in partners}

    @api.model
    def _link_partners(self, partners):
        """Give ``partners`` the events of their address that belong to nobody yet (they appeared later)."""
        emails = {partner.email_normalized for partner in partners if partner.email_normalized}
        if not emails:
            return
        orphans = self.sudo().search([("partner_id", "=", False), ("email_normalized", "in", list(emails))])
        for company in orphans.company_id:
            owners = self._partners_by_email(emails, company)
            for activity in orphans.filtered(lambda a, c=company: a.company_id == c):
                if activity.email_normalized in owners:
                    activity.partner_id = owners[activity.email_normalized]
        partners.invalidate_recordset(["mailchimp_campaign_count"])
