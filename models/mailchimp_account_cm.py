"""A company's Campaign Monitor account (API key and client ID), on its Mailchimp account (issue #13).

The same rules as Mailchimp's key and SerwerSMS's token: the key is written
only by :meth:`_cm_connect`, after Campaign Monitor answered the client's
details with it; key, client ID and base URL are readable by system
administrators only; the account follows its company's record rule.
"""

from odoo import fields, models

from ..mailchimp_sync.campaign_monitor import (
    CampaignMonitorClient,
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
)

# One Campaign Monitor client per account, for the credentials it had when the client was made.


class MailchimpAccount(models.Model):
    _inherit = "mailchimp.account"

    cm_api_key = fields.Char(string="Campaign Monitor API key", groups="base.group_system", copy=False,
                             readonly=True)
    cm_client_id = fields.Char(string="Campaign Monitor client ID", groups="base.group_system", copy=False,
                               readonly=True)
    cm_base_url = fields.Char(
        string="Campaign Monitor base URL", groups="base.group_system", readonly=True,
        help="Empty for Campaign Monitor itself; a local stand-in's URL for tests and demos.")
    cm_is_connected = fields.Boolean(string="Campaign Monitor connected", readonly=True, copy=False)
    cm_client_name = fields.Char(string="Campaign Monitor client", readonly=True, copy=False)
    cm_verified_date = fields.Datetime(string="Campaign Monitor verified on", readonly=True, copy=False)

    def _cm_credentials(self):
        """The stored credentials; :class:`CampaignMonitorConfigError` (before any call) when there are none."""
        self.ensure_one()
        account = self.sudo()
        if not account.cm_is_connected:
            raise CampaignMonitorConfigError(
                "Campaign Monitor is not connected: a system administrator connects it in Settings → Mailchimp.")
        return CampaignMonitorCredentials.from_key(account.cm_api_key, account.cm_client_id,
                                                   base_url=account.cm_base_url)

    def _cm_client(self):
        """The account's shared Campaign Monitor client, replaced as soon as the credentials change."""
        return self._shared_client(CampaignMonitorClient, self._cm_credentials())

    def _cm_connect(self, credentials):
        """Ask Campaign Monitor for the client's details with ``credentials``; store them only if it answered.

        Returns the client's name; raises :class:`CampaignMonitorError` (nothing stored) otherwise.
        """
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        with CampaignMonitorClient(credentials, **self._client_options()) as client:
            name = client.client_name()
        self.sudo().write({
            "cm_api_key": credentials.api_key,
            "cm_client_id": credentials.client_id,
            "cm_base_url": credentials.base_url_override or False,
            "cm_is_connected": True,
            "cm_client_name": name,
            "cm_verified_date": fields.Datetime.now(),
        })
        return name

    def action_open_cm_connect_wizard(self):
        """Button: the dialog where the key and client ID are typed, verified and only then saved."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        account = self.sudo()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to Campaign Monitor"),
            "res_model": "mailchimp.cm.connect.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_account_id": self.id, "default_client_id": account.cm_client_id,
                        "default_base_url": account.cm_base_url},
        }

    def action_cm_disconnect(self):
        """Button: forget the Campaign Monitor key (Campaign Monitor is not called)."""
        self.env["mailchimp.backend"]._check_system()
        self.sudo().write({"cm_api_key": False, "cm_is_connected": False, "cm_client_name": False,
                           "cm_verified_date": False})
        return self.env["mailchimp.backend"]._notification(
            self.env._("Campaign Monitor key removed."), title=self.env._("Campaign Monitor"), reload=True)
