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
    company_id = fields.Many2one(related="category_id.audience_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    subscriber_count = fields.Integer(readonly=True)
    tag_ids = fields.Many2many(
        "res.partner.category", string="Customer tags", compute="_compute_tag_ids",
        help="The tags linked to this group by the audience's company.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("mailchimp_id_unique", "unique(category_id, mailchimp_id)", "This interest is already known."),
    ]

    def _compute_tag_ids(self):
        for audience in self.audience_id:
            tag_ids = list(audience._mapped_tags())
            tags = self.env["res.partner.category"].browse(tag_ids).with_company(audience.company_id)
            for interest in self.filtered(lambda i, audience=audience: i.audience_id == audience):
                interest.tag_ids = tags.filtered(lambda tag, interest=interest: tag.mailchimp_interest_id == interest)
        (self - self.filtered("audience_id")).tag_ids = False

    @api.depends("name", "category_id.name", "audience_id.name")
    def _compute_display_name(self):
        for interest in self:
            interest.display_name = f"{interest.category_id.name} / {interest.name}"
