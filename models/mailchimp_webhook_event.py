import hashlib
import json
import logging

from odoo import api, fields, models

from ..mailchimp_sync.const import WEBHOOK_EVENT_TYPES
from ..mailchimp_sync.webhooks import WebhookError, event_key, parse_webhook

_logger = logging.getLogger(__name__)

SOURCE_SMS = "sms"
SOURCE_WEBHOOK = "webhook"


class MailchimpWebhookEvent(models.Model):
    """One delivery from Mailchimp (or a forwarded SMS sign-up), stored before it is applied.

    Nothing is lost: the delivery is kept first, then applied in a savepoint; an
    application that failed stays "failed" with its reason and is retried by a
    cron. The same event delivered twice (Mailchimp retries for 75 minutes) is
    recognized by its key and applied once.
    """

    _name = "mailchimp.webhook.event"
    _description = "Mailchimp webhook event"
    _order = "id desc"
    _rec_name = "event_type"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)
    source = fields.Selection([(SOURCE_WEBHOOK, "Mailchimp webhook"), (SOURCE_SMS, "SMS sign-up")],
                              required=True, default=SOURCE_WEBHOOK)
    event_type = fields.Selection([(name, name.capitalize()) for name in WEBHOOK_EVENT_TYPES] + [
        (SOURCE_SMS, "SMS sign-up")], string="Type", required=True)
    event_key = fields.Char(required=True, index=True, copy=False)
    fired_at = fields.Datetime(string="Fired at")
    email = fields.Char()
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")
    raw = fields.Text(string="Delivery", help="The body as received (no secret is in it: the secret is in the URL).")
    state = fields.Selection(
        [("new", "Received"), ("done", "Applied"), ("failed", "Failed"), ("ignored", "Nothing to do")],
        required=True, default="new", index=True)
    outcome = fields.Text()
    attempts = fields.Integer(default=0)

    _sql_constraints = [
        ("event_key_unique", "unique(audience_id, event_key)", "This event was received already."),
    ]

    @api.model
    def _receive_webhook(self, audience, raw):
        """Store a delivery (once) and apply it; returns the event. Raises :class:`WebhookError` if malformed."""
        event = parse_webhook(raw)
        key = event_key(event)
        record = self.sudo().search([("audience_id", "=", audience.id), ("event_key", "=", key)], limit=1)
        if not record:
            record = self.sudo().create({
                "audience_id": audience.id, "event_type": event.type, "event_key": key,
                "fired_at": event.fired_at.replace(tzinfo=None), "email": event.match_email,
                "raw": raw.decode("utf-8"),
            })
        if record.state in ("new", "failed"):
            record._apply()
        return record

    @api.model
    def _receive_sms(self, audience, delivery):
        """Store a forwarded SMS sign-up (``{message, phone, date}``, already checked) and apply it."""
        raw = json.dumps(delivery, ensure_ascii=False, sort_keys=True)
        key = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        record = self.sudo().search([("audience_id", "=", audience.id), ("event_key", "=", key)], limit=1)
        if not record:
            record = self.sudo().create({"audience_id": audience.id, "source": SOURCE_SMS, "event_type": SOURCE_SMS,
                                         "event_key": key, "fired_at": fields.Datetime.now(), "raw": raw})
        if record.state in ("new", "failed"):
            record._apply()
        return record

    def _apply(self):
        """Apply each event in its own savepoint: a failure is recorded, never half-written."""
        for record in self:
            record.attempts += 1
            try:
                with self.env.cr.savepoint():
                    state, outcome, partner = record._apply_event()
            except Exception as error:  # noqa: BLE001 - a delivery must never answer 500: it is retried
                _logger.warning("Mailchimp event %s of %s failed: %s", record.event_type, record.audience_id.name,
                                error, exc_info=True)
                record.write({"state": "failed", "outcome": f"{type(error).__name__}: {error}"})
                continue
            record.write({"state": state, "outcome": outcome, "partner_id": partner.id if partner else False})

    def _apply_event(self):
        """``(state, outcome, partner)`` of applying this event (see ``mailchimp.audience``)."""
        self.ensure_one()
        audience = self.audience_id.with_company(self.audience_id.company_id)
        if self.source == SOURCE_SMS:
            return audience._apply_sms_event(self)
        try:
            event = parse_webhook(self.raw.encode("utf-8"))
        except WebhookError as error:
            return "ignored", error.reason, None
        return audience._apply_webhook_event(event)

    @api.model
    def _cron_retry_failed(self, limit=500):
        """Scheduled job: apply again what failed (Odoo was busy, a lock, a bug fixed since)."""
        failed = self.search([("state", "=", "failed"), ("attempts", "<", 10)], limit=limit, order="id")
        failed._apply()
        return len(failed)
