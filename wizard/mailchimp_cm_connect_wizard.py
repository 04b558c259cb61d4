from odoo import fields, models

from ..mailchimp_sync.campaign_monitor import (
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
    CampaignMonitorError,
)


class MailchimpCmConnectWizard(models.TransientModel):
    """Type a Campaign Monitor API key and client ID, press "Verify": only what Campaign Monitor accepts is stored."""

    _name = "mailchimp.cm.connect.wizard"
    _inherit = "mailchimp.credentials.wizard"
    _description = "Connect to Campaign Monitor"

    _secret_fields = ("api_key",)
    _config_error = CampaignMonitorConfigError
    _refusal_error = CampaignMonitorError

    account_id = fields.Many2one("mailchimp.cm.account", required=True, ondelete="cascade")
    api_key = fields.Char(string="API key", help="Campaign Monitor: Account settings → API keys.")
    client_id = fields.Char(string="Client ID", help="Campaign Monitor: Account settings → API keys, the client's ID.")
    base_url = fields.Char(
        string="Base URL",
        help="Leave empty for Campaign Monitor itself; e.g. http://127.0.0.1:8767/api/v3.3 for a stand-in.")

    def _verify_and_store(self):
        credentials = CampaignMonitorCredentials.from_key(self.api_key, self.client_id, base_url=self.base_url)
        return self.env._("Campaign Monitor client verified: %s", self.account_id._connect(credentials))

    def _refusal_sentence(self, error):
        return self.env._("Campaign Monitor refused the key: %s", error)

    def _connected_title(self):
        return self.env._("Connected to Campaign Monitor")
