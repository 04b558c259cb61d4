from odoo import api, fields, models

from ..mailchimp_sync.eligibility import REASONS


class MailchimpSyncRun(models.Model):
    """One run of the customers → audience sync: counts, failures, conflicts."""

    _name = "mailchimp.sync.run"
    _description = "Mailchimp sync run"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    trigger = fields.Selection([("cron", "Scheduled"), ("manual", "Manual")], required=True, default="manual")
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed"), ("interrupted", "Interrupted")],
        required=True, default="running")
    date_start = fields.Datetime(string="Started", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="Ended")
    user_id = fields.Many2one("res.users", string="Started by", default=lambda self: self.env.user)
    total_count = fields.Integer(string="To push")
    done_count = fields.Integer(string="Pushed")
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
    line_ids = fields.One2many("mailchimp.sync.run.line", "run_id", string="Failures and conflicts")
    report_email = fields.Char(compute="_compute_report_email")

    @api.depends("audience_id.name", "date_start")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.audience_id.name} – {fields.Datetime.to_string(run.date_start) or ''}"

    def _compute_report_email(self):
        for run in self:
            run.report_email = run.audience_id._report_email()

    @api.depends("total_count", "done_count", "state")
    def _compute_progress(self):
        for run in self:
            if run.state == "done":
                run.progress = 100.0
            else:
                run.progress = 100.0 * run.done_count / run.total_count if run.total_count else 0.0

    @api.depends("skipped_by_reason")
    def _compute_skipped_summary(self):
        for run in self:
            reasons = run.skipped_by_reason or {}
            run.skipped_summary = "\n".join(
                f"{count} × {REASONS.get(code, code)}" for code, count in sorted(reasons.items()))

    def _add_counts(self, **counts):
        """Add to the counters (``created_count=3, …``) in one write."""
        self.ensure_one()
        self.write({name: self[name] + value for name, value in counts.items() if value})

    def _add_skips(self, reasons):
        self.ensure_one()
        merged = dict(self.skipped_by_reason or {})
        for code in reasons:
            merged[code] = merged.get(code, 0) + 1
        self.write({"skipped_by_reason": merged, "skipped_count": sum(merged.values())})

    def _add_lines(self, lines):
        """Lines are dicts ``{kind, partner_id, email, message}``."""
        self.ensure_one()
        if lines:
            self.env["mailchimp.sync.run.line"].create([dict(line, run_id=self.id) for line in lines])

    def _send_report(self):
        """Queue the report email of this run to the configured report address."""
        self.ensure_one()
        template = self.env.ref("mailchimp_sync.mail_template_sync_report")
        template.send_mail(self.id, force_send=False)
