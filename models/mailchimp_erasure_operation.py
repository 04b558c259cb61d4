"""Forget's remote parts in the journal: one ``permanent_delete`` operation per person, made part by part.

"Forget" (``res_partner_gdpr.py``) checks rights, forgets Odoo's side and
queues this operation in the user's transaction, so that the local erasure and
the remote intent commit together (or not at all). The worker then makes each
part (:func:`..mailchimp_sync.gdpr.erasure_part`): Mailchimp's permanent
delete per audience and address, SerwerSMS's contact deletion per group,
Campaign Monitor's subscriber deletion per list. Every part is idempotent (the
person already gone counts as done), so an operation found running after a
kill is simply made again (:meth:`_resolve_erasure`): what was done answers
"not found", nothing happens twice.

The operation records in its ``params`` the keys of the parts done and the
error of each part that failed; a failed part leaves the operation saying
exactly which parts remain, and the next try (the worker's, or "Forget" pressed
again, which reopens it) makes only those. Once done, the operation keeps no
address, number or name: ``params`` and ``email`` are emptied.
"""
import logging

from odoo import fields, models

from ..mailchimp_sync.gdpr import (
    SERVICE_CAMPAIGN_MONITOR,
    SERVICE_MAILCHIMP,
    SERVICE_SERWERSMS,
    already_gone,
    describe_places,
    remaining_parts,
    remaining_with_errors,
)
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import DONE, FAILED, OUTCOME_REDO, QUEUED, after_unknown_failure, refused
from . import mailchimp_messages
from .mailchimp_remote_operation import Handler

_logger = logging.getLogger(__name__)

PERMANENT_DELETE = "permanent_delete"
CM_DELETED = "Deleted"


