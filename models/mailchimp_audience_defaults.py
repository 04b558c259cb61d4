"""An audience's contact and list defaults, read from Mailchimp; audiences Odoo created and owns."""
from odoo import fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.audience_defaults import values_from_list
from ..mailchimp_sync.const import STATUS_ARCHIVED


class MailchimpAudience(models.Model):
    _name = "mailchimp.audience"
    _inherit = ["mailchimp.audience", "mailchimp.list.defaults"]

    managed_by_odoo = fields.Boolean(
        readonly=True, copy=False,
        help="Created from Odoo: Odoo owns all its members. Other audiences are never changed beyond "
             "the members Odoo syncs.")

    def action_get_mailchimp_defaults(self):
        """Button: fill the contact and list defaults with the audience's own in Mailchimp."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        with backend._user_errors():
            remote = self._client().get_list(self.mailchimp_id)
        self.write(self._list_default_write_values(values_from_list(remote)))
        return backend._notification(self.env._("Defaults read from Mailchimp."), reload=True)

    def action_open_create_audience(self):
        """List button: the dialog that creates an audience in Mailchimp, prefilled with the account's defaults."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("create")
        account = self.env["mailchimp.account"]._for_company(create=True)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create audience"),
            "res_model": "mailchimp.audience.create.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_account_id": account.id},
        }

    def action_archive_foreign_members(self):
        """Button (audiences managed by Odoo only): archive the members that are no customer synced by Odoo."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        if not self.managed_by_odoo:
            raise UserError(self.env._(
                "%s was not created by Odoo: Odoo changes only the members it syncs there.", self.name))
        synced = {(email or "").lower() for email in self.env["mailchimp.member"].search(
            [("audience_id", "=", self.id), ("partner_id", "!=", False)]).mapped("email")}
        archived = []
        with backend._user_errors():
            client = self._client()
            members = list(client.iter_members(self.mailchimp_id, fields="members.email_address,members.status,total_items"))
            for member in members:
                if member.get("status") != STATUS_ARCHIVED and member["email_address"].lower() not in synced:
                    client.archive_member(self.mailchimp_id, member["email_address"])
                    archived.append(member["email_address"])
        return backend._notification(
            self.env._("%(count)s members that are no Odoo customer archived.", count=len(archived)), reload=True)
