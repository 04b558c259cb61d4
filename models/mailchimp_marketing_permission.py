"""An audience's GDPR fields ("marketing permissions"), found on its members and mapped to a consent purpose.

Mailchimp has no endpoint listing them: every member read shows all of them
(``marketing_permissions``), so imports and reconciliation store those they see.
A manager maps each to a purpose; pushes then enable it for customers whose
latest consent for that purpose is "given", and members' choices come back as
consent records.
"""
from odoo import fields, models

from ..mailchimp_sync.gdpr import CONSENT_PURPOSES


class MailchimpMarketingPermission(models.Model):
    _name = "mailchimp.marketing.permission"
    _description = "Mailchimp GDPR field"
    _order = "audience_id, id"
    _rec_name = "text"

    audience_id = fields.Many2one("mailchimp.audience", required=True, readonly=True, ondelete="cascade",
                                  index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)
    mailchimp_id = fields.Char(string="Mailchimp ID", required=True, readonly=True)
    text = fields.Char(string="GDPR field", readonly=True, help="The text Mailchimp's forms show.")
    purpose = fields.Selection(list(CONSENT_PURPOSES.items()), string="Consent purpose",
                               help="Pushes enable the field for customers whose latest consent for this purpose "
                                    "is given. Empty: Odoo leaves the field to Mailchimp.")

    _sql_constraints = [
        ("audience_permission_unique", "unique(audience_id, mailchimp_id)", "This GDPR field is already known."),
    ]
