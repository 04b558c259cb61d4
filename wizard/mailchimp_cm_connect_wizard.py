from odoo import fields, models

from ..mailchimp_sync.campaign_monitor import (
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
    CampaignMonitorError,
)


class MailchimpCmConnectWizard(models.TransientModel):
    """Type a Campaign Monitor API key and client ID, press "Verify": only what Campaign Monitor accepts is stored.

    As the Mailchimp and SerwerSMS dialogs: after a refusal the dialog stays open
    with Campaign Monitor's own message and the typed key is wiped.
    """

    _name = "mailchimp.cm.connect.wizard"
    _description = "Connect to Campaign Monitor"

    account_id = fields.Many2one("mailchimp.account", required=True, ondelete="cascade")
    api_key = fields.Char(string="API key", help="Campaign Monitor: Account settings → API keys.")
    client_id = fields.Char(string="Client ID", help="Campaign Monitor: Account settings → API keys, the client's ID.")
    base_url = fields.Char(
        string="Base URL",
        help="Leave empty for Campaign Monitor itself; e.g. http://127.0.0.1:8767/api/v3.3 for a stand-in.")
    error = fields.Text(readonly=True)

    def action_verify_and_save(self):
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_system()
        try:
            credentials = CampaignMonitorCredentials.from_key(self.api_key, self.client_id, base_url=self.base_url)
            name = self.account_id._cm_connect(credentials)
        except CampaignMonitorConfigError as error:
            return self._show_error(str(error))
        except CampaignMonitorError as error:
            return self._show_error(self.env._("Campaign Monitor refused the key: %s", error))
        self.write({"api_key": False, "error": False})
        return backend._notification(self.env._("Campaign Monitor client verified: %s", name),
                                     title=self.env._("Connected to Campaign Monitor"), close=True)

    def _show_error(self, message):
        """Keep the dialog open with the reason; the refused key is not kept."""
        self.write({"api_key": False, "error": message})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to Campaign Monitor"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
