"""What the customer's panel last read from Campaign Monitor for an address (Mailchimp's cache rules).

A copy of ``mailchimp.panel.cache`` (prototype inheritance: same fields, table
of its own, same freshness and "unreachable: shown as of" rule) whose rows
belong to a ``mailchimp.cm.account`` and that reads Campaign Monitor through
the core's :class:`~..mailchimp_sync.campaign_monitor_panel.CampaignMonitorPanelProvider`.
"""
from odoo import api, fields, models

from ..mailchimp_sync.campaign_monitor_panel import CampaignMonitorPanelProvider
from ..mailchimp_sync.panel_providers import provider_panel


class MailchimpCmPanelCache(models.Model):
    _name = "mailchimp.cm.panel.cache"
    _inherit = "mailchimp.panel.cache"
    _description = "Campaign Monitor panel: last data read per address"
    _service = "Campaign Monitor"

    account_id = fields.Many2one("mailchimp.cm.account", required=True, ondelete="cascade", index=True)

    @api.model
    def _read_remote(self, account, email):
        provider = CampaignMonitorPanelProvider(account._client(interactive=True))
        return provider_panel(provider, email)
