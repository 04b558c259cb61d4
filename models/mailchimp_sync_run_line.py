from odoo import fields, models


class MailchimpSyncRunLine(models.Model):
    """A failure, conflict or warning of a run, quoting Mailchimp's message."""

    _name = "mailchimp.sync.run.line"
    _description = "Mailchimp sync run line"
    _order = "run_id, kind, id"

    run_id = fields.Many2one("mailchimp.sync.run", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [("failure", "Failure"), ("conflict", "Conflict"), ("warning", "Warning")], required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")
    email = fields.Char()
    message = fields.Text(required=True)
