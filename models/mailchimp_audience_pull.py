from odoo import api, fields, models


class MailchimpAudiencePull(models.Model):
    """The hourly pull's own bookkeeping for an audience (when it last read the members changed in Mailchimp).

    Kept out of the audience's row on purpose: the sync's run writes that row at its end (the
    audience's figures) in the same tick as the pull, and two jobs writing one row make PostgreSQL
    refuse one of them. One row per audience, written only by the pull.
    """

    _name = "mailchimp.audience.pull"
    _description = "Mailchimp pull state of an audience"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    last_pull = fields.Datetime(string="Last pull from Mailchimp")

    _sql_constraints = [("audience_unique", "unique(audience_id)", "An audience has one pull state.")]

    @api.model
    def _of(self, audience):
        """The audience's row, created on first use."""
        pull = self.sudo().search([("audience_id", "=", audience.id)], limit=1)
        return pull or self.sudo().create({"audience_id": audience.id})
