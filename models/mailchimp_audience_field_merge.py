from dataclasses import replace

from odoo import fields, models


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    field_merge_ids = fields.One2many("mailchimp.field.merge", "audience_id", string="Field merging")

    def _audience_schema(self, mapped_tags=None):
        return replace(super()._audience_schema(mapped_tags), field_merges=self.field_merge_ids._core_merges())
