from odoo import fields, models


class MailchimpMergeField(models.Model):
    """A merge field (column) of an audience, e.g. FNAME, PHONE or a representatives column."""

    _name = "mailchimp.merge.field"
    _description = "Mailchimp merge field"
    _order = "audience_id, sequence, tag, id"
    _rec_name = "tag"

    tag = fields.Char(required=True, readonly=True)
    name = fields.Char(readonly=True)
    field_type = fields.Char(string="Type", readonly=True)
    size = fields.Integer(readonly=True, help="Length limit of a text field (Mailchimp's options.size).")
    mailchimp_id = fields.Integer(string="Mailchimp ID", readonly=True)
    sequence = fields.Integer(readonly=True)
    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)

    _sql_constraints = [
        ("tag_unique", "unique(audience_id, tag)", "This merge tag is already known for the audience."),
    ]

    def _schema_entries(self):
        """``{tag: (type, size)}`` as the core's ``AudienceSchema`` wants it."""
        return {field.tag: (field.field_type, field.size or None) for field in self}
