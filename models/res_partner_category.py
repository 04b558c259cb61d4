from odoo import fields, models


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    mailchimp_interest_id = fields.Many2one(
        "mailchimp.interest", string="Mailchimp group", ondelete="set null", index=True,
        help="Customers with this tag are synced to this interest's audience, with this interest ticked.")
