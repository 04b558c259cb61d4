from odoo import fields, models

from .mailchimp_member import SKIP_REASON_SELECTION


class MailchimpSyncRunLine(models.Model):
    """A failure, conflict, warning or skipped customer of a run, quoting Mailchimp's message."""

    _name = "mailchimp.sync.run.line"
    _description = "Mailchimp sync run line"
    _order = "run_id, kind, reason, id"

    run_id = fields.Many2one("mailchimp.sync.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    kind = fields.Selection(
        [("failure", "Failure"), ("conflict", "Conflict"), ("warning", "Warning"), ("skipped", "Skipped")],
        required=True)
    reason = fields.Selection(SKIP_REASON_SELECTION, help="Why a skipped customer was not synced.")
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")
    email = fields.Char()
    message = fields.Text(required=True)

    def action_open_partner(self):
        """Row button: open the customer the line is about."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
