"""A company's Campaign Monitor account (API key and client ID, issue #13): the Campaign Monitor backend.

The same rules as Mailchimp's key and SerwerSMS's token: the key is written
only by :meth:`_connect`, after Campaign Monitor answered the client's details
with it; key, client ID and base URL are readable by system administrators
only; the account follows its company's record rule. Its section of the
customer's panel lists the client's lists (cached by ``mailchimp.cm.panel.cache``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.campaign_monitor import (
    STATE_ACTIVE,
    STATE_BOUNCED,
    STATE_DELETED,
    STATE_UNCONFIRMED,
    STATE_UNSUBSCRIBED,
    CampaignMonitorClient,
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
)
from ..mailchimp_sync.campaign_monitor_panel import CampaignMonitorPanelProvider
from ..mailchimp_sync.panel import subscription_changes
from . import mailchimp_messages


class MailchimpCmAccount(models.Model):
    _name = "mailchimp.cm.account"
    _inherit = "mailchimp.backend"
    _description = "Campaign Monitor account"
    _order = "company_id, id"
    _rec_name = "company_id"
    _service_name = "Campaign Monitor"
    _connect_wizard = "mailchimp.cm.connect.wizard"
    _secret_fields = ("api_key",)
    _label_field = "client_name"
    _panel_key = "campaign_monitor"

    api_key = fields.Char(string="API key", groups="base.group_system", copy=False, readonly=True)
    client_id = fields.Char(string="Client ID", groups="base.group_system", copy=False, readonly=True)
    base_url = fields.Char(
        string="Base URL", groups="base.group_system", readonly=True,
        help="Empty for Campaign Monitor itself; a local stand-in's URL for tests and demos.")
    client_name = fields.Char(string="Campaign Monitor client", readonly=True, copy=False)

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one Campaign Monitor account."),
    ]

    # ------------------------------------------------------------ the backend's hooks

    def _credentials(self):
        """The stored credentials; :class:`CampaignMonitorConfigError` (before any call) when there are none."""
        self.ensure_one()
        account = self.sudo()
        if not account.is_connected:
            raise CampaignMonitorConfigError(self.env._(
                "Campaign Monitor is not connected: a system administrator connects it in Settings → Mailchimp."))
        return CampaignMonitorCredentials.from_key(account.api_key, account.client_id, base_url=account.base_url)

    def _new_client(self, credentials, interactive=False):
        return CampaignMonitorClient(credentials, **self._client_options(interactive))

    def _verify(self, credentials):
        """The client's details: its name."""
        with self._new_client(credentials, interactive=True) as client:
            return client.client_name()

    def _credential_values(self, credentials):
        return {
            "api_key": credentials.api_key,
            "client_id": credentials.client_id,
            "base_url": credentials.base_url_override or False,
        }

    def _connect_wizard_defaults(self):
        account = self.sudo()
        return {"client_id": account.client_id, "base_url": account.base_url}

    @api.model
    def _personal_data_models(self):
        return ["mailchimp.cm.panel.cache"]

    # ------------------------------------------------------------ the customer's panel

    def _panel_statuses(self):
        return {
            STATE_ACTIVE: self.env._("Subscribed (Active)"),
            STATE_UNSUBSCRIBED: self.env._("Unsubscribed"),
            STATE_UNCONFIRMED: self.env._("Not confirmed"),
            STATE_BOUNCED: self.env._("Bounced"),
            STATE_DELETED: self.env._("Deleted"),
        }

    def _panel_data(self, partner, email=None, refresh=False):
        """Campaign Monitor's section; never raises for Campaign Monitor's sake (the cache's rule)."""
        addresses = partner._mailchimp_panel_addresses()
        answer = partner._panel_answer(addresses)
        if not addresses or not self.is_connected:
            return answer
        address = partner._mailchimp_panel_address(addresses, email, fallback=True)
        answer["selected"] = address.email
        answer.update(self.env["mailchimp.cm.panel.cache"]._panel_for(self, address.email, refresh=refresh))
        return answer

    def _panel_apply(self, partner, email, original, wanted):
        """Apply the changed boxes in Campaign Monitor, a chatter note per change; the section read again."""
        address = partner._mailchimp_panel_address(partner._mailchimp_panel_addresses(), email)
        owner = partner.browse(address.partner_id)
        (partner | owner).check_access("write")
        changes = subscription_changes(dict(original or {}), dict(wanted or {}))
        if not changes:
            return {"results": [], "panel": self._panel_data(partner, address.email)}
        with self._user_errors():
            known = {str(item["ListID"]) for item in self._client(interactive=True).lists()}
            provider = CampaignMonitorPanelProvider(self._client())
        unknown = [list_id for list_id, _subscribe in changes if list_id not in known]
        if unknown:
            raise UserError(self.env._("Unknown Campaign Monitor list: %s. Reload the page.", ", ".join(unknown)))
        results = [mailchimp_messages.campaign_monitor_result(self.env, result, address.email)
                   for result in provider.apply_changes(address.email, changes, name=owner.name or "")]
        for result in results:
            if not result["error"]:
                self._panel_note(partner | owner, address.email, result)
        self.env["mailchimp.cm.panel.cache"]._forget(self, address.email)
        return {"results": results, "panel": self._panel_data(partner, address.email)}

    def _panel_note(self, partners, email, result):
        words = {
            STATE_ACTIVE: self.env._("subscribed"),
            STATE_UNCONFIRMED: self.env._("asked to confirm (Campaign Monitor sent the confirmation email)"),
            STATE_UNSUBSCRIBED: self.env._("unsubscribed"),
        }
        body = self.env._("Campaign Monitor (%(list)s): %(email)s %(what)s by %(user)s from the customer panel",
                          list=result["name"], email=email, what=words.get(result["status"], result["status"]),
                          user=self.env.user.name)
        if result["message"]:
            body = f"{body}; {result['message']}"
        for record in partners.sudo():
            record.message_post(body=body)
