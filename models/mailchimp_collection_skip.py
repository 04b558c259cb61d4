from odoo import fields, models


class MailchimpCollectionSkip(models.Model):
    """A customer of a collection that its last sync left out of the segment, and why."""

    _name = "mailchimp.collection.skip"
    _description = "Customer left out of a Mailchimp collection"
    _order = "collection_id, id"

    collection_id = fields.Many2one("mailchimp.collection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="collection_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="cascade")
    reason = fields.Char(required=True)
