"""What the customer's Mailchimp panel last read for an address, so that it opens fast and survives an outage.

One row per account and address: the panel's JSON and when Mailchimp gave it.
The panel reads Mailchimp again after :data:`CACHE_TTL` (or at once with its
refresh icon); when Mailchimp cannot answer, the last row is shown with the
time it is from. Rows follow their account's company (record rule).
"""
import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from ..mailchimp_sync.duplicates import email_key
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.panel import MailchimpPanelProvider
from ..mailchimp_sync.panel_providers import provider_panel

_logger = logging.getLogger(__name__)

CACHE_TTL = timedelta(minutes=5)
# Audiences read at once: the panel waits for Mailchimp's round trips, not for Odoo (the client's pool holds 10).
PARALLEL_READS = 4


class MailchimpPanelCache(models.Model):
    _name = "mailchimp.panel.cache"
    _description = "Mailchimp panel: last data read per address"
    _order = "fetched_at desc, id"
    _rec_name = "email"
    _service = "Mailchimp"  # in messages; a provider's cache model (``_inherit`` of this one) names its own

    account_id = fields.Many2one("mailchimp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    email = fields.Char(required=True, help="The address, lower-cased as Mailchimp identifies it.")
    data = fields.Text(help="The panel's data (JSON) as Mailchimp gave it.")
    fetched_at = fields.Datetime(string="Read from Mailchimp", required=True)

    _sql_constraints = [
        ("account_email_unique", "unique(account_id, email)", "One cached panel per account and address."),
    ]

    @api.model
    def _panel_for(self, account, email, refresh=False):
        """``{panel, fetched_at, stale, message}`` for ``email``: cached when fresh, else live, else the last known.

        The caller checked the user's rights: this reads Mailchimp and writes the cache as superuser.
        """
        entry = self.sudo().search([("account_id", "=", account.id), ("email", "=", email_key(email))], limit=1)
        if entry and not refresh and entry.fetched_at > fields.Datetime.now() - CACHE_TTL:
            return entry._answer()
        try:
            data = self._read_remote(account, email)
        except ServiceError as error:
            _logger.info("%s panel of an address: unreachable (%s)", self._service, error)
            if entry:
                return entry._answer(unreachable=True)
            return {"panel": None, "fetched_at": False, "stale": True,
                    "message": self.env._("%s unreachable: nothing known yet about this address.", self._service)}
        return self._store(account, email, data)._answer()

    @api.model
    def _read_remote(self, account, email):
        """The panel's data of ``email``, read from the provider; a provider's cache model overrides it."""
        return self._read_from_mailchimp(account, email)

    @api.model
    def _read_from_mailchimp(self, account, email):
        """The panel of ``email`` over the account's audiences: each member, and the activity of members."""
        audiences = self.env["mailchimp.audience"].sudo().search([("account_id", "=", account.id)])
        provider = MailchimpPanelProvider(account._client(interactive=True),
                                          [(audience.mailchimp_id, audience.name) for audience in audiences],
                                          parallel=PARALLEL_READS)
        return provider_panel(provider, email)

    @api.model
    def _store(self, account, email, data):
        """Insert or replace the row in one statement: two panels opened at once must not collide."""
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """INSERT INTO %(table)s
                      (account_id, company_id, email, data, fetched_at, create_uid, create_date, write_uid, write_date)
               VALUES (%(account)s, %(company)s, %(email)s, %(data)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
               ON CONFLICT (account_id, email)
               DO UPDATE SET data = EXCLUDED.data, fetched_at = EXCLUDED.fetched_at,
                             write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
               RETURNING id""",
            table=SQL.identifier(self._table), account=account.id, company=account.company_id.id,
            email=email_key(email), data=json.dumps(data), now=now, uid=self.env.uid,
        ))
        [entry_id] = self.env.cr.fetchone()
        self.invalidate_model()
        return self.sudo().browse(entry_id)

    @api.model
    def _forget(self, account, email):
        """Drop the address's row: the next panel reads Mailchimp (after the dialog changed something)."""
        self.sudo().search([("account_id", "=", account.id), ("email", "=", email_key(email))]).unlink()

    def _answer(self, unreachable=False):
        self.ensure_one()
        message = False
        if unreachable:
            message = self.env._("%(service)s unreachable: shown as of %(time)s", service=self._service,
                                 time=format_datetime(self.env, self.fetched_at))
        return {"panel": json.loads(self.data), "fetched_at": fields.Datetime.to_string(self.fetched_at),
                "stale": unreachable, "message": message}
