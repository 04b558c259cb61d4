from odoo import api, fields, models, tools
from odoo.exceptions import RedirectWarning, ValidationError

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
    field_id = fields.Many2one(
        "ir.model.fields", string="Contact field", required=True, ondelete="cascade",
        domain="[('model', '=', 'res.partner'), ('ttype', '=', 'char'), ('store', '=', True)]")
    field_name = fields.Char(related="field_id.name", store=True)
    merge_tag = fields.Char(
        help="The audience's text merge tag this field is written to; without one the field is not synced.")
    sequence = fields.Integer(default=10)

    @api.constrains("merge_tag", "audience_id")
    def _check_merge_tag(self):
        for field in self.filtered("merge_tag"):
            tag = field.merge_tag
            if tag in RESERVED_MERGE_TAGS:
                raise ValidationError(self.env._(
                    "%(tag)s is filled from the customer itself; pick another merge tag for representatives.",
                    tag=tag))
            merge_field = field.audience_id._fetch_merge_field(tag)
            if not merge_field:
                raise RedirectWarning(
                    self.env._("The audience %(audience)s has no merge tag %(tag)s.",
                               audience=field.audience_id.name, tag=tag),
                    field._create_merge_field_action(),
                    self.env._("Create %(tag)s in Mailchimp", tag=tag),
                )
            if merge_field.field_type != "text":
                raise ValidationError(self.env._(
                    "The merge tag %(tag)s of %(audience)s is of type %(type)s: representatives need a text field.",
                    tag=tag, audience=field.audience_id.name, type=merge_field.field_type))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("merge_tag"):
                vals["merge_tag"] = vals["merge_tag"].strip().upper()
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("merge_tag"):
            vals["merge_tag"] = vals["merge_tag"].strip().upper()
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache()
    def _used_field_names(self):
        """Names of contact fields that feed a merge tag (cached: asked on every partner write)."""
        return frozenset(self.sudo().search([("merge_tag", "!=", False)]).mapped("field_name"))

    def _core_fields(self):
        return tuple(
            RepresentativeField(field.field_name, field.merge_tag or None, field.sequence) for field in self)

    def _create_merge_field_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create a merge field"),
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
