from odoo import api, fields, models


class MailchimpInterest(models.Model):
    """A Mailchimp interest ("group"): what a customer tag maps to."""

    _name = "mailchimp.interest"
    _description = "Mailchimp interest (group)"
    _order = "audience_id, category_id, sequence, name, id"
    _rec_names_search = ["name", "category_id.name"]

    name = fields.Char(required=True)
    mailchimp_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, index=True)
    category_id = fields.Many2one("mailchimp.interest.category", required=True, ondelete="cascade", index=True)
    audience_id = fields.Many2one(related="category_id.audience_id", store=True, index=True)
    sequence = fields.Integer(readonly=True)
    subscriber_count = fields.Integer(readonly=True)
    tag_ids = fields.One2many("res.partner.category", "mailchimp_interest_id", string="Customer tags")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("mailchimp_id_unique", "unique(category_id, mailchimp_id)", "This interest is already known."),
    ]

    @api.depends("name", "category_id.name", "audience_id.name")
    def _compute_display_name(self):
        for interest in self:
            interest.display_name = f"{interest.category_id.name} / {interest.name}"
