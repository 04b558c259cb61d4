from odoo import api, fields, models


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    mailchimp_interest_id = fields.Many2one(
        "mailchimp.interest", string="Mailchimp group", company_dependent=True,
        groups="mailchimp_sync.group_mailchimp_user",
        help="Customers with this tag are synced to this group's audience, with the group ticked. "
             "Each company links its tags to its own account's groups.")

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("mailchimp_interest_id") for vals in vals_list):
            self.env["mailchimp.backend"]._check_manager()
        return super().create(vals_list)

    def write(self, vals):
        """Only Mailchimp managers decide who goes to Mailchimp: the view hiding the field is not enough."""
        if "mailchimp_interest_id" in vals:
            self.env["mailchimp.backend"]._check_manager()
        return super().write(vals)
