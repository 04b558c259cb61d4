"""The full audit of an audience: a run that checks every customer, whatever the dirty marks say.

The sync runs read only the customers marked dirty (``mailchimp_sync_mark.py``); the audit is
the safety net for changes Odoo could not see (another module's SQL that did not mark, a
restored backup…). It hashes every candidate's item like the first run, pushes what is stale
and counts the stale members that had no mark (``missed_count``): 0 when the marks miss nothing.
It runs weekly (the scheduled job ``ir_cron_mailchimp_audit``) and on a manager's demand.
"""
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

AUDIT_INTERVAL = timedelta(days=7)
# Read together when one of them is (an Odoo prefetch group), not with the audience's row every webhook delivery reads.
AUDIT = "mailchimp_audience_audit"


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    sync_schema_hash = fields.Char(
        readonly=True, copy=False, prefetch=AUDIT,
        help="The hash of the schema and mappings of the last complete run; a different one makes the next run "
             "check every customer.")
    audit_requested = fields.Boolean(readonly=True, copy=False, prefetch=AUDIT,
                                     help="“Audit now” was pressed; the audit job picks it up.")
    last_audit_date = fields.Datetime(string="Last audit", readonly=True, copy=False, prefetch=AUDIT)
    last_audit_missed_count = fields.Integer(
        string="Missed by the last audit's marks", readonly=True, copy=False, prefetch=AUDIT,
        help="Stale members the last full audit found that no dirty mark pointed to (0: the incremental runs "
             "missed nothing).")

    def action_audit_now(self):
        """Button: ask the audit job to check every customer of this audience now."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        self._check_sync_possible()
        self.write({"audit_requested": True})
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_audit")._trigger()
        return self.env["mailchimp.backend"]._notification(
            self.env._("The audit has started; its result shows under Sync runs."),
            title=self.env._("Audit started"), reload=True)

    @api.model
    def _cron_audit(self):
        """Scheduled job (weekly): audit the audiences asked for, and those not audited for a week."""
        due = fields.Datetime.now() - AUDIT_INTERVAL
        audiences = self._all_audiences().filtered(
            lambda audience: audience.audit_requested
            or audience._mapped_tags() and (not audience.last_audit_date or audience.last_audit_date <= due))
        for audience in audiences:
            try:
                audience._audit()
            except UserError as error:  # refused before it started (e.g. a sync runs): asked again next time
                _logger.warning("Mailchimp audit of %s not run: %s", audience.name, error)

    def _audit(self):
        """One full audit run of this audience; returns the run."""
        self.ensure_one()
        if self.audit_requested:
            self.write({"audit_requested": False})
        return self.with_context(mailchimp_audit=True)._sync_members(trigger="audit")


class MailchimpSyncRun(models.Model):
    _inherit = "mailchimp.sync.run"

    trigger = fields.Selection(selection_add=[("audit", "Full audit")], ondelete={"audit": "set default"})
    missed_count = fields.Integer(
        string="Missed by dirty marks",
        help="A full audit: stale members it found and pushed that no dirty mark pointed to.")
