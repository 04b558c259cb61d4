"""An audience's contact collections, and the sync run that pushes a collection's customers first."""
from odoo import fields, models
from odoo.tools import SQL

from .sync_engine import AudienceSync

PUSH_CONTEXT_KEY = "mailchimp_push_partner_ids"


class CollectionPush(AudienceSync):
    """A sync run limited to some customers (a collection's), with the rules of every run."""

    def __init__(self, audience, run, client, partner_ids):
        super().__init__(audience, run, client)
        self.partner_ids = list(partner_ids)

    def _candidate_ids_sql(self):
        return SQL("SELECT id FROM (%s) AS candidates WHERE id = ANY(%s)", super()._candidate_ids_sql(),
                   self.partner_ids)

    def _orphan_ids_sql(self):
        return SQL("SELECT id FROM mailchimp_member WHERE FALSE")


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    collection_ids = fields.One2many("mailchimp.collection", "audience_id", string="Collections")

    def _run_sync(self, run):
        partner_ids = self.env.context.get(PUSH_CONTEXT_KEY)
        if partner_ids is None:
            return super()._run_sync(run)
        return CollectionPush(self, run, self._client(), partner_ids).execute()
