"""Who received a campaign and what each one did with it: one row per address the campaign was sent to.

The rows come from Mailchimp's sent-to report (who it went to, and the bounces that kept it
from arriving), read once the campaign is sent (:func:`..mailchimp_sync.campaigns.sent_to_is_due`);
the opens, clicks and bounces are counted from the activity import
(``mailchimp.campaign.activity``) after every import (:meth:`_refresh_activity`); who
unsubscribed through the campaign comes from the unsubscribed report. An address with
activity but no sent-to row yet (a campaign whose sent-to report was not read yet) gets its
row from the activity: whoever opened, clicked or bounced received it.
"""
from odoo import api, fields, models
from odoo.tools import SQL

from ..mailchimp_sync.campaigns import recipient_row, unsubscribe_row
from ..mailchimp_sync.eligibility import email_key

IMPORT_CHUNK = 1000
# What a campaign shows of its recipients: in the cache, it goes when rows are written in SQL.
CAMPAIGN_FIELDS = ["recipient_ids", "received_count", "not_opened_count"]


class MailchimpCampaignRecipient(models.Model):
    _name = "mailchimp.campaign.recipient"
    _description = "Mailchimp campaign recipient"
    _order = "send_time desc, campaign_id desc, email"
    _rec_name = "email"

    campaign_id = fields.Many2one("mailchimp.campaign", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    send_time = fields.Datetime(related="campaign_id.send_time", string="Campaign sent", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null",
                                 ondelete="set null")
    email = fields.Char(required=True, readonly=True)
    email_normalized = fields.Char(required=True, readonly=True, index=True,
                                   help="The address's identity (ASCII domain, lower-cased): customers are found by it.")
    opens_count = fields.Integer(string="Opens", readonly=True)
    first_open = fields.Datetime(readonly=True)
    last_open = fields.Datetime(readonly=True)
    clicks_count = fields.Integer(string="Clicks", readonly=True)
    urls = fields.Text(string="Clicked links", readonly=True)
    bounce_type = fields.Selection([("hard", "Hard"), ("soft", "Soft")], string="Bounced", readonly=True)
    unsubscribed = fields.Boolean(readonly=True, help="Unsubscribed through this campaign.")
    unsubscribe_time = fields.Datetime(string="Unsubscribed on", readonly=True)
    unsubscribe_reason = fields.Char(readonly=True)
    not_opened = fields.Boolean(string="Received, not opened", compute="_compute_not_opened",
                                search="_search_not_opened",
                                help="It arrived (no bounce) and was not opened: whom to follow up on.")

    _sql_constraints = [
        ("recipient_unique", "unique(campaign_id, email_normalized)", "This recipient is already known."),
    ]

    @api.depends("bounce_type", "opens_count")
    def _compute_not_opened(self):
        for recipient in self:
            recipient.not_opened = not recipient.bounce_type and not recipient.opens_count

    def _search_not_opened(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("bounce_type", "=", False), ("opens_count", "=", 0)]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ------------------------------------------------------------ import

    @api.model
    def _import_sent_to(self, campaign, entries):
        """Store the recipients of sent-to ``entries`` (``GET /reports/{id}/sent-to``); the number read."""
        read, chunk = 0, {}
        for entry in entries:
            row = recipient_row(entry)
            if row:
                chunk[email_key(row.email) or row.email.lower()] = row
                read += 1
            if len(chunk) >= IMPORT_CHUNK:
                self._store_sent_to(campaign, chunk)
                chunk = {}
        if chunk:
            self._store_sent_to(campaign, chunk)
        return read

    def _store_sent_to(self, campaign, rows):
        """One INSERT per chunk; a recipient stored already keeps its row and gains a bounce it lacked."""
        values = SQL(", ").join(SQL("(%s, %s, %s)", row.email, key, row.bounce_type or None)
                                for key, row in rows.items())
        self._upsert(campaign, rows.keys(), SQL(
            """SELECT new.email, new.email_normalized, new.bounce_type, NULL::boolean, NULL::timestamp, NULL::varchar
                 FROM (VALUES %s) AS new(email, email_normalized, bounce_type)""", values))

    @api.model
    def _import_unsubscribes(self, campaign, entries):
        """Mark who unsubscribed through the campaign (``GET /reports/{id}/unsubscribed``); the number read."""
        rows = {}
        for entry in entries:
            row = unsubscribe_row(entry)
            if row:
                rows[email_key(row.email) or row.email.lower()] = row
        if rows:
            values = SQL(", ").join(SQL("(%s, %s, %s::timestamp, %s)", row.email, key, row.timestamp,
                                        row.reason or None) for key, row in rows.items())
            self._upsert(campaign, rows.keys(), SQL(
                """SELECT new.email, new.email_normalized, NULL::varchar, TRUE, new.unsubscribe_time,
                          new.unsubscribe_reason
                     FROM (VALUES %s) AS new(email, email_normalized, unsubscribe_time, unsubscribe_reason)""",
                values))
        return len(rows)

    def _upsert(self, campaign, keys, rows_query):
        """Insert or complete recipients of ``campaign`` from ``rows_query``'s (email, normalized, bounce type,
        unsubscribed, unsubscribe time, reason) rows; the customers are found with one query."""
        partners = self.env["mailchimp.campaign.activity"]._partners_by_email(set(keys), campaign.company_id)
        owners = SQL(", ").join(SQL("(%s, %s::int)", key, partner) for key, partner in partners.items()) \
            if partners else SQL("(NULL::varchar, NULL::int)")
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mailchimp_campaign_recipient
                      (campaign_id, company_id, send_time, partner_id, email, email_normalized, bounce_type,
                       unsubscribed, unsubscribe_time, unsubscribe_reason, opens_count, clicks_count,
                       create_uid, create_date, write_uid, write_date)
               SELECT %(campaign)s, %(company)s, %(send_time)s, owner.partner_id, new.email, new.email_normalized,
                      new.bounce_type, COALESCE(new.unsubscribed, FALSE), new.unsubscribe_time,
                      new.unsubscribe_reason, 0, 0,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM (%(rows)s) AS new(email, email_normalized, bounce_type, unsubscribed, unsubscribe_time,
                                        unsubscribe_reason)
            LEFT JOIN (VALUES %(owners)s) AS owner(email_normalized, partner_id)
                   ON owner.email_normalized = new.email_normalized
          ON CONFLICT (campaign_id, email_normalized) DO UPDATE
                  SET bounce_type = COALESCE(mailchimp_campaign_recipient.bounce_type, EXCLUDED.bounce_type),
                      unsubscribed = mailchimp_campaign_recipient.unsubscribed OR EXCLUDED.unsubscribed,
                      unsubscribe_time = COALESCE(EXCLUDED.unsubscribe_time,
                                                  mailchimp_campaign_recipient.unsubscribe_time),
                      unsubscribe_reason = COALESCE(EXCLUDED.unsubscribe_reason,
                                                    mailchimp_campaign_recipient.unsubscribe_reason),
                      partner_id = COALESCE(mailchimp_campaign_recipient.partner_id, EXCLUDED.partner_id)""",
            campaign=campaign.id, company=campaign.company_id.id or None, send_time=campaign.send_time or None,
            uid=self.env.uid, now=self.env.cr.now(), rows=rows_query, owners=owners,
        ))
        self.invalidate_model()
        campaign.invalidate_recordset(CAMPAIGN_FIELDS)

    @api.model
    def _refresh_activity(self, campaigns):
        """Count each recipient's opens, clicks and bounces of ``campaigns`` from their activity (one query);
        an address with activity and no row gets one."""
        if not campaigns:
            return
        self.env["mailchimp.campaign.activity"].flush_model()
        campaigns.flush_recordset(["send_time", "company_id"])
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mailchimp_campaign_recipient
                      (campaign_id, company_id, send_time, partner_id, email, email_normalized, opens_count,
                       first_open, last_open, clicks_count, urls, bounce_type, unsubscribed,
                       create_uid, create_date, write_uid, write_date)
               SELECT a.campaign_id, min(c.company_id), min(c.send_time), max(a.partner_id), min(a.email),
                      a.email_normalized,
                      count(*) FILTER (WHERE a.action = 'open'),
                      min(a.timestamp) FILTER (WHERE a.action = 'open'),
                      max(a.timestamp) FILTER (WHERE a.action = 'open'),
                      count(*) FILTER (WHERE a.action = 'click'),
                      string_agg(DISTINCT a.url, E'\\n') FILTER (WHERE a.action = 'click'),
                      max(a.bounce_type) FILTER (WHERE a.action = 'bounce'),
                      FALSE, %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM mailchimp_campaign_activity a
                 JOIN mailchimp_campaign c ON c.id = a.campaign_id
                WHERE a.campaign_id IN %(ids)s
             GROUP BY a.campaign_id, a.email_normalized
          ON CONFLICT (campaign_id, email_normalized) DO UPDATE
                  SET opens_count = EXCLUDED.opens_count,
                      first_open = EXCLUDED.first_open,
                      last_open = EXCLUDED.last_open,
                      clicks_count = EXCLUDED.clicks_count,
                      urls = EXCLUDED.urls,
                      bounce_type = COALESCE(EXCLUDED.bounce_type, mailchimp_campaign_recipient.bounce_type),
                      partner_id = COALESCE(mailchimp_campaign_recipient.partner_id, EXCLUDED.partner_id),
                      write_date = EXCLUDED.write_date""",
            ids=tuple(campaigns.ids), uid=self.env.uid, now=self.env.cr.now(),
        ))
        self.invalidate_model()
        campaigns.invalidate_recordset(CAMPAIGN_FIELDS)
