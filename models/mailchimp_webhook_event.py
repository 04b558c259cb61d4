import hashlib
import json
import logging

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..mailchimp_sync.const import MAX_SMS_MESSAGE_CHARS, WEBHOOK_CAMPAIGN, WEBHOOK_EVENT_TYPES
from ..mailchimp_sync.sms_signup import normalize_phone, parse_sms_signup
from ..mailchimp_sync.webhooks import WebhookError, event_key, parse_webhook
from .mailchimp_transaction import commit_if_allowed, keep_transaction_time, undo_request

_logger = logging.getLogger(__name__)

SOURCE_SMS = "sms"
SOURCE_WEBHOOK = "webhook"
APPLY_BATCH = 200  # events one request applies at most: well within the 10 s Mailchimp waits


class MailchimpWebhookEvent(models.Model):
    """One delivery from Mailchimp (or a forwarded SMS sign-up), stored before it is applied.

    Nothing is lost: a webhook's delivery is stored and applied (together with
    the audience's other waiting events) in its request's transaction, and
    answered 200 only once that is committed: a request that fails before its
    commit stores nothing and Mailchimp delivers it again. The application is all
    or nothing; one that failed is stored "failed" with its reason and retried by
    a cron or a redelivery. Deliveries stored apart (an SMS sign-up, a burst read
    by ``_store_webhook``) are committed first, then applied. The same event
    delivered twice (Mailchimp retries for 75 minutes) is recognized by its key and
    applied once.
    """

    _name = "mailchimp.webhook.event"
    _description = "Mailchimp webhook event"
    _order = "id desc"
    _rec_name = "event_type"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True, precompute=True)
    source = fields.Selection([(SOURCE_WEBHOOK, "Mailchimp webhook"), (SOURCE_SMS, "SMS sign-up")],
                              required=True, default=SOURCE_WEBHOOK)
    event_type = fields.Selection([(name, name.capitalize()) for name in WEBHOOK_EVENT_TYPES] + [
        (SOURCE_SMS, "SMS sign-up")], string="Type", required=True)
    event_key = fields.Char(required=True, index=True, copy=False)
    fired_at = fields.Datetime(string="Fired at")
    email = fields.Char()
    phone = fields.Char(help="The number an SMS sign-up came from.")
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")
    raw = fields.Text(string="Delivery", help="The body as received (no secret is in it: the secret is in the URL).")
    state = fields.Selection(
        [("new", "Received"), ("done", "Applied"), ("failed", "Failed"), ("ignored", "Nothing to do"),
         ("refused", "Refused")],
        required=True, default="new", index=True)
    outcome = fields.Text()
    attempts = fields.Integer(default=0)

    _sql_constraints = [
        ("event_key_unique", "unique(audience_id, event_key)", "This event was received already."),
    ]

    @api.model
    def _receive_webhook(self, audience, raw, own_transaction=False):
        """Store a delivery (once) and apply it after what else waits, in this transaction; returns the event.

        One query finds the delivery if it came before and takes the audience's waiting events
        (:meth:`_known_and_waiting`); a new one is created and applied last, a failed one again.
        ``own_transaction``: the transaction holds nothing else yet (a request's, as the controller's), so a
        new delivery with nothing waiting is applied alone without a savepoint and stored once, as it ended
        (:meth:`_apply_and_store`). Raises :class:`WebhookError` if the body is malformed (nothing is stored
        then).
        """
        event = parse_webhook(raw)
        values = self._webhook_values(audience, event, raw)
        known, waiting, address_known = self._known_and_waiting(
            audience, values["event_key"], event.match_email if own_transaction else None)
        if own_transaction and not known and not waiting:
            return self._apply_and_store(values, event, new_address=not address_known)
        record = known or self.sudo().create(values)
        if record.state == "failed":
            record.state = "new"  # a redelivery is a retry, in its turn
            waiting = (waiting | record).sorted("id")
        elif not known:
            waiting |= record  # the latest: applied last
        waiting._apply()
        return record

    @api.model
    def _apply_and_store(self, values, event, new_address=False):
        """The event of a delivery applied alone in its own transaction (``event``: its webhook, parsed as it
        came; ``new_address``: no member and no customer has its address, as :meth:`_known_and_waiting` found),
        stored once as it ended: one INSERT with its state and outcome, no savepoint. A failure undoes
        the whole transaction (it holds nothing else: see :func:`undo_request`) and stores the event "failed",
        with why, as :meth:`_apply` does.

        A concurrent request with the same delivery cannot store it twice: the event's key is unique, so the
        later INSERT fails once the first is committed, that request is undone and answered an error, and
        Mailchimp's next attempt finds the event (a redelivery, applied once).
        """
        record = self.sudo().new(values)
        try:
            [(_record, result)] = record._apply_together(self._engine(record.audience_id), parsed=event,
                                                         new_addresses=(event.match_email,) if new_address else ())
            self.env.flush_all()  # a write refused by the database fails the event, here
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # see _apply
        except Exception as error:  # noqa: BLE001 - a delivery must never answer 500: it is retried by the cron
            failed = {**values, **record._failure(error)}
            undo_request(self.env)
            return self.sudo().create(failed)
        state, outcome, partner = result
        return self.sudo().create({**values, "state": state, "outcome": outcome,
                                   "partner_id": partner.id if partner else False, "attempts": 1,
                                   **record._without_address(outcome, partner)})

    @api.model
    def _engine(self, audience):
        """The item engine the audience's events are applied with (in the audience's company)."""
        return audience.with_company(audience.company_id)._item_engine()

    @api.model
    def _store_webhook(self, audience, raw):
        """The delivery's event, stored and committed but not applied yet. Raises :class:`WebhookError`."""
        event = parse_webhook(raw)
        values = self._webhook_values(audience, event, raw)
        return self._store(audience, values.pop("event_key"), values)

    @api.model
    def _webhook_values(self, audience, event, raw):
        return {"audience_id": audience.id, "event_key": event_key(event), "event_type": event.type,
                "fired_at": event.fired_at.replace(tzinfo=None), "email": event.match_email,
                "raw": raw.decode("utf-8")}

    @api.model
    def _known_and_waiting(self, audience, key, email=None):
        """``(event of key or empty, waiting events, whether the address is known)``: the audience's delivery of
        ``key`` if it came before, and its events not applied yet that no other worker is applying (locked until
        the commit), oldest first, at most :data:`APPLY_BATCH`; in one query, which also reads the transaction's
        time that the delivery's first write would otherwise ask for (:func:`keep_transaction_time`) and, for
        ``email``, whether the audience has a member or a customer of it (``_address_known_sql``: a new address
        is then not searched again; without ``email``: True)."""
        self.flush_model(["audience_id", "state", "event_key"])
        rows = self.env.execute_query(SQL("""
            WITH waiting AS (
                SELECT id FROM mailchimp_webhook_event
                 WHERE audience_id = %(audience)s AND state = 'new'
                 ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
            SELECT id, FALSE, NULL::timestamp, NULL::boolean FROM waiting
             UNION ALL
            SELECT id, TRUE, NULL::timestamp, NULL::boolean FROM mailchimp_webhook_event
             WHERE audience_id = %(audience)s AND event_key = %(key)s
             UNION ALL
            SELECT NULL, NULL, now() AT TIME ZONE 'UTC', %(address_known)s
        """, audience=audience.id, key=key, limit=APPLY_BATCH - 1,
            address_known=audience.sudo()._address_known_sql(email) if email else SQL("TRUE")))
        _id, _is_known, now, address_known = next(row for row in rows if row[0] is None)
        keep_transaction_time(self.env, now)
        known = self.sudo().browse([event_id for event_id, is_known, _now, _address in rows if is_known])
        waiting = self.sudo().browse(sorted({event_id for event_id, is_known, _now, _address in rows
                                             if event_id and not is_known}))
        return known, waiting, address_known

    @api.model
    def _receive_sms(self, audience, delivery):
        """Store a forwarded SMS sign-up (``{message, phone, date}``, already checked) and apply it."""
        signup = parse_sms_signup(**delivery)
        record = self._store(audience, *self._sms_key_and_values(delivery, email=signup.email, phone=signup.phone))
        self._apply_waiting(audience)
        return record

    @api.model
    def _refuse_sms(self, audience, delivery, reason):
        """Keep a forwarded SMS that subscribes nobody, with why (the URL's secret is never in ``delivery``)."""
        message = delivery.get("message")
        kept = {**delivery, "message": message[:MAX_SMS_MESSAGE_CHARS].replace("\x00", "\\x00")
                if isinstance(message, str) else message}
        key, values = self._sms_key_and_values(kept, phone=normalize_phone(delivery.get("phone")) or
                                               (delivery.get("phone") or "")[:64] or False)
        reason_key = hashlib.sha256(reason.encode("utf-8")).hexdigest()[:16]
        return self._store(audience, f"refused-{reason_key}-{key}", {**values, "state": "refused", "outcome": reason})

    @staticmethod
    def _sms_key_and_values(delivery, email=False, phone=False):
        raw = json.dumps(delivery, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest(), {
            "source": SOURCE_SMS, "event_type": SOURCE_SMS, "fired_at": fields.Datetime.now(), "raw": raw,
            "email": email, "phone": phone or False}

    @api.model
    def _store(self, audience, key, values):
        """The delivery's event, created unless it came before, and committed: from here on it is not lost."""
        record = self.sudo().search([("audience_id", "=", audience.id), ("event_key", "=", key)], limit=1)
        if not record:
            record = self.sudo().create({"audience_id": audience.id, "event_key": key, **values})
            commit_if_allowed(self.env)
        elif record.state == "failed":
            record.state = "new"  # a redelivery is a retry
        return record

    @api.model
    def _apply_waiting(self, audience, limit=APPLY_BATCH):
        """Apply the audience's events not applied yet, oldest first, at most ``limit`` of them.

        Deliveries that come together (Mailchimp sends several at once, a bulk change in
        Mailchimp sends hundreds) are applied together by whichever request takes them first:
        the events another worker is applying are locked, and skipped here.
        """
        self.flush_model(["audience_id", "state"])
        self.env.cr.execute("""
            SELECT id FROM mailchimp_webhook_event
             WHERE audience_id = %s AND state = 'new'
             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
        """, (audience.id, limit))
        waiting = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        waiting._apply()
        return waiting

    def _apply(self):
        """Apply the events, each all or nothing: a failure is recorded on its event, never half-written.

        Each event's attempt is counted in the write of its outcome (one write per event; a concurrency
        error undoes the attempt with everything else, and Odoo runs it again).

        The events of one audience are applied together in one savepoint, sharing what
        they need (its schema and tag links, read once); if one fails, that is undone
        and they are applied again one savepoint each, so that only the failing one fails.
        """
        for audience in self.audience_id:
            events = self.filtered(lambda record, audience=audience: record.audience_id == audience)
            engine = None
            try:
                with self.env.cr.savepoint():
                    engine = self._engine(audience)
                    results = events._apply_together(engine)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise  # not the event's failure: Odoo runs the request (or the job) again, the events wait
            except Exception as error:  # noqa: BLE001 - one of them failed: find which, below
                if len(events) == 1:
                    events._record_failure(error)
                    continue
                results = [(record, record._apply_alone(engine)) for record in events]
            for record, result in results:
                if result:
                    state, outcome, partner = result
                    record.write({"state": state, "outcome": outcome, "partner_id": partner.id if partner else False,
                                  "attempts": record.attempts + 1, **record._without_address(outcome, partner)})

    def _without_address(self, outcome, partner):
        """A webhook about an address Odoo keeps nothing of in the audience (no customer; or erased from it, e.g.
        Mailchimp's late "unsubscribe, delete" of an erasure) is kept without the address: ``{email, raw}``
        emptied to what the delivery said apart from the person (its key still recognizes a redelivery)."""
        if partner or self.source != SOURCE_WEBHOOK or not self.audience_id._inbound_keeps_no_address(outcome):
            return {}
        try:
            event = parse_webhook(self.raw.encode("utf-8"))
        except WebhookError:
            return {"email": False, "raw": False}
        said = {"type": event.type, "fired_at": event.fired_at.isoformat(), "list_id": event.list_id,
                "action": event.action, "reason": event.reason}
        return {"email": False, "raw": json.dumps(said)}

    def _apply_together(self, engine, parsed=None, new_addresses=()):
        """``[(event, (state, outcome, partner))]`` of one audience's events, in order.

        Consecutive member events (subscribe, unsubscribe, profile, upemail, cleaned) are
        applied as one batch of changes; the others one by one, in their turn. ``parsed``: the
        webhook of a single event, parsed already (a delivery applied alone, as it came);
        ``new_addresses``: addresses known to have no member and no customer (``_apply_and_store``).
        """
        audience = self.audience_id.with_company(self.audience_id.company_id)
        results, changes = [], []  # changes: [(event, parsed webhook)] not applied yet

        def apply_changes():
            outcomes = audience._apply_webhook_changes([parsed for _event, parsed in changes], engine,
                                                       new_addresses)
            results.extend(zip([event for event, _parsed in changes], outcomes))
            changes.clear()

        for record in self:
            member_event = record._member_event(parsed)
            if member_event:
                changes.append((record, member_event))
                continue
            if changes:
                apply_changes()
            results.append((record, record._apply_event(engine)))
        if changes:
            apply_changes()
        return results

    def _member_event(self, parsed=None):
        """The parsed webhook (``parsed``, else this event's body parsed) if this is a member event (what
        ``_apply_webhook_changes`` takes), else None."""
        if self.source != SOURCE_WEBHOOK:
            return None
        try:
            event = parsed or parse_webhook(self.raw.encode("utf-8"))
        except WebhookError:
            return None
        return None if event.type == WEBHOOK_CAMPAIGN else event

    def _apply_alone(self, engine):
        """``_apply_event`` in its own savepoint; None (and the event marked failed) when it raised."""
        try:
            with self.env.cr.savepoint():
                return self._apply_event(engine)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # see _apply
        except Exception as error:  # noqa: BLE001 - a delivery must never answer 500: it is retried by the cron
            self._record_failure(error)
            return None

    def _record_failure(self, error):
        self.write(self._failure(error))

    def _failure(self, error):
        """The values of this event failed by ``error`` (its attempt counted), logged."""
        _logger.warning("Mailchimp event %s of %s failed: %s", self.event_type, self.audience_id.name, error,
                        exc_info=error)
        return {"state": "failed", "outcome": f"{type(error).__name__}: {error}", "attempts": self.attempts + 1}

    def _apply_event(self, engine):
        """``(state, outcome, partner)`` of applying this event (see ``mailchimp.audience``)."""
        self.ensure_one()
        audience = self.audience_id.with_company(self.audience_id.company_id)
        if self.source == SOURCE_SMS:
            return audience._apply_sms_event(self, engine)
        try:
            event = parse_webhook(self.raw.encode("utf-8"))
        except WebhookError as error:
            return "ignored", error.reason, None
        return audience._apply_webhook_event(event, engine)

    @api.model
    def _cron_retry_failed(self, limit=500):
        """Scheduled job: apply again what failed (Odoo was busy, a lock, a bug fixed since), and what a
        worker that stopped before applying it left waiting."""
        stale = fields.Datetime.subtract(self.env.cr.now(), minutes=5)  # create_date is the transaction's now
        events = self.search(["|", "&", ("state", "=", "failed"), ("attempts", "<", 10),
                              "&", ("state", "=", "new"), ("create_date", "<", stale)], limit=limit, order="id")
        events._apply()
        return len(events)
