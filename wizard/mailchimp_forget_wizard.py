"""The confirmation of Forget: every service the person will be removed from, and who else is affected."""
from markupsafe import Markup

from odoo import api, fields, models


class MailchimpForgetWizard(models.TransientModel):
    _name = "mailchimp.forget.wizard"
    _description = "Forget a customer: confirmation"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True, ondelete="cascade")
    audience_ids = fields.Many2many("mailchimp.audience", string="Mailchimp audiences", readonly=True,
                                    help="The audiences the person is in (Mailchimp's answer, else Odoo's members).")
    sms_group_ids = fields.Many2many("mailchimp.sms.group", string="SerwerSMS groups", readonly=True)
    cm_list_names = fields.Char(string="Campaign Monitor lists", readonly=True)
    cm_unknown = fields.Boolean(readonly=True, help="Campaign Monitor could not be asked which lists have the person.")
    other_partner_ids = fields.Many2many("res.partner", "mailchimp_forget_wizard_other_rel", "wizard_id", "partner_id",
                                         string="Also affected", readonly=True,
                                         help="Other customers with the same address: they share the erasure.")
    warning = fields.Text(readonly=True)
    summary = fields.Html(compute="_compute_summary", sanitize=False)

    @api.depends("audience_ids", "sms_group_ids", "cm_list_names", "cm_unknown", "other_partner_ids", "warning")
    def _compute_summary(self):
        for wizard in self:
            lines = [wizard._summary_line(self.env._("Mailchimp"), wizard.audience_ids.mapped("name"))]
            if wizard.sms_group_ids:
                lines.append(wizard._summary_line(self.env._("SerwerSMS"), wizard.sms_group_ids.mapped("name")))
            if wizard.cm_list_names or wizard.cm_unknown:
                lines.append(wizard._summary_line(self.env._("Campaign Monitor"), [
                    wizard.cm_list_names or self.env._("every list that has the person")]))
            items = Markup("").join(Markup("<li>%s</li>") % line for line in lines)
            html = Markup("<p>%s</p><ul>%s</ul>") % (self.env._(
                "%s will be deleted permanently from:", wizard.partner_id.display_name), items)
            if wizard.other_partner_ids:
                html += Markup('<p class="text-warning o_mailchimp_forget_others">%s</p>') % self.env._(
                    "%(others)s share this address and will be forgotten with it (their box is unticked too).",
                    others=", ".join(wizard.other_partner_ids.mapped("display_name")))
            html += Markup("<p>%s</p>") % self.env._(
                "Odoo's data about the person in these services goes too; one “erased” record stays, without "
                "personal data. It cannot be undone: Mailchimp never lets anyone add the address again, only the "
                "person can sign up again.")
            wizard.summary = html

    def _summary_line(self, service, names):
        return Markup("<b>%s</b>: %s") % (service, ", ".join(names) or self.env._("in no audience"))

    def action_confirm(self):
        """Forget: Odoo's side now, the services' parts queued in the same transaction; the worker makes them."""
        self.ensure_one()
        partner = self.partner_id
        partner._mailchimp_forget_check()
        plan = partner._mailchimp_forget_plan()
        cm_lists = [name.strip() for name in (self.cm_list_names or "").split(",") if name.strip()]
        plan.update(audiences=plan["audiences"] | self.audience_ids.sudo(),
                    others=plan["others"] | self.other_partner_ids, cm_lists=None if self.cm_unknown else cm_lists)
        partner._mailchimp_forget(plan)
        return self.env["mailchimp.backend"]._notification(
            self.env._("%s is forgotten in Odoo; the services are being asked to delete them (progress in Remote "
                       "operations).", partner.display_name),
            title=self.env._("Forget"), close=True)
