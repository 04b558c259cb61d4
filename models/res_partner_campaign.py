"""The campaigns a customer received and what it did with them: the smart button, and linking receipts and
activity to new customers."""
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    mailchimp_campaign_count = fields.Integer(
        string="Campaigns", compute="_compute_mailchimp_campaign_count",
        groups="mailchimp_sync.group_mailchimp_user")

    def _compute_mailchimp_campaign_count(self):
        counts = dict(self.env["mailchimp.campaign.recipient"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.mailchimp_campaign_count = counts.get(partner, 0)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered("email")._mailchimp_link_campaign_activity()
        return partners

    def _mailchimp_link_campaign_activity(self):
        """A step of ``res.partner``'s write (see ``res_partner.py``): a new address gets its receipts and activity."""
        self.env["mailchimp.campaign.activity"]._link_partners(self)

    def action_view_mailchimp_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mailchimp_sync.mailchimp_campaign_recipient_action")
        action["domain"] = [("partner_id", "=", self.id)]
        return action
