"""One member of an audience in a SerwerSMS group: what was sent, where it stands, its id at the gateway."""
from odoo import api, fields, models
from odoo.tools import SQL

from ..mailchimp_sync.member_payload import subscriber_hash
from ..mailchimp_sync.sms_groups import (
    KnownContact,
    PartnerPhones,
    SmsContact,
    contact_for_member,
    contact_key,
)
from . import mailchimp_messages

REFUSED = "Refused by SerwerSMS when imported (not a number it accepts, or on its blacklist)"


class MailchimpSmsContact(models.Model):
    _name = "mailchimp.sms.contact"
    _description = "Contact of a SerwerSMS group"
    _order = "group_id, id"
    _rec_name = "email"

    group_id = fields.Many2one("mailchimp.sms.group", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="group_id.company_id", store=True, index=True)
    email = fields.Char(readonly=True)
    mailchimp_id = fields.Char(string="Mailchimp ID", readonly=True, index=True, help="MD5 of the lowercased address.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null", index=True)
    phone = fields.Char(string="Number sent", readonly=True, help="In E.164, as sent to SerwerSMS.")
    number_given = fields.Char(string="Number found", readonly=True,
                               help="The number in Mailchimp or on the customer that could not be used.")
    first_name = fields.Char(readonly=True)
    last_name = fields.Char(readonly=True)
    state = fields.Selection(
        [("queued", "Waiting"), ("sending", "Being sent"), ("sent", "Sent"), ("adding", "Being added"),
         ("imported", "In the group"), ("removing", "Being removed"),
         ("rejected", "Refused by SerwerSMS"), ("no_phone", "No usable number"), ("removed", "Removed")],
        required=True, default="queued", readonly=True, index=True)
    reason = fields.Char(readonly=True)
    operation_ids = fields.One2many("mailchimp.remote.operation", "sms_contact_id", string="Operations",
                                    readonly=True, groups="mailchimp_sync.group_mailchimp_manager")
    gateway_contact_id = fields.Integer(string="Contact id at SerwerSMS", readonly=True)

    _sql_constraints = [
        ("group_member_unique", "unique(group_id, mailchimp_id)", "A member is once in a group."),
    ]

    def _sms_contact(self):
        self.ensure_one()
        return SmsContact(self.email or "", self.phone or "", self.first_name or "", self.last_name or "")

    def _key(self):
        return contact_key(self.phone, self.email)

    def _known(self):
        """What the group has of this member, for the core's :func:`plan_live_change`."""
        self.ensure_one()
        return KnownContact(self.gateway_contact_id or None, self._sms_contact() if self.phone else None)

    @api.model
    def _partner_phones(self, partner):
        if not partner:
            return None
        return PartnerPhones(mobile=partner.mobile, phone=partner.phone, country_code=partner.country_id.code,
                             name=partner.name)

    @api.model
    def _partners_by_hash(self, audience, hashes):
        """The customers bound to these members of the audience, by Mailchimp id."""
        members = self.env["mailchimp.member"].sudo().search(
            [("audience_id", "=", audience.id), ("mailchimp_id", "in", list(hashes)), ("partner_id", "!=", False)])
        return {member.mailchimp_id: member.partner_id for member in members}

    @api.model
    def _rows_for_members(self, group, members, company_country):
        """Create the rows of a page of subscribed members (those already there are skipped); returns their values."""
        by_hash = {subscriber_hash(member["email_address"]): member for member in members
                   if member.get("email_address")}
        known = set(self.search([("group_id", "=", group.id), ("mailchimp_id", "in", list(by_hash))])
                    .mapped("mailchimp_id"))
        partners = self._partners_by_hash(group.audience_id, by_hash)
        rows = []
        for member_hash, member in by_hash.items():
            if member_hash in known:
                continue
            partner = partners.get(member_hash)
            outcome = contact_for_member(member, self._partner_phones(partner), company_country)
            rows.append({**self._values_for(group, outcome, partner),
                         "state": "queued" if outcome.contact else "no_phone"})
        self.create(rows)
        return rows

    @api.model
    def _values_for(self, group, outcome, partner):
        """A row's values for a member's :class:`MemberContact`."""
        values = {"group_id": group.id, "email": outcome.email, "mailchimp_id": subscriber_hash(outcome.email),
                  "partner_id": partner.id if partner else False}
        if outcome.contact:
            return {**values, "phone": outcome.contact.phone, "first_name": outcome.contact.first_name,
                    "last_name": outcome.contact.last_name, "number_given": False}
        return {**values, "phone": False, "number_given": outcome.number or False,
                "reason": mailchimp_messages.sms_reason(self.env, outcome.reason)}

    @api.model
    def _row_of(self, group, email, partner=None):
        """The member's row in the group: by address, else by customer (whose address changed)."""
        row = self.search([("group_id", "=", group.id), ("mailchimp_id", "=", subscriber_hash(email))], limit=1)
        if not row and partner:
            row = self.search([("group_id", "=", group.id), ("partner_id", "=", partner.id)], limit=1)
        return row

    @api.model
    def _write_check_results(self, sent, found):
        """Rows found in the group get their id and "In the group"; the others were refused. One UPDATE."""
        if not sent:
            return
        self.flush_model()
        rows = [(row.id, found.get(row._key())) for row in sent]
        values = SQL(", ").join(SQL("(%s::int, %s::int)", row_id, contact_id) for row_id, contact_id in rows)
        self.env.cr.execute(SQL(
            """UPDATE mailchimp_sms_contact AS row
                  SET gateway_contact_id = checked.contact_id,
                      state = CASE WHEN checked.contact_id IS NULL THEN 'rejected' ELSE 'imported' END,
                      reason = CASE WHEN checked.contact_id IS NULL THEN %s END,
                      write_date = NOW() AT TIME ZONE 'UTC', write_uid = %s
                 FROM (VALUES %s) AS checked(id, contact_id)
                WHERE row.id = checked.id""",
            REFUSED, self.env.uid, values))
        self.invalidate_model(["gateway_contact_id", "state", "reason"])
