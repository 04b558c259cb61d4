"""The customer's consent records, the box's changes as consent, and "Forget" (right to erasure).

Forget removes the person from every service the add-on put them in and from
every local record holding their data (found through the backends'
personal-data hook, ``mailchimp_personal_data.py``), keeping one "erased"
consent record without personal data. The confirmation
(``mailchimp.forget.wizard``) names the services and any other customer with the
same address; confirming forgets Odoo's side and queues the remote parts as one
journal operation in the same transaction (``mailchimp_erasure_operation.py``).
"""
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import email_split

from ..mailchimp_sync.const import STATUS_DELETED
from ..mailchimp_sync.eligibility import email_key
from ..mailchimp_sync.gdpr import (
    CONSENT_ERASED,
    SERVICE_CAMPAIGN_MONITOR,
    SERVICE_MAILCHIMP,
    SERVICE_SERWERSMS,
    SOURCE_ERASURE,
    SOURCE_USER,
    erasure_part,
    merge_parts,
)
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.member_payload import subscriber_hash
from ..mailchimp_sync.remote_operations import FAILED, NEEDS_CHECK, QUEUED, RUNNING, open_key
from . import mailchimp_messages
from .mailchimp_erasure_operation import CM_DELETED, PERMANENT_DELETE
from .mailchimp_inbound import REMOTE_CONTEXT

# The states of an SMS contact row whose contact may be at the gateway.
SMS_AT_GATEWAY = ("sending", "sent", "imported")


