from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..mailchimp_sync.field_merges import (
    ADDRESS,
    ADDRESS_PART_BY_FIELD,
    FieldMerge,
    compatible_types,
)
from ..mailchimp_sync.member_payload import RESERVED_MERGE_TAGS

MERGE_TYPES = [("text", "Text"), ("number", "Number"), ("date", "Date"), ("phone", "Phone"), ("address", "Address")]
MERGEABLE_TTYPES = ["char", "text", "selection", "many2one", "integer", "float", "monetary", "date", "datetime",
                    "boolean"]


class MailchimpFieldMerge(models.Model):
    """A customer field written to a merge field of the audience (see the core's ``field_merges``).

    The value is part of the member item, hence of its hash: changing a mapping re-pushes the
    members whose item changes at the next run, and nobody else.
    """

    _name = "mailchimp.field.merge"
    _description = "Mailchimp customer field merge"
    _order = "audience_id, merge_tag, id"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audience_id.company_id", store=True)
    field_id = fields.Many2one(
        "ir.model.fields", string="Customer field", required=True, ondelete="cascade",
        domain=[("model", "=", "res.partner"), ("store", "=", True), ("ttype", "in", MERGEABLE_TTYPES)])
    field_name = fields.Char(related="field_id.name", store=True)
    merge_tag = fields.Char(required=True)
    merge_type = fields.Selection(MERGE_TYPES, string="Type", required=True, default="text",
                                  help="Several address fields (street, city, zip, state, country) on one address "
                                       "merge tag make its parts.")
    merge_field_id = fields.Many2one("mailchimp.merge.field", compute="_compute_merge_field_id", string="Merge field")
    missing_in_mailchimp = fields.Boolean(compute="_compute_merge_field_id")

    @api.depends("merge_tag", "audience_id.merge_field_ids.tag")
    def _compute_merge_field_id(self):
        for merge in self:
            merge.merge_field_id = merge.audience_id.merge_field_ids.filtered(
                lambda merge_field, tag=merge.merge_tag: merge_field.tag == tag)[:1]
            merge.missing_in_mailchimp = bool(merge.merge_tag and not merge.merge_field_id)

    @api.onchange("field_id")
    def _onchange_field_id(self):
        types = compatible_types(self.field_id.name or "", self.field_id.ttype or "")
        if types and self.merge_type not in types:
            self.merge_type = next(code for code, _label in MERGE_TYPES if code in types)

    @api.constrains("field_id", "merge_tag", "merge_type")
    def _check_types(self):
        """The field must convert to the type, and the type be the one of the merge field in Mailchimp (read live)."""
        for merge in self:
            if merge.merge_tag in RESERVED_MERGE_TAGS:
                raise ValidationError(self.env._(
                    "%(tag)s is filled from the customer itself; pick another merge tag.", tag=merge.merge_tag))
            if merge.merge_type not in compatible_types(merge.field_id.name, merge.field_id.ttype):
                raise ValidationError(self.env._(
                    "The field %(field)s (%(ttype)s) cannot be written to a merge field of type %(type)s.",
                    field=merge.field_id.field_description, ttype=merge.field_id.ttype, type=merge.merge_type))
            merge_field = merge.audience_id._fetch_merge_field(merge.merge_tag)
            if merge_field and merge_field.field_type != merge.merge_type:
                raise ValidationError(self.env._(
                    "The merge tag %(tag)s of %(audience)s is of type %(remote)s, not %(type)s.",
                    tag=merge.merge_tag, audience=merge.audience_id.name, remote=merge_field.field_type,
                    type=merge.merge_type))

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

    def _core_merges(self):
        return tuple(FieldMerge(merge.field_name, merge.merge_tag, merge.merge_type) for merge in self)

    def _plain_values(self, partner_ids):
        """``{partner id: {field name: plain value}}`` of the mapped fields, as the core reads them.

        A many2one is its display name (an address's state its name, its country the ISO code), a selection its label,
        a date ``YYYY-MM-DD``; numbers stay numbers.
        """
        partners = self.env["res.partner"].with_context(active_test=False).browse(partner_ids)
        address_fields = {merge.field_name for merge in self if merge.merge_type == ADDRESS}
        converters = {merge.field_name: self._converter(partners._fields[merge.field_name], merge.field_name in
                                                         address_fields) for merge in self}
        return {partner.id: {name: convert(partner[name]) for name, convert in converters.items()}
                for partner in partners}

    def _converter(self, field, as_address_part):
        if field.type == "many2one":
            if as_address_part and ADDRESS_PART_BY_FIELD.get(field.name) == "country":
                return lambda record: record.code or ""
            if as_address_part:
                return lambda record: record.name or ""
            return lambda record: record.display_name or ""
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return lambda value: labels.get(value, "") if value else ""
        if field.type in ("date", "datetime"):
            return lambda value: value.strftime("%Y-%m-%d") if value else ""
        if field.type == "boolean":
            return lambda value: self.env._("Yes") if value else self.env._("No")
        return lambda value: value

    def action_create_merge_field(self):
        """Row button: create the missing merge field in Mailchimp with the mapping's type."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.audience_id.check_access("write")
        body = {"tag": self.merge_tag, "name": self.field_id.field_description or self.merge_tag,
                "type": self.merge_type}
        with backend._user_errors():
            client = self.audience_id._client()
            client.create_merge_field(self.audience_id.mailchimp_id, body)
            self.audience_id._refresh_merge_fields(client)
        return backend._notification(
            self.env._("Merge tag %(tag)s (%(type)s) created in %(audience)s.", tag=self.merge_tag,
                       type=self.merge_type, audience=self.audience_id.name), reload=True)
