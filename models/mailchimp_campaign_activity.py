"""Opens, clicks and bounces of a campaign's recipients, from Mailchimp's email-activity report.

One record per event (partner × campaign × action × time × URL); the address is kept
so that an event of someone not yet a customer is linked when the customer appears
(:meth:`_link_partners`, called when customers are created or get an email).
"""
from odoo import api, fields, models
from odoo.tools import SQL

from ..mailchimp_sync.campaigns import activity_rows
from ..mailchimp_sync.eligibility import email_key

IMPORT_CHUNK = 1000
# What a new address of a customer gets (:meth:`MailchimpCampaignActivity._link_partners`).
LINKED_MODELS = ("mailchimp.campaign.activity", "mailchimp.campaign.recipient")


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
    email_normalized = fields.Char(required=True, readonly=True, index=True,
                                   help="The address's identity (ASCII domain, lower-cased): customers are found by it.")
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
        """Insert the events not stored yet: ``(added, latest timestamp)``.

        One INSERT per chunk (a campaign has an event or two per recipient, thousands of them):
        what an earlier import stored is recognised by the unique key and skipped by the database.
        The customers are found with one query per chunk.
        """
        by_key = {row.key: row for row in rows}
        emails = {email: email_key(email) for email in {row.email for row in rows}}
        partners = self._partners_by_email(set(emails.values()), campaign.company_id)
        values = SQL(", ").join(
            SQL("(%s::int, %s, %s, %s, %s::timestamp, %s, %s, %s)",
                partners.get(emails[row.email]), row.email, emails[row.email], row.action, row.timestamp,
                row.url or None, row.bounce_type or None, key)
            for key, row in by_key.items()
        )
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mailchimp_campaign_activity
                      (campaign_id, company_id, partner_id, email, email_normalized, action, timestamp, url,
                       bounce_type, activity_key, create_uid, create_date, write_uid, write_date)
               SELECT %s, %s, new.partner_id, new.email, new.email_normalized, new.action, new.timestamp, new.url,
                      new.bounce_type, new.activity_key, %s, %s, %s, %s
                 FROM (VALUES %s) AS new(partner_id, email, email_normalized, action, timestamp, url, bounce_type,
                                         activity_key)
          ON CONFLICT (campaign_id, activity_key) DO NOTHING
            RETURNING id""",
            campaign.id, campaign.company_id.id or None, self.env.uid, self.env.cr.now(), self.env.uid,
            self.env.cr.now(), values,
        ))
        added = len(self.env.cr.fetchall())
        campaign.invalidate_recordset(["activity_ids"])
        return added, max(row.timestamp for row in rows)

    @api.model
    def _partners_by_email(self, emails, company):
        """Normalized address → id of the customer (of ``company`` or of none) it belongs to; the oldest wins."""
        if not emails:
            return {}
        partners = self.env["res.partner"].sudo().search_fetch(
            [("mailchimp_email_key", "in", list(emails)), ("company_id", "in", [company.id, False])],
            ["mailchimp_email_key"], order="id desc")
        return {partner.mailchimp_email_key: partner.id for partner in partners}

    @api.model
    def _link_partners(self, partners):
        """Give ``partners`` the campaign activity and receipts of their address that belong to nobody yet (they
        appeared before the customer did). Both are found in one statement: a new address usually has none."""
        emails = {partner.mailchimp_email_key for partner in partners if partner.mailchimp_email_key}
        if not emails:
            return
        for model_name in LINKED_MODELS:
            self.env[model_name].flush_model(["partner_id", "email_normalized"])
        self.env.cr.execute(SQL(" UNION ALL ").join(
            SQL("SELECT %s, id FROM %s WHERE partner_id IS NULL AND email_normalized = ANY(%s)",
                model_name, SQL.identifier(self.env[model_name]._table), sorted(emails))
            for model_name in LINKED_MODELS))
        rows = self.env.cr.fetchall()
        owners_by_company = {}
        for model_name in LINKED_MODELS:
            for row in self.env[model_name].sudo().browse([row_id for name, row_id in rows if name == model_name]):
                if row.company_id not in owners_by_company:
                    owners_by_company[row.company_id] = self._partners_by_email(emails, row.company_id)
                owner = owners_by_company[row.company_id].get(row.email_normalized)
                if owner:
                    row.partner_id = owner
        partners.invalidate_recordset(["mailchimp_campaign_count"])
