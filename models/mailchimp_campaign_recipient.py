"""Per recipient of a campaign: how many opens and when, how many clicks and on what (a SQL view)."""
from odoo import fields, models, tools


class MailchimpCampaignRecipient(models.Model):
    _name = "mailchimp.campaign.recipient"
    _description = "Mailchimp campaign recipient"
    _auto = False
    _order = "last_open desc, id desc"
    _rec_name = "email"

    campaign_id = fields.Many2one("mailchimp.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    send_time = fields.Datetime(related="campaign_id.send_time", string="Campaign sent")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    email = fields.Char(readonly=True)
    opens_count = fields.Integer(string="Opens", readonly=True)
    first_open = fields.Datetime(readonly=True)
    last_open = fields.Datetime(readonly=True)
    clicks_count = fields.Integer(string="Clicks", readonly=True)
    urls = fields.Text(string="Clicked links", readonly=True)
    bounce_type = fields.Selection([("hard", "Hard"), ("soft", "Soft")], string="Bounced", readonly=True)

    # The view reads another table: what is pending there is written before any query on it.
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        self.env["mailchimp.campaign.activity"].flush_model()
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    def _fetch_query(self, query, fields):
        self.env["mailchimp.campaign.activity"].flush_model()
        return super()._fetch_query(query, fields)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT min(a.id) AS id,
                       a.campaign_id,
                       a.company_id,
                       min(a.email) AS email,
                       max(a.partner_id) AS partner_id,
                       count(*) FILTER (WHERE a.action = 'open') AS opens_count,
                       min(a.timestamp) FILTER (WHERE a.action = 'open') AS first_open,
                       max(a.timestamp) FILTER (WHERE a.action = 'open') AS last_open,
                       count(*) FILTER (WHERE a.action = 'click') AS clicks_count,
                       string_agg(DISTINCT a.url, E'\\n') FILTER (WHERE a.action = 'click') AS urls,
                       max(a.bounce_type) FILTER (WHERE a.action = 'bounce') AS bounce_type
                  FROM mailchimp_campaign_activity a
              GROUP BY a.campaign_id, a.company_id, a.email_normalized
            )""")
