"""An audience's contact and list defaults, written to and read from Mailchimp; audiences Odoo created and owns.

Saving an audience's settings (contact, permission reminder, campaign defaults) writes them to
Mailchimp with ``PATCH /lists/{id}`` before Odoo keeps them: rights, then the changed values checked
by the core, then Mailchimp's current settings read, the whole settings written, and only once
Mailchimp accepted them are they written in Odoo. A refusal leaves Odoo's values as they were.
The call is made in the request, not through the journal of remote operations: the body is the
whole settings, so a request Odoo re-runs after a serialization failure writes the same state again.
"""
from odoo import fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.audience_defaults import FIELDS, problems, settings_to_write, update_body, values_from_list
from ..mailchimp_sync.const import STATUS_ARCHIVED
from ..mailchimp_sync.errors import MailchimpError

SETTINGS_FIELDS = frozenset({*FIELDS, "contact_country_id"} - {"contact_country"})
# Context key: the values are Mailchimp's own (read back), nothing to write there.
READ_FROM_MAILCHIMP = "mailchimp_settings_from_mailchimp"


class MailchimpAudience(models.Model):
    _name = "mailchimp.audience"
    _inherit = ["mailchimp.audience", "mailchimp.list.defaults"]

    managed_by_odoo = fields.Boolean(
        readonly=True, copy=False,
        help="Created from Odoo: Odoo owns all its members. Other audiences are never changed beyond "
             "the members Odoo syncs.")

    def write(self, vals):
        if SETTINGS_FIELDS.isdisjoint(vals) or self.env.context.get(READ_FROM_MAILCHIMP):
            return super().write(vals)
        for audience, values in self._write_settings_to_mailchimp(vals).items():
            super(MailchimpAudience, audience).write({**vals, **self._list_default_write_values(values)})
        return True

    def _write_settings_to_mailchimp(self, vals):
        """Write the settings ``vals`` changes to each audience in Mailchimp; ``{audience: values written}``."""
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        changes = self._list_default_changes(vals)
        refused = self.env._("Mailchimp would refuse these values; nothing was changed:")
        self._raise_list_problems(problems(None, changes, keys=set(changes)), refused)
        written = {}
        with backend._user_errors():
            for audience in self:
                client = audience._client()
                remote = client.get_list(audience.mailchimp_id)
                values = settings_to_write(remote, audience._list_default_values(), changes)
                self._raise_list_problems(problems(remote.get("name"), values), refused)
                body = update_body(remote.get("name"), values,
                                   email_type_option=bool(remote.get("email_type_option")))
                try:
                    client.update_list(audience.mailchimp_id, body)
                except MailchimpError as error:
                    if not error.errors:
                        raise
                    raise UserError(self._list_refusal_message(error)) from None
                written[audience] = values
        return written

    def action_get_mailchimp_defaults(self):
        """Button: fill the contact and list defaults with the audience's own in Mailchimp."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        with backend._user_errors():
            remote = self._client().get_list(self.mailchimp_id)
        self.with_context(**{READ_FROM_MAILCHIMP: True}).write(
            self._list_default_write_values(values_from_list(remote)))
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
