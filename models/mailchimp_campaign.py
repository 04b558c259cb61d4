"""Campaigns of an audience and their statistics, imported from Mailchimp.

The JSON → column rules are the core's (:mod:`..mailchimp_sync.campaigns`); this
model decides what to ask for (incremental: new or changed campaigns, reports and
activity while :func:`report_is_due`) and stores it.
"""
import logging
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.campaigns import (
    activity_since,
    campaign_values,
    report_is_due,
    report_values,
)
from ..mailchimp_sync.errors import MailchimpError
from .mailchimp_transaction import commit_if_allowed

# Context key of writes that bring Mailchimp's values (not a user's edit waiting to be pushed).
FROM_MAILCHIMP = "mailchimp_campaign_from_mailchimp"
# The columns of a draft a manager edits on the form; the import keeps them while an edit waits to be pushed.
DRAFT_COLUMNS = ("title", "subject", "preview_text", "from_name", "reply_to")

_logger = logging.getLogger(__name__)

STATUSES = [
    ("save", "Draft"), ("paused", "Paused"), ("schedule", "Scheduled"), ("sending", "Sending"),
    ("sent", "Sent"), ("canceling", "Cancelling"), ("canceled", "Cancelled"), ("archived", "Archived"),
]
TYPES = [("regular", "Regular"), ("plaintext", "Plain text"), ("absplit", "A/B split"), ("rss", "RSS"),
         ("variate", "Multivariate")]


