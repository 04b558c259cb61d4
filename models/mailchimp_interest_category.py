from odoo import fields, models


class MailchimpInterestCategory(models.Model):
    """An interest category of an audience ("group title" in Mailchimp's screens)."""

    _name = "mailchimp.interest.category"
    _description = "Mailchimp interest category"
    _order = "audience_id, sequence, name, id"

    name = fields.Char(required=True)
    mailchimp_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, index=True)
    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)
    category_type = fields.Char(string="Type", readonly=True)
    sequence = fields.Integer(readonly=True)
    interest_ids = fields.One2many("mailchimp.interest", "category_id", string="Interests")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("mailchimp_id_unique", "unique(audience_id, mailchimp_id)", "This interest category is already known."),
    ]
