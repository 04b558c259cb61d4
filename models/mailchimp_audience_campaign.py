"""The campaigns of an audience: the "Import campaigns" button (queued for the scheduled job) and the import."""
from collections import Counter

from odoo import fields, models

# Read together when one of them is (an Odoo prefetch group), not with the audience's row every webhook delivery reads.
CAMPAIGN_IMPORT = "mailchimp_campaign_import"


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    campaign_ids = fields.One2many("mailchimp.campaign", "audience_id", string="Campaigns")
    campaign_count = fields.Integer(compute="_compute_campaign_count")
    campaign_import_requested = fields.Boolean(
        readonly=True, copy=False, help="“Import campaigns” was pressed; the scheduled job picks it up.",
        prefetch=CAMPAIGN_IMPORT)
    campaign_import_result = fields.Char(string="Last campaign import", readonly=True, copy=False,
                                         prefetch=CAMPAIGN_IMPORT)

    def _compute_campaign_count(self):
        counts = dict(self.env["mailchimp.campaign"]._read_group(
            [("audience_id", "in", self.ids)], ["audience_id"], ["__count"]))
        for audience in self:
            audience.campaign_count = counts.get(audience, 0)

    def action_import_campaigns(self):
        """Button: queue the import of this audience's campaigns (new or changed), their reports and activity."""
        self.env["mailchimp.backend"]._check_manager()
        self.env["mailchimp.campaign"].check_access("create")
        self.check_access("read")
        return self._queue_campaign_import()

    def action_view_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mailchimp_sync.mailchimp_campaign_action")
        action["domain"] = [("audience_id", "=", self.id)]
        action["context"] = {"default_audience_id": self.id, "search_default_sent": 1}
        return action

    def _import_campaigns(self):
        """Import the campaigns of these audiences; rights are the caller's to check. A :class:`Counter`."""
        backend = self.env["mailchimp.backend"]
        Campaign = self.env["mailchimp.campaign"]
        counts = Counter()
        for audience in self:
            client = audience._client()
            with backend._user_errors():
                documents = list(client.iter_campaigns(audience.mailchimp_id))
                counts += Campaign._import_documents(audience, client, documents)
        return counts

    def _queue_campaign_import(self):
        """Hand the import of these audiences' campaigns to the scheduled job; rights are the caller's to check."""
        backend = self.env["mailchimp.backend"]
        with backend._user_errors():
            for account in self.account_id:
                account._credentials()
        self.sudo().write({"campaign_import_requested": True})
        self.env.ref("mailchimp_sync.ir_cron_mailchimp_import_campaigns")._trigger()
        return backend._notification(
            self.env._("The import of the campaigns is queued; its result shows on the audience."),
            title=self.env._("Import queued"), reload=True)

    def _campaign_import_sentence(self, counts):
        return self.env._("%(new)s new campaigns, %(updated)s updated, %(reports)s reports read, "
                          "%(activity)s opens, clicks and bounces added.",
                          new=counts["new"], updated=counts["updated"], reports=counts["reports"],
                          activity=counts["activity"])