class MailchimpCampaign(models.Model):
    _name = "mailchimp.campaign"
    _description = "Mailchimp campaign"
    _order = "send_time desc, id desc"
    _rec_name = "title"

    mailchimp_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False, index=True)
    web_id = fields.Char(string="Web ID", readonly=True, copy=False)
    audience_id = fields.Many2one("mailchimp.audience", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True, index=True)
    # A draft's settings and body: edited on the form (managers, drafts only), pushed by “Save to Mailchimp”
    # (:mod:`.mailchimp_campaign_workspace`); read from Mailchimp by the import unless an edit waits to be pushed.
    title = fields.Char()
    subject = fields.Char()
    preview_text = fields.Char()
    from_name = fields.Char()
    reply_to = fields.Char(string="Reply-to")
    segment_id = fields.Char(string="Mailchimp segment ID", readonly=True,
                             help="The saved segment the campaign goes to (recipients.segment_opts.saved_segment_id).")
    collection_id = fields.Many2one(
        "mailchimp.collection", readonly=True, ondelete="set null", index="btree_not_null",
        help="The collection whose segment the campaign goes to: the consent check before sending checks its "
             "customers. Set when the campaign is created from the collection, or found by its segment.")
    type = fields.Selection(TYPES, readonly=True)
    status = fields.Selection(STATUSES, readonly=True, index=True)
    send_time = fields.Datetime(readonly=True, index=True)
    emails_sent = fields.Integer(readonly=True, aggregator="sum")
    opens_total = fields.Integer(string="Opens", readonly=True, aggregator="sum")
    unique_opens = fields.Integer(string="Unique opens", readonly=True, aggregator="sum")
    open_rate = fields.Float(string="Open rate (%)", readonly=True, aggregator="avg", digits=(5, 2))
    clicks_total = fields.Integer(string="Clicks", readonly=True, aggregator="sum")
    unique_clicks = fields.Integer(string="Unique clicks", readonly=True, aggregator="sum")
    unique_subscriber_clicks = fields.Integer(string="Recipients who clicked", readonly=True, aggregator="sum")
    click_rate = fields.Float(string="Click rate (%)", readonly=True, aggregator="avg", digits=(5, 2))
    unsubscribed = fields.Integer(string="Unsubscribes", readonly=True, aggregator="sum")
    hard_bounces = fields.Integer(readonly=True, aggregator="sum")
    soft_bounces = fields.Integer(readonly=True, aggregator="sum")
    abuse_reports = fields.Integer(readonly=True, aggregator="sum")
    url = fields.Char(string="Open in Mailchimp", readonly=True)
    last_import = fields.Datetime(readonly=True, help="When Odoo last read this campaign from Mailchimp.")
    last_report = fields.Datetime(
        string="Statistics as of", readonly=True,
        help="When the report was last read. Reports are refreshed for 30 days after sending, then frozen.")
    last_activity_seen = fields.Datetime(readonly=True, help="The latest open, click or bounce imported.")
    last_activity_import = fields.Datetime(readonly=True)
    activity_ids = fields.One2many("mailchimp.campaign.activity", "campaign_id", readonly=True)
    recipient_ids = fields.One2many("mailchimp.campaign.recipient", "campaign_id", string="Recipients",
                                    readonly=True)

    _sql_constraints = [
        ("mailchimp_id_unique", "unique(audience_id, mailchimp_id)", "This Mailchimp campaign is already known."),
    ]

    # ------------------------------------------------------------ actions

    def action_import_campaigns(self):
        """List-header button: queue the import of the campaigns of every audience of the current company."""
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("create")
        account = self.env["mailchimp.account"]._for_company()
        audiences = self.env["mailchimp.audience"].search([("account_id", "=", account.id)])
        if not audiences:
            raise UserError(self.env._("No audience yet: press “Refresh audiences” first."))
        return audiences._queue_campaign_import()

    def action_open_in_mailchimp(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": "new"}

    # ------------------------------------------------------------ import

    @api.model
    def _import_documents(self, audience, client, documents):
        """Store the campaigns listed by ``GET /campaigns``; import reports and activity that are due.

        Returns a :class:`Counter` of ``new``, ``updated``, ``reports`` and ``activity`` (events added).
        """
        campaigns = self.with_context(**{FROM_MAILCHIMP: True})  # what Mailchimp has is not an edit to push
        counts = Counter()
        now = fields.Datetime.now()
        known = {campaign.mailchimp_id: campaign for campaign in campaigns.search([("audience_id", "=", audience.id)])}
        collections = self._collections_by_segment(audience)
        for document in documents:
            values = self._clean_values(campaign_values(document, client.credentials.dc))
            values.pop("list_id")
            campaign = known.get(values["mailchimp_id"])
            collection_id = collections.get(values["segment_id"])
            if not campaign:
                campaign = campaigns.create({**values, "audience_id": audience.id, "last_import": now,
                                             "collection_id": collection_id or False})
                counts["new"] += 1
            else:
                if campaign.pending_push:
                    values = {key: value for key, value in values.items() if key not in DRAFT_COLUMNS}
                changes = campaign._changes(values)
                if collection_id and not campaign.collection_id:
                    changes["collection_id"] = collection_id
                if changes:
                    campaign.write({**changes, "last_import": now})
                    counts["updated"] += 1
            counts += campaign._import_report_if_due(client, now)
        return counts

    @api.model
    def _import_one(self, audience, campaign_id):
        """Refresh one campaign (the ``campaign`` webhook): the campaign, then its report and activity if due."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("create")
        audience.check_access("read")
        client = audience._client()
        with self.env["mailchimp.backend"]._user_errors():
            try:
                document = client.get_campaign(campaign_id)
            except MailchimpError as error:
                if error.status != 404:
                    raise
                return self.browse()
            if (document.get("recipients") or {}).get("list_id") != audience.mailchimp_id:
                return self.browse()
            self._import_documents(audience, client, [document])
        return self.search([("audience_id", "=", audience.id), ("mailchimp_id", "=", campaign_id)])

    def _import_report_if_due(self, client, now):
        self.ensure_one()
        if not report_is_due(self.status, self.send_time or None, self.last_report or None, now):
            return Counter()
        report = client.get_campaign_report(self.mailchimp_id)
        self.write({**report_values(report), "last_report": now})
        since = activity_since(self.last_activity_seen or None, self.last_activity_import or None)
        added, last_seen = self.env["mailchimp.campaign.activity"]._import_entries(
            self, client.iter_email_activity(self.mailchimp_id, since=since))
        values = {"last_activity_import": now}
        if last_seen and (not self.last_activity_seen or last_seen > self.last_activity_seen):
            values["last_activity_seen"] = last_seen
        self.write(values)
        return Counter(reports=1, activity=added)

    @api.model
    def _collections_by_segment(self, audience):
        """Collection ids of ``audience`` by their segment's id: an imported campaign to a segment finds its own."""
        collections = self.env["mailchimp.collection"].sudo().with_context(active_test=False).search(
            [("audience_id", "=", audience.id), ("segment_id", "!=", False)])
        return {collection.segment_id: collection.id for collection in collections}

    def _changes(self, values):
        """The part of ``values`` that differs from this campaign (empty, zero and unset are alike)."""
        self.ensure_one()
        return {key: value for key, value in values.items() if (self[key] or False) != (value or False)}

    @api.model
    def _clean_values(self, values):
        """Drop a status or type this version does not know (Mailchimp may add some)."""
        for name in ("status", "type"):
            if values.get(name) and values[name] not in dict(self._fields[name].selection):
                _logger.info("Unknown Mailchimp campaign %s %r", name, values[name])
                values[name] = False
        return values

    @api.model
    def _cron_import_campaigns(self):
        """Scheduled job: import the campaigns of every connected audience, one audience after the other (those
        queued by “Import campaigns” among them); each audience's result shows on it.
        """
        audiences = self.env["mailchimp.audience"].search([("account_id.is_connected", "=", True)])
        for done, audience in enumerate(audiences, start=1):
            self.env["ir.cron"]._notify_progress(done=done - 1, remaining=len(audiences) - done + 1)
            audience = audience.with_company(audience.company_id)
            try:
                result = audience._campaign_import_sentence(audience._import_campaigns())
            except UserError as error:
                _logger.warning("Mailchimp campaign import of %s failed: %s", audience.name, error)
                result = self.env._("Failed: %s", error.args[0])
            audience.write({"campaign_import_requested": False, "campaign_import_result": result})
            commit_if_allowed(self.env)
        self.env["ir.cron"]._notify_progress(done=len(audiences), remaining=0)
