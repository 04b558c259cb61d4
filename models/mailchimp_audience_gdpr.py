"""What the audience's members say about consent: status changes and GDPR fields (see ``mailchimp.consent``)."""
import dataclasses

from odoo import fields, models

from ..mailchimp_sync.gdpr import (
    INBOUND_SOURCES,
    SOURCE_SMS,
    consent_state_for_status,
    discovered_permissions,
    permission_consents,
)
from ..mailchimp_sync.member_payload import subscriber_hash


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    marketing_permission_ids = fields.One2many("mailchimp.marketing.permission", "audience_id",
                                               string="GDPR fields")

    def _audience_schema(self, mapped_tags=None):
        schema = super()._audience_schema(mapped_tags)
        return dataclasses.replace(schema, marketing_permissions=self._permission_purposes())

    def _permission_purposes(self):
        """``{marketing_permission_id: purpose}`` of the GDPR fields a manager mapped."""
        return {permission.mailchimp_id: permission.purpose
                for permission in self.sudo().marketing_permission_ids if permission.purpose}

    def _consent_rows(self, partner, change, source, note=None, author=None):
        """The consent row of a remote change (none when its status says nothing about consent).

        ``author`` is the user who made it in Odoo (the panel's dialog); without one, nobody in
        Odoo did: the person (webhook, SMS) or Mailchimp (import, reconciliation).
        """
        state = consent_state_for_status(change.status)
        if not state:
            return []
        consent_source = INBOUND_SOURCES.get(source, source)
        text = note if consent_source == SOURCE_SMS else None
        return [self.env["mailchimp.consent"]._row(partner, self, state, consent_source, text=text,
                                                   email=change.email, user=author or self.env["res.users"])]

    def _gdpr_from_members(self, members, source):
        """Store the GDPR fields the members show, and record what members chose for the mapped ones."""
        self.ensure_one()
        self._store_permissions(discovered_permissions(members))
        mapped = self._permission_purposes()
        with_choices = [member for member in members if member.get("marketing_permissions")]
        if not mapped or not with_choices:
            return
        bindings = self._find_bindings([member["email_address"] for member in with_choices])
        Consent = self.env["mailchimp.consent"]
        consent_source = INBOUND_SOURCES.get(source, source)
        rows = []
        for member in with_choices:
            _binding, partner = bindings[subscriber_hash(member["email_address"])]
            if not partner:
                continue
            rows += [Consent._row(partner, self, state, consent_source, email=member["email_address"],
                                  user=self.env["res.users"], purpose=purpose)
                     for purpose, state in permission_consents(member["marketing_permissions"], mapped)]
        Consent._record_many(rows)

    def _store_permissions(self, found):
        """Create the GDPR fields not known yet; a changed text is updated."""
        known = {permission.mailchimp_id: permission for permission in self.sudo().marketing_permission_ids}
        new = [{"audience_id": self.id, "mailchimp_id": key, "text": text}
               for key, text in found.items() if key not in known]
        if new:
            self.env["mailchimp.marketing.permission"].sudo().create(new)
        for key, text in found.items():
            if key in known and text and known[key].text != text:
                known[key].text = text
