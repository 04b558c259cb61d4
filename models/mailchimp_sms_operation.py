"""SMS contact operations in the journal: a contact added to or deleted from a SerwerSMS group, made once.

A live change (:mod:`.mailchimp_sms_change`) decides what a group needs and
queues it here, in the same transaction that records the change as handled: the
intent is committed before the gateway is called. The worker adds or deletes
the contact and writes the outcome on its row. An add found running (its worker
was killed between the call and its record) asks the gateway whether the
contact is in the group (a search by its number) before adding it again, so
nobody is in a group twice.
"""
from odoo import fields, models

from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import SMS_CONTACT_ADD, SMS_CONTACT_DELETE, presence_outcome
from ..mailchimp_sync.serwersms import CODE_INVALID_ID
from ..mailchimp_sync.sms_groups import match_group_contacts
from . import mailchimp_messages
from .mailchimp_remote_operation import Handler


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    sms_contact_id = fields.Many2one("mailchimp.sms.contact", string="SMS contact", readonly=True,
                                     ondelete="cascade", index="btree_not_null")

    def _handlers(self):
        return {
            **super()._handlers(),
            SMS_CONTACT_ADD: Handler(self._run_sms_contact_add, self._resolve_sms_contact_add),
            SMS_CONTACT_DELETE: Handler(self._run_sms_contact_delete, self._resolve_sms_contact_delete),
        }

    # ------------------------------------------------------------ calls

    def _run_sms_contact_add(self):
        row = self.sms_contact_id
        if not row.group_id._gets_live_updates():
            return self.env._("Not made: the group no longer gets live updates.")
        try:
            contact_id = self._sms_client().add_contact(row.group_id.gateway_group_id, row._sms_contact().as_gateway())
        except ServiceError as error:
            if getattr(error, "code", None) is None or error.is_auth_error:
                raise
            # the gateway answered and refused this number: nothing was added
            refusal = mailchimp_messages.error_text(self.env, error)
            self._sms_record(row, {"state": "rejected", "gateway_contact_id": False, "reason": refusal})
            return self.env._("SerwerSMS refused the contact: %s", refusal)
        self._sms_record(row, {"state": "imported", "gateway_contact_id": contact_id, "reason": False})
        return self.env._("Contact %(phone)s added to the group %(group)s.", phone=row.phone, group=row.group_id.name)

    def _run_sms_contact_delete(self):
        row = self.sms_contact_id
        if not row.group_id._gets_live_updates():
            return self.env._("Not made: the group no longer gets live updates.")
        try:
            self._sms_client().delete_contact(self.params["contact_id"])
        except ServiceError as error:
            if getattr(error, "code", None) != CODE_INVALID_ID:
                raise
            answer = self.env._("The contact was no longer at SerwerSMS.")
        else:
            answer = self.env._("Contact deleted from the group %s.", row.group_id.name)
        self._sms_removed(row)
        return answer

    # ------------------------------------------------------------ the truth, for an operation found running

    def _resolve_sms_contact_add(self):
        row = self.sms_contact_id
        contact_id = self._sms_found(row).get(row._key())
        if contact_id:
            self._sms_record(row, {"state": "imported", "gateway_contact_id": contact_id, "reason": False})
        return presence_outcome(SMS_CONTACT_ADD, bool(contact_id))

    def _resolve_sms_contact_delete(self):
        row = self.sms_contact_id
        items = self._sms_client().iter_contacts(row.group_id.gateway_group_id, search=self.params["phone"])
        present = any(int(item.get("id") or 0) == self.params["contact_id"] for item in items)
        if not present:
            self._sms_removed(row)
        return presence_outcome(SMS_CONTACT_DELETE, present)

    # ------------------------------------------------------------ helpers

    def _sms_client(self):
        return self.env["mailchimp.sms.account"]._for_company(self.company_id)._client()

    def _sms_found(self, row):
        """``{contact_key: id}`` of the row's contact in its group at SerwerSMS (searched by its number)."""
        items = self._sms_client().iter_contacts(row.group_id.gateway_group_id, search=row.phone)
        return match_group_contacts([row._sms_contact()], items)

    def _sms_record(self, row, values):
        row.write(values)
        row.group_id._refresh_counts()
        row.group_id._trigger_job()  # the member's later changes waited for this one

    def _sms_removed(self, row):
        self._sms_record(row, {"state": "removed", "gateway_contact_id": False, "reason": False})
