"""Create an audience in Mailchimp from Odoo; it is then managed by Odoo."""
from odoo import api, fields, models

from ..mailchimp_sync.audience_defaults import list_body, problems


class MailchimpAudienceCreateWizard(models.TransientModel):
    _name = "mailchimp.audience.create.wizard"
    _inherit = ["mailchimp.list.defaults"]
    _description = "Create a Mailchimp audience"

    account_id = fields.Many2one("mailchimp.account", required=True, readonly=True)
    name = fields.Char(string="Audience name")
    email_type_option = fields.Boolean(
        string="Let contacts pick HTML or text", help="Mailchimp's “email type option” of the audience.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        account = self.env["mailchimp.account"].browse(values.get("account_id"))
        if account:
            defaults = self._list_default_write_values(account._list_default_values())
            values.update({key: value for key, value in defaults.items() if key in fields_list and value})
        return values

    def action_create(self):
        """Check every value as Mailchimp would (required ones, the From email, the language) before any call,
        then create the audience in Mailchimp and in Odoo."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.env["mailchimp.audience"].check_access("create")
        values = self._list_default_values()
        self._raise_list_problems(problems(self.name, values), self.env._(
            "Mailchimp would refuse these values; nothing was created:"))
        with backend._user_errors():
            remote = self.account_id._client().create_list(
                list_body(self.name, values, email_type_option=self.email_type_option))
        Audience = self.env["mailchimp.audience"]
        audience = Audience.create({
            **Audience._values_from_list(remote, fields.Datetime.now()),
            **self._list_default_write_values(values),
            "account_id": self.account_id.id,
            "managed_by_odoo": True,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailchimp.audience",
            "res_id": audience.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

