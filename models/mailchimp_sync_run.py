from odoo import api, fields, models

from . import mailchimp_messages
from .mailchimp_account import REPORT_ALWAYS, REPORT_FAILURES, report_addresses


class MailchimpSyncRun(models.Model):
    """One run of the customers → audience sync: counts, failures, conflicts."""

    _name = "mailchimp.sync.run"
    _description = "Mailchimp sync run"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True, index=True)
    trigger = fields.Selection([("cron", "Scheduled"), ("manual", "Manual")], required=True, default="manual")
    whole_audience = fields.Boolean(default=True, readonly=True,
                                    help="The run looked at every customer of the audience (not a collection's).")
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed"), ("interrupted", "Interrupted")],
        required=True, default="running")
    outcome = fields.Char(compute="_compute_outcome", help="The run's state in words, first in the report's subject.")
    date_start = fields.Datetime(string="Started", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Ended")
    user_id = fields.Many2one("res.users", string="Started by", default=lambda self: self.env.user)
    total_count = fields.Integer(string="To check", help="Customers and members this run looks at.")
    done_count = fields.Integer(string="Checked")
    max_in_flight = fields.Integer(string="Batch calls at once (peak)")
    progress = fields.Float(compute="_compute_progress")
    created_count = fields.Integer(string="Created")
    updated_count = fields.Integer(string="Updated")
    unsubscribed_count = fields.Integer(string="Unsubscribed")
    archived_count = fields.Integer(string="Archived")
    unchanged_count = fields.Integer(string="Unchanged")
    skipped_count = fields.Integer(string="Skipped")
    conflict_count = fields.Integer(string="Conflicts")
    failed_count = fields.Integer(string="Failed")
    skipped_by_reason = fields.Json(default=dict)
    skipped_summary = fields.Text(compute="_compute_skipped_summary")
    api_call_count = fields.Integer(string="API calls")
    message = fields.Text(help="Why the run failed, if it did.")
    line_ids = fields.One2many(
        "mailchimp.sync.run.line", "run_id", string="Failures and conflicts",
        domain=[("kind", "not in", ("skipped", "held"))])
    skipped_line_ids = fields.One2many(
        "mailchimp.sync.run.line", "run_id", string="Skipped customers", domain=[("kind", "=", "skipped")])
    report_email = fields.Char(compute="_compute_report_email")
    report_lang = fields.Char(compute="_compute_report_lang")

    @api.depends("audience_id.name", "date_start")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.audience_id.name} – {fields.Datetime.to_string(run.date_start) or ''}"

    def _compute_report_email(self):
        for run in self:
            run.report_email = ", ".join(report_addresses(run.audience_id.account_id.report_email))

    @api.depends("state", "failed_count")
    def _compute_outcome(self):
        for run in self:
            if run.state == "done" and run.failed_count:
                run.outcome = self.env._("Done with failures")
            else:
                run.outcome = dict(self._fields["state"]._description_selection(self.env)).get(run.state)

    @api.depends("total_count", "done_count", "state")
    def _compute_progress(self):
        for run in self:
            if run.state == "done":
                run.progress = 100.0
            else:
                run.progress = 100.0 * run.done_count / run.total_count if run.total_count else 0.0

    @api.depends("skipped_by_reason")
    def _compute_skipped_summary(self):
        words = mailchimp_messages.skip_reasons(self.env)
        for run in self:
            reasons = run.skipped_by_reason or {}
            run.skipped_summary = "\n".join(
                f"{count} × {words.get(code, code)}" for code, count in sorted(reasons.items()))

    def _add_counts(self, **counts):
        """Add to the counters (``created_count=3, …``) in one write."""
        self.ensure_one()
        self.write({name: self[name] + value for name, value in counts.items() if value})

    def _add_skips(self, skips):
        """Count the skipped customers by reason and list each of them, so that they can be opened."""
        self.ensure_one()
        merged = dict(self.skipped_by_reason or {})
        for skip in skips:
            merged[skip.reason] = merged.get(skip.reason, 0) + 1
        self.write({"skipped_by_reason": merged, "skipped_count": sum(merged.values())})
        words = mailchimp_messages.skip_reasons(self.env)
        self._add_lines([{"kind": "skipped", "reason": skip.reason, "partner_id": skip.partner_id,
                          "message": words.get(skip.reason, skip.reason)} for skip in skips])

    def _add_conflicts(self, conflicts):
        """One line per address several customers share, naming them: ids mean nothing to a reader."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_context(active_test=False)
        self._add_lines([{
            "kind": "conflict", "partner_id": conflict.kept_partner_id, "email": conflict.email,
            "message": self.env._(
                "Same email as %(customers)s: only this customer is synced.",
                customers=", ".join(Partner.browse(conflict.held_back_partner_ids).mapped("display_name"))),
        } for conflict in conflicts])
        self._add_counts(conflict_count=len(conflicts))

    def _add_lines(self, lines):
        """Lines are dicts ``{kind, partner_id, email, message}``."""
        self.ensure_one()
        if lines:
            self.env["mailchimp.sync.run.line"].create([dict(line, run_id=self.id) for line in lines])

    def _send_report(self):
        """Queue the report email of this run, if the account's report policy asks for it."""
        self.ensure_one()
        if not self._report_wanted():
            return
        template = self.env.ref("mailchimp_sync.mail_template_sync_report")
        template.send_mail(self.id, force_send=False, email_layout_xmlid="mail.mail_notification_light")

    def _report_wanted(self):
        policy = self.audience_id.account_id.report_policy
        failed = self.state != "done" or bool(self.failed_count)
        changed = any(self[name] for name in (
            "created_count", "updated_count", "unsubscribed_count", "archived_count", "conflict_count"))
        if policy == REPORT_ALWAYS:
            return True
        if policy == REPORT_FAILURES:
            return failed
        return failed or changed

    def _compute_report_lang(self):
        """The first recipient's language if Odoo knows that person, else the company's."""
        for run in self:
            recipients = report_addresses(run.audience_id.account_id.report_email)
            known = self.env["res.partner"].sudo().search(
                [("email_normalized", "=", recipients[0].lower()), ("lang", "!=", False)], limit=1,
            ) if recipients else None
            run.report_lang = (known and known.lang) or run.audience_id.company_id.partner_id.lang or run.user_id.lang
