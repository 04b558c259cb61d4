"""Consent records: why a person receives (or stopped receiving) an audience's email.

Every path that changes a subscription records here through :meth:`_record_many`
(the partner's box, webhooks, SMS sign-ups, import and reconciliation, the
subscribe dialog, "Forget"). Records are read-only for everyone:
only that method writes them, as superuser, and a state is recorded only when
it differs from the pair's latest one (an import run twice adds nothing).
"""
from odoo import api, fields, models
from odoo.tools import SQL

from ..mailchimp_sync.gdpr import (
    CONSENT_PURPOSES,
    CONSENT_SOURCES,
    CONSENT_STATES,
    PURPOSE_EMAIL,
    SOURCE_GDPR_EXCLUSION,
    consent_exclusions,
    consent_state_for_status,
    new_consents,
)
from . import mailchimp_messages


class MailchimpConsent(models.Model):
    _name = "mailchimp.consent"
    _description = "Mailchimp consent record"
    _order = "date desc, id desc"
    _rec_name = "state"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True, ondelete="set null")
    audience_id = fields.Many2one("mailchimp.audience", readonly=True, index=True,
                                  ondelete="set null")
    company_id = fields.Many2one("res.company", readonly=True, index=True,
                                 default=lambda self: self.env.company)
    email = fields.Char(readonly=True, help="The address the consent is about (not kept for an erasure).")
    state = fields.Selection(list(CONSENT_STATES.items()), string="Consent", required=True, readonly=True)
    purpose = fields.Selection(list(CONSENT_PURPOSES.items()), required=True, readonly=True, default=PURPOSE_EMAIL,
                               help="What the consent is for; a subscription is consent to email.")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    source = fields.Selection(list(CONSENT_SOURCES.items()), required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="set null",
                              help="Who did it in Odoo; empty when the person or Mailchimp did.")
    text = fields.Text(string="Text shown", readonly=True,
                       help="What the person was shown or sent, when there was something.")
    audience_names = fields.Char(string="Audiences", readonly=True,
                                 help="For an erasure: the audiences the person was deleted from.")

    @api.model
    def _record(self, partner, audience, state, source, text=None, email=None, user=None):
        """Record one consent change (see :meth:`_record_many`)."""
        return self._record_many([self._row(partner, audience, state, source, text=text, email=email, user=user)])

    @api.model
    def _record_status(self, partner, audience, status, source, text=None, email=None, user=None):
        """Record what a member status says about consent (nothing for pending, cleaned, archived)."""
        state = consent_state_for_status(status)
        if not state or not partner:
            return self.browse()
        return self._record(partner, audience, state, source, text=text, email=email, user=user)

    @api.model
    def _row(self, partner, audience, state, source, text=None, email=None, user=None, purpose=PURPOSE_EMAIL):
        return {"partner_id": partner.id or False, "audience_id": audience.id or False, "state": state,
                "purpose": purpose,
                "source": source, "text": text or False, "email": email or partner.email or False,
                "company_id": (audience.company_id or partner.company_id or self.env.company).id,
                "user_id": (user if user is not None else self.env.user).id or False,
                "date": fields.Datetime.now()}

    @api.model
    def _record_many(self, rows, new_partner_ids=()):
        """Create the rows that change a pair's consent, in one insert; returns the records created.
        ``new_partner_ids``: customers created in this transaction without a consent, whose latest is not read."""
        rows = [row for row in rows if row["partner_id"] or row["state"] == "erased"]
        known = [row for row in rows if row["partner_id"] not in new_partner_ids]
        rows = new_consents(rows, self._latest_states(known))
        return self.sudo().create(rows) if rows else self.browse()

    @api.model
    def _latest_states(self, rows):
        """``{(partner id, audience id, purpose): state}`` of the latest record of each in ``rows``, in one query."""
        partner_ids = list({row["partner_id"] for row in rows if row["partner_id"]})
        if not partner_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT DISTINCT ON (partner_id, audience_id, purpose) partner_id, audience_id, purpose, state
                 FROM mailchimp_consent
                WHERE partner_id = ANY(%s)
             ORDER BY partner_id, audience_id, purpose, date DESC, id DESC""", partner_ids))
        return {(partner_id, audience_id or False, purpose): state
                for partner_id, audience_id, purpose, state in self.env.cr.fetchall()}

    @api.model
    def _consented_purposes(self, audience, partner_ids):
        """``{partner id: frozenset of purposes}`` whose latest consent in ``audience`` is given, in one query."""
        if not partner_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT partner_id, array_agg(purpose) FROM (
                   SELECT DISTINCT ON (partner_id, purpose) partner_id, purpose, state
                     FROM mailchimp_consent
                    WHERE audience_id = %s AND partner_id = ANY(%s)
                 ORDER BY partner_id, purpose, date DESC, id DESC) AS latest
                WHERE state = 'given'
             GROUP BY partner_id""", audience.id, list(partner_ids)))
        return {partner_id: frozenset(purposes) for partner_id, purposes in self.env.cr.fetchall()}

    @api.model
    def _withdrawn_partner_ids(self, audience, partner_ids):
        """The customers among ``partner_ids`` whose latest consent to email in ``audience`` is withdrawn or erased."""
        if not partner_ids:
            return set()
        self.flush_model()
        self.env.cr.execute(SQL(
            """SELECT partner_id FROM (
                   SELECT DISTINCT ON (partner_id) partner_id, state
                     FROM mailchimp_consent
                    WHERE audience_id = %s AND partner_id = ANY(%s) AND purpose = %s
                 ORDER BY partner_id, date DESC, id DESC) AS latest
                WHERE state IN ('withdrawn', 'erased')""", audience.id, list(partner_ids), PURPOSE_EMAIL))
        return {partner_id for (partner_id,) in self.env.cr.fetchall()}

    @api.model
    def _record_exclusions(self, audience, excluded):
        """A campaign's GDPR check left these customers out for want of consent: one "withdrawn" record each,
        with the reason in the words of the user who confirmed the send (``excluded``: the check's
        ``(recipient, reason codes)`` pairs)."""
        exclusions = consent_exclusions(excluded)
        partners = self.env["res.partner"].browse([recipient.partner_id for recipient, _reason in exclusions])
        return self._record_many([
            self._row(partner, audience, "withdrawn", SOURCE_GDPR_EXCLUSION, email=recipient.email,
                      text=mailchimp_messages.exclusion(self.env, reasons, recipient.mailchimp_status))
            for partner, (recipient, reasons) in zip(partners, exclusions)])
