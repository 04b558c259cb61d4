from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..mailchimp_sync.member_payload import RESERVED_MERGE_TAGS
from ..mailchimp_sync.representatives import RepresentativeField


class MailchimpRepresentativeField(models.Model):
    """Which data of a company's contacts goes to which merge tag of the audience.

    Fields sharing a merge tag form one column: per contact the values in
    sequence order joined by ", ", contacts joined by "; " (see the core's
    ``representatives`` module), cut with "…" at the merge field's size.
    """

    _name = "mailchimp.representative.field"
    _description = "Mailchimp representative field"
    _order = "audience_id, merge_tag, sequence, id"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)
    field_id = fields.Many2one(
        "ir.model.fields", string="Contact field", required=True, ondelete="cascade",
        domain="[('model', '=', 'res.partner'), ('ttype', '=', 'char'), ('store', '=', True)]")
    field_name = fields.Char(related="field_id.name", store=True)
    merge_tag = fields.Char(
        help="The audience's text merge tag this field is written to; without one the field is not synced.")
    sequence = fields.Integer(default=10)

    merge_field_id = fields.Many2one(
        "mailchimp.merge.field", compute="_compute_merge_field_id", string="Merge field",
        help="The audience's merge field of this tag, as last loaded from Mailchimp.")
    missing_in_mailchimp = fields.Boolean(
        compute="_compute_merge_field_id",
        help="The audience has no merge field with this tag: the column is not synced until it is created.")

    @api.depends("merge_tag", "audience_id.merge_field_ids.tag")
    def _compute_merge_field_id(self):
        for field in self:
            field.merge_field_id = field.audience_id.merge_field_ids.filtered(
                lambda merge_field, tag=field.merge_tag: merge_field.tag == tag)[:1]
            field.missing_in_mailchimp = bool(field.merge_tag and not field.merge_field_id)

    @api.constrains("merge_tag", "audience_id")
    def _check_merge_tag(self):
        """The tag is checked against Mailchimp's current merge fields: it must be text if it exists.

        A missing tag is accepted and flagged: the row offers “Create in Mailchimp”.
        """
        for field in self.filtered("merge_tag"):
            tag = field.merge_tag
            if tag in RESERVED_MERGE_TAGS:
                raise ValidationError(self.env._(
                    "%(tag)s is filled from the customer itself; pick another merge tag for representatives.",
                    tag=tag))
            merge_field = field.audience_id._fetch_merge_field(tag)
            if merge_field and merge_field.field_type != "text":
                raise ValidationError(self.env._(
                    "The merge tag %(tag)s of %(audience)s is of type %(type)s: representatives need a text field.",
                    tag=tag, audience=field.audience_id.name, type=merge_field.field_type))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("merge_tag"):
                vals["merge_tag"] = vals["merge_tag"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("merge_tag"):
            vals["merge_tag"] = vals["merge_tag"].strip().upper()
        return super().write(vals)

    @api.model
    @tools.ormcache()
    def _used_field_names(self):
        """Names of contact fields that feed a merge tag (cached: asked on every partner write)."""
        return frozenset(self.sudo().search([("merge_tag", "!=", False)]).mapped("field_name"))

    def _core_fields(self):
        return tuple(
            RepresentativeField(field.field_name, field.merge_tag or None, field.sequence) for field in self)

    def action_create_merge_field(self):
        """Row button: the dialog that creates the missing text merge field in Mailchimp."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create %(tag)s in Mailchimp", tag=self.merge_tag),
            "res_model": "mailchimp.merge.field.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_audience_id": self.audience_id.id,
                "default_tag": self.merge_tag,
                "default_name": self.field_id.field_description or self.merge_tag,
            },
        }
