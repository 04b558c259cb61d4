"""An audience's contact collections (a collection's customers are pushed first by a run limited to them:
``_sync_members(partner_ids=...)``, see :class:`~.sync_engine.AudienceSync`)."""
from odoo import fields, models


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    collection_ids = fields.One2many("mailchimp.collection", "audience_id", string="Collections")