class ErasureIncomplete(ServiceError):
    """Some parts of an erasure remain: ``progress`` is the operation's params to keep, with the parts done.

    ``refused_only``: every remaining part was refused (4xx), so trying again alone will not help.
    """

    service = "Forget"

    def __init__(self, progress, refused_only):
        self.progress = progress
        self.refused_only = refused_only
        super().__init__("Some parts of the erasure remain.")


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null",
                                 ondelete="set null", help="The customer a Forget is about.")

    def _handlers(self):
        return {**super()._handlers(), PERMANENT_DELETE: Handler(self._run_erasure, self._resolve_erasure)}

    # ------------------------------------------------------------ the worker

    def _run_erasure(self):
        """Make each remaining part; raise :class:`ErasureIncomplete` (with the progress) when some remain."""
        self.ensure_one()
        params = dict(self.params or {})
        parts = params.get("parts") or []
        done, erased = list(params.get("done") or []), list(params.get("erased") or [])
        errors, refusals = {}, []
        clients = {}
        for part in remaining_parts(parts, done):
            try:
                found = self._erase_part(part, clients)
            except ServiceError as error:
                if not already_gone(part["service"], error.status, getattr(error, "code", None)):
                    _logger.info("Forget: part %s of operation %s failed: %s", part["service"], self.id, error)
                    errors[part["key"]] = mailchimp_messages.error_text(self.env, error)
                    refusals.append(refused(error.status))
                    continue
                found = False
            done.append(part["key"])
            if found:
                erased.append(part["key"])
        progress = {**params, "done": done, "erased": erased, "errors": errors}
        if remaining_parts(parts, done):
            raise ErasureIncomplete(progress, refused_only=all(refusals))
        self._forget_echoes(params.get("emails") or [], params.get("audience_ids"))
        places = describe_places([part for part in parts if part["key"] in erased])
        if not places:
            return self.env._("Erased: no service had the person any more.")
        return self.env._("Erased from %s.", places)

    def _forget_echoes(self, emails, audience_ids=None):
        """What the services said back while the operation ran (Mailchimp's "unsubscribe, delete" webhook,
        an SMS change it queued) is forgotten as well, before the address goes from the operation; in the
        erased audiences only for an erasure from some audiences ("Delete permanently (GDPR)" on members)."""
        audiences = self.env["mailchimp.audience"].sudo().browse(audience_ids) if audience_ids else None
        if self.partner_id or emails:
            self.env["mailchimp.backend"]._forget_personal_data(self.partner_id, emails, self.company_id, audiences)

    def _resolve_erasure(self):
        """An erasure found running: every part is idempotent, so the remaining ones are made again."""
        return OUTCOME_REDO

    def _erase_part(self, part, clients):
        """Make one part; True when the service had the person, False when it answered that it had not."""
        company = self.company_id
        if part["service"] == SERVICE_MAILCHIMP:
            client = self._erasure_client(clients, "mailchimp.account", company)
            client.delete_member_permanently(part["list_id"], part["email"])
            return True
        if part["service"] == SERVICE_SERWERSMS:
            return self._erase_sms_contact(self._erasure_client(clients, "mailchimp.sms.account", company), part)
        if part["service"] == SERVICE_CAMPAIGN_MONITOR:
            return self._erase_cm_subscriber(self._erasure_client(clients, "mailchimp.cm.account", company), part)
        raise ValueError(part["service"])

    def _erasure_client(self, clients, backend, company):
        if backend not in clients:
            clients[backend] = self.env[backend]._for_company(company)._client()
        return clients[backend]

    def _erase_sms_contact(self, sms, part):
        """Delete the contact by its id; without one (its import's answer was lost), every contact of the
        group with the number."""
        if part.get("contact_id"):
            sms.delete_contact(part["contact_id"])
            return True
        found = [contact["id"] for contact in sms.iter_contacts(part["group_id"], search=part["phone"])
                 if contact.get("phone") == part["phone"]]
        for contact_id in found:
            sms.delete_contact(contact_id)
        return bool(found)

    def _erase_cm_subscriber(self, cm, part):
        """Delete the address from every list of the client that has it (a deleted one is left as it is)."""
        lists = [item["ListID"] for item in cm.lists_for_email(part["email"])
                 if item.get("SubscriberState") != CM_DELETED]
        for list_id in lists:
            cm.delete_subscriber(list_id, part["email"])
        return bool(lists)

    # ------------------------------------------------------------ its outcome

    def _failed_call(self, handler, error):
        """Parts remain: keep what was done, say which remain; try again unless only refusals are left."""
        if not isinstance(error, ErasureIncomplete):
            return super()._failed_call(handler, error)
        self.write({"params": error.progress})
        message = self.env._("Not erased everywhere yet; remaining: %s", self._describe_remaining(error.progress))
        if error.refused_only or after_unknown_failure(self.attempts) == FAILED:
            self._end(FAILED, message)
        else:
            self.write({"state": QUEUED, "message": message})
        return None

    def _describe_remaining(self, progress):
        """``"Mailchimp Customers: <error>; SerwerSMS MC_Customers: not tried"``: the parts that remain."""
        return "; ".join(
            self.env._("%(service)s %(place)s: %(error)s", service=service, place=label,
                       error=error or self.env._("not tried"))
            for service, label, error in remaining_with_errors(progress["parts"], progress["done"],
                                                               progress["errors"]))

    def _end(self, state, message):
        """A finished erasure forgets the address too (it was needed only while the operation was open)."""
        result = super()._end(state, message)
        if state == DONE and self.kind == PERMANENT_DELETE:
            self.write({"email": False})
        return result

    # ------------------------------------------------------------ the person's other operations

    def _forget_personal_data(self, partners, emails):
        """Other operations about the person keep no address; those still queued are cancelled (an SMS contact
        to add after the person was forgotten must not be added). Erasures keep theirs until done."""
        others = self.filtered(lambda operation: operation.kind != PERMANENT_DELETE)
        queued = others.filtered(lambda operation: operation.state == QUEUED)
        for operation in queued:
            operation._end(FAILED, self.env._("Cancelled: the person was forgotten."))
        others.filtered(lambda operation: operation.state != "running").write({"email": False, "params": False})