class ResPartner(models.Model):
    _inherit = "res.partner"

    mailchimp_consent_ids = fields.One2many("mailchimp.consent", "partner_id", string="Consent records")
    mailchimp_consent_count = fields.Integer(compute="_compute_mailchimp_consent_count")

    def _compute_mailchimp_consent_count(self):
        counts = dict(self.env["mailchimp.consent"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.mailchimp_consent_count = counts.get(partner, 0)

    def _mailchimp_record_box(self, state):
        """A user ticking or unticking the box gives or withdraws consent (a step of ``res.partner``'s
        write and create, see ``res_partner.py``): one record per audience the customer is in — one of
        its tags is linked to a group of it, or it is a member there — never for an audience it never joined."""
        rows = []
        for partner in self:
            mapping = partner.sudo().with_company(partner.company_id or self.env.company)  # per company
            audiences = (mapping.category_id.mailchimp_interest_id.filtered("active").audience_id
                         | partner.sudo().mailchimp_member_ids.audience_id)
            rows += [self.env["mailchimp.consent"]._row(partner, audience, state, SOURCE_USER)
                     for audience in audiences]
        self.env["mailchimp.consent"]._record_many(rows)

    def action_view_mailchimp_consents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consent records"),
            "res_model": "mailchimp.consent",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("partner_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    # ------------------------------------------------------------ right to erasure

    def action_mailchimp_forget(self):
        """Button "Forget": the confirmation naming every service the person will be removed from.

        Mailchimp / Manager only, checked before the first request. The confirmation reads
        (short timeouts) which audiences and Campaign Monitor lists have the person, and names
        the SerwerSMS groups holding them and any other customer with the same address.
        """
        self.ensure_one()
        self._mailchimp_forget_check()
        plan = self._mailchimp_forget_plan(read_remote=True)
        wizard = self.env["mailchimp.forget.wizard"].create({
            "partner_id": self.id,
            "audience_ids": [(6, 0, plan["audiences"].ids)],
            "sms_group_ids": [(6, 0, plan["sms_groups"].ids)],
            "cm_list_names": ", ".join(plan["cm_lists"]) if plan["cm_lists"] is not None else False,
            "cm_unknown": plan["cm_lists"] is None,
            "other_partner_ids": [(6, 0, plan["others"].ids)],
            "warning": "\n".join(plan["warnings"]) or False,
        })
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forget %s", self.display_name),
            "res_model": "mailchimp.forget.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _mailchimp_forget_check(self):
        """Mailchimp managers who may edit the customer; before any request to any service."""
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")

    def _mailchimp_erasure_emails(self):
        """The customer's addresses (its field may hold several) and those its member bindings have."""
        addresses = email_split(self.email or "") + self.sudo().with_context(
            active_test=False).mailchimp_member_ids.filtered("email").mapped("email")
        return list(dict.fromkeys(filter(None, (email_key(address) for address in addresses))))

    def _mailchimp_forget_company(self):
        return self.company_id or self.env.company

    def _mailchimp_forget_plan(self, read_remote=False):
        """What Forget removes: ``{emails, audiences, sms_groups, cm_lists, others, warnings}``.

        ``audiences``: those the person is in (Mailchimp's answer with ``read_remote``, else the member
        bindings Odoo has); ``cm_lists``: the names of the Campaign Monitor lists that have the person
        ([] none, None when Campaign Monitor could not be asked); ``others``: other customers whose
        address is one of the person's (they share the erasure).
        """
        self.ensure_one()
        company = self._mailchimp_forget_company()
        emails = self._mailchimp_erasure_emails()
        if not emails:
            raise UserError(self.env._("%s has no email address: there is nothing to forget.", self.display_name))
        warnings = []
        audiences = self._mailchimp_forget_known_audiences(company, emails)
        account = self.env["mailchimp.account"]._for_company(company)
        if read_remote and account.is_connected:
            try:
                audiences |= self._mailchimp_forget_read_audiences(account, emails)
            except ServiceError as error:
                warnings.append(self.env._(
                    "Mailchimp could not be asked (%s): the audiences named are those Odoo knows of; the person "
                    "is deleted from every audience all the same.", mailchimp_messages.error_text(self.env, error)))
        cm_lists = []
        cm_account = self.env["mailchimp.cm.account"]._for_company(company)
        if cm_account.is_connected:
            cm_lists = None
            if read_remote:
                try:
                    cm_lists = self._mailchimp_forget_read_cm_lists(cm_account, emails)
                except ServiceError as error:
                    warnings.append(self.env._(
                        "Campaign Monitor could not be asked (%s): the person is deleted from every list that "
                        "has them.", mailchimp_messages.error_text(self.env, error)))
        return {"emails": emails, "audiences": audiences, "sms_groups": self._mailchimp_forget_sms_rows(
                    company, emails).group_id, "cm_lists": cm_lists,
                "others": self._mailchimp_forget_others(company, emails), "warnings": warnings}

    def _mailchimp_forget_known_audiences(self, company, emails):
        hashes = [subscriber_hash(email) for email in emails]
        members = self.env["mailchimp.member"].sudo().with_context(active_test=False).search([
            ("company_id", "=", company.id), ("status", "!=", False),
            "|", ("partner_id", "=", self.id), ("mailchimp_id", "in", hashes)])
        return members.audience_id

    def _mailchimp_forget_read_audiences(self, account, emails):
        """The audiences whose member the address is, as Mailchimp says now (a person waits: short timeouts)."""
        client = account._client(interactive=True)
        audiences = self.env["mailchimp.audience"].sudo().with_context(active_test=False).search(
            [("account_id", "=", account.id)])
        return audiences.filtered(lambda audience: any(
            client.find_member(audience.mailchimp_id, email) for email in emails))

    def _mailchimp_forget_read_cm_lists(self, cm_account, emails):
        client = cm_account._client(interactive=True)
        names = [item["ListName"] for email in emails for item in client.lists_for_email(email)
                 if item.get("SubscriberState") != CM_DELETED]
        return list(dict.fromkeys(names))

    def _mailchimp_forget_sms_rows(self, company, emails):
        """The person's contacts in SerwerSMS groups that exist at the gateway (sent or imported)."""
        hashes = [subscriber_hash(email) for email in emails]
        return self.env["mailchimp.sms.contact"].sudo().search([
            ("company_id", "=", company.id), ("state", "in", SMS_AT_GATEWAY),
            ("group_id.gateway_group_id", ">", 0), ("group_id.deleted_at_gateway", "=", False),
            "|", ("partner_id", "=", self.id), ("mailchimp_id", "in", hashes)])

    def _mailchimp_forget_others(self, company, emails):
        """Other customers of the company whose email field has one of the person's addresses."""
        candidates = self.sudo().with_context(active_test=False).search([
            ("id", "!=", self.id), ("company_id", "in", [company.id, False]),
            "|", ("email_normalized", "in", emails),
            *expression.OR([[("email", "ilike", email)] for email in emails])])
        wanted = set(emails)
        return candidates.filtered(
            lambda partner: wanted & {email_key(address) for address in email_split(partner.email or "")})

    def _mailchimp_erasure_parts(self, plan):
        """The remote parts of the erasure (every audience, the SMS contacts, Campaign Monitor's lists)."""
        company = self._mailchimp_forget_company()
        parts = []
        account = self.env["mailchimp.account"]._for_company(company)
        if account.is_connected:
            audiences = self.env["mailchimp.audience"].sudo().with_context(active_test=False).search(
                [("account_id", "=", account.id)])
            parts += [erasure_part(SERVICE_MAILCHIMP, f"{audience.mailchimp_id}:{email}", audience.name,
                                   list_id=audience.mailchimp_id, email=email)
                      for audience in audiences for email in plan["emails"]]
        for row in self._mailchimp_forget_sms_rows(company, plan["emails"]):
            gateway_id = row.group_id.gateway_group_id
            parts.append(erasure_part(SERVICE_SERWERSMS, f"{gateway_id}:{row.gateway_contact_id or row.phone}",
                                      row.group_id.name, group_id=gateway_id,
                                      contact_id=row.gateway_contact_id or False, phone=row.phone))
        if self.env["mailchimp.cm.account"]._for_company(company).is_connected and plan["cm_lists"] != []:
            label = ", ".join(plan["cm_lists"] or ()) or self.env._("every list that has the person")
            parts += [erasure_part(SERVICE_CAMPAIGN_MONITOR, email, label, email=email) for email in plan["emails"]]
        return parts

    def _mailchimp_forget(self, plan):
        """Forget the person: Odoo's side now, the services' parts queued in the same transaction.

        The caller checked the rights. Returns the ``permanent_delete`` operation.
        """
        self.ensure_one()
        company = self._mailchimp_forget_company()
        parts = self._mailchimp_erasure_parts(plan)  # before the SMS rows that hold the contact ids go
        self.env["mailchimp.backend"]._forget_personal_data(self, plan["emails"], company)
        places = self._mailchimp_forget_places(plan)
        self.env["mailchimp.consent"].sudo().create({
            "partner_id": self.id, "state": CONSENT_ERASED, "source": SOURCE_ERASURE, "user_id": self.env.uid,
            "company_id": company.id, "audience_names": ", ".join(plan["audiences"].mapped("name")) or False,
            "erased_audience_ids": [(6, 0, plan["audiences"].ids)]})
        (self | plan["others"]).sudo().with_context(**REMOTE_CONTEXT).write({"mailchimp_subscribe": False})
        body = self.env._("Forgotten by %(user)s: %(places)s.", user=self.env.user.name, places=places)
        self.message_post(body=body)
        for other in plan["others"]:
            other.sudo().message_post(body=self.env._(
                "Forgotten by %(user)s with %(customer)s, whose address this customer shares: %(places)s.",
                user=self.env.user.name, customer=self.display_name, places=places))
        return self._mailchimp_queue_erasure(parts, plan["emails"], company)

    def _mailchimp_forget_places(self, plan):
        """The note's words: only where the person was (the audiences they were in, their groups and lists)."""
        places = []
        if plan["audiences"]:
            places.append(self.env._("Mailchimp (%s)", ", ".join(plan["audiences"].mapped("name"))))
        if plan["sms_groups"]:
            places.append(self.env._("SerwerSMS (%s)", ", ".join(plan["sms_groups"].mapped("name"))))
        if plan["cm_lists"]:
            places.append(self.env._("Campaign Monitor (%s)", ", ".join(plan["cm_lists"])))
        if not places:
            return self.env._("no service had them; Odoo's data about them is deleted")
        return self.env._("removed from %s", "; ".join(places))

    def _mailchimp_queue_erasure(self, parts, emails, company):
        """Queue the operation; an unfinished earlier one for the customer is reopened with the new parts."""
        Operation = self.env["mailchimp.remote.operation"].sudo()
        operation = Operation._open_operation(PERMANENT_DELETE, self)
        if not operation:
            operation = Operation.search([("kind", "=", PERMANENT_DELETE), ("partner_id", "=", self.id),
                                          ("state", "in", (FAILED, NEEDS_CHECK))], limit=1)
        if operation.state == RUNNING:
            raise UserError(self.env._(
                "An erasure of this customer is under way; press Forget again once it has ended."))
        if operation:
            params = dict(operation.params or {})
            params.pop("audience_ids", None)  # an erasure from some audiences reopened by Forget: everywhere now
            operation.write({"state": QUEUED, "open_key": open_key(PERMANENT_DELETE, f"{self._name},{self.id}"),
                             "email": emails[0], "message": False, "date_end": False,
                             "params": {**params, "parts": merge_parts(params.get("parts") or [], parts),
                                        "emails": list(dict.fromkeys([*(params.get("emails") or []), *emails]))}})
            operation.flush_recordset()  # the worker claims operations with SQL
            self.env.ref("mailchimp_sync.ir_cron_mailchimp_remote_operations")._trigger()
            return operation
        return Operation._queue(PERMANENT_DELETE, self, {
            "service": SERVICE_MAILCHIMP, "company_id": company.id, "partner_id": self.id, "email": emails[0],
            "params": {"parts": parts, "emails": emails, "done": [], "erased": [], "errors": {}}})

    # ------------------------------------------------------------ the panel after Forget

    def _mailchimp_panel_mark_erased(self, answer, partner_id):
        """Rows of audiences the address was erased from get no box: only the person can sign up again.

        ``partner_id``: the customer (or contact) whose address the panel shows. An audience the
        person joined again since (a consent record after the erasure, or a status) is left alone.
        """
        panel = answer.get("panel")
        if not panel:
            return answer
        lists = set(self.env["mailchimp.consent"]._erased_audiences(partner_id).mapped("mailchimp_id"))
        for row in panel.get("audiences") or ():
            if row["list_id"] in lists and not row.get("status"):
                row.update(erased=True, locked=True, wanted=False)
        return answer


class MailchimpMember(models.Model):
    """"Delete permanently (GDPR)" on members: the erasure from one audience, as Forget makes it everywhere."""

    _inherit = "mailchimp.member"

    def action_delete_permanently(self):
        """GDPR erasure of the selected members from their audience only; never automatic.

        Rights are checked before anything: Mailchimp's erasure cannot be undone. As for Forget
        (``res_partner_gdpr.py``), Odoo's data about the address in the audience is forgotten now, with
        one "erased" consent record (no personal data) and the customer's box unticked, and Mailchimp's
        permanent delete is queued in the same transaction as a ``permanent_delete`` operation that the
        worker makes (``mailchimp_erasure_operation.py``). Other audiences and services are left alone:
        Forget on the customer erases everywhere.
        """
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        self.partner_id.check_access("write")
        members = self.sudo().filtered(lambda member: member.email and member.status != STATUS_DELETED)
        if not members:
            return backend._notification(self.env._("Nothing to delete: these members were deleted already."),
                                         title=self.env._("Delete permanently (GDPR)"), reload=True)
        emails = members.mapped("email")
        for member in members:
            member._erase_from_audience()
        return backend._notification(
            self.env._("Forgotten in Odoo; Mailchimp is being asked to delete them permanently (progress in Remote "
                       "operations): %s. They can only come back by signing up again themselves.", ", ".join(emails)),
            title=self.env._("Delete permanently (GDPR)"), reload=True)

    def _erase_from_audience(self):
        """Queue the member's permanent delete, then forget the address in its audience; the operation."""
        self.ensure_one()
        audience, partner, email = self.audience_id, self.partner_id, self.email
        company = audience.company_id
        part = erasure_part(SERVICE_MAILCHIMP, f"{audience.mailchimp_id}:{email}", audience.name,
                            list_id=audience.mailchimp_id, email=email)
        self.env["mailchimp.backend"]._forget_personal_data(partner, [email], company, audiences=audience)
        self.env["mailchimp.consent"].sudo().create({
            "partner_id": partner.id, "audience_id": audience.id, "state": CONSENT_ERASED, "source": SOURCE_ERASURE,
            "user_id": self.env.uid, "company_id": company.id, "audience_names": audience.name,
            "erased_audience_ids": [(6, 0, audience.ids)]})
        if partner:
            partner.sudo().with_context(**REMOTE_CONTEXT).write({"mailchimp_subscribe": False})
            partner.sudo().message_post(body=self.env._(
                "Deleted permanently from the Mailchimp audience %(audience)s by %(user)s.",
                audience=audience.name, user=self.env.user.name))
        return self.env["mailchimp.remote.operation"].sudo()._queue(PERMANENT_DELETE, self, {
            "service": SERVICE_MAILCHIMP, "company_id": company.id, "partner_id": partner.id,
            "audience_id": audience.id, "email": email,
            "params": {"parts": [part], "emails": [email], "done": [], "erased": [], "errors": {},
                       "audience_ids": audience.ids}})
