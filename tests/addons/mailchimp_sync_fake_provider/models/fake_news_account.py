"""Fake News, the fourth provider: a backend model and nothing else of the module changes."""
from odoo import fields, models

from ..fake_provider.client import SUBSCRIBED, UNSUBSCRIBED, FakeNewsClient, FakeNewsPanelProvider
from odoo.addons.mailchimp_sync.mailchimp_sync.panel import subscription_changes
from odoo.addons.mailchimp_sync.mailchimp_sync.panel_providers import provider_panel


class FakeNewsAccount(models.Model):
    _name = "fake.news.account"
    _inherit = "mailchimp.backend"
    _description = "Fake News account"
    _rec_name = "company_id"
    _service_name = "Fake News"
    _connect_wizard = "fake.news.connect.wizard"
    _secret_fields = ("token",)
    _panel_key = "fake_news"

    token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    base_url = fields.Char(groups="base.group_system", readonly=True)
    account_name = fields.Char(readonly=True, copy=False)

    def _credentials(self):
        account = self.sudo()
        return (account.token, account.base_url)

    def _new_client(self, credentials, interactive=False):
        token, base_url = credentials
        return FakeNewsClient(token, base_url, **self._client_options(interactive))

    def _verify(self, credentials):
        with self._new_client(credentials, interactive=True) as client:
            return client.whoami()

    def _credential_values(self, credentials):
        token, base_url = credentials
        return {"token": token, "base_url": base_url}

    def _panel_statuses(self):
        return {SUBSCRIBED: self.env._("Reading"), UNSUBSCRIBED: self.env._("Not reading")}

    def _panel_data(self, partner, email=None, refresh=False):
        addresses = partner._mailchimp_panel_addresses()
        answer = partner._panel_answer(addresses)
        if addresses and self.is_connected:
            address = partner._mailchimp_panel_address(addresses, email, fallback=True)
            with self._user_errors():
                answer.update(selected=address.email,
                              panel=provider_panel(FakeNewsPanelProvider(self._client(interactive=True)), address.email))
        return answer

    def _panel_apply(self, partner, email, original, wanted):
        address = partner._mailchimp_panel_address(partner._mailchimp_panel_addresses(), email)
        (partner | partner.browse(address.partner_id)).check_access("write")
        changes = subscription_changes(dict(original or {}), dict(wanted or {}))
        with self._user_errors():
            results = FakeNewsPanelProvider(self._client()).apply_changes(address.email, changes)
        return {"results": results, "panel": self._panel_data(partner, address.email)}


class FakeNewsConnectWizard(models.TransientModel):
    _name = "fake.news.connect.wizard"
    _inherit = "mailchimp.credentials.wizard"
    _description = "Connect to Fake News"
    _secret_fields = ("token",)

    account_id = fields.Many2one("fake.news.account", required=True, ondelete="cascade")
    token = fields.Char()
    base_url = fields.Char()

    def _verify_and_store(self):
        return self.account_id._connect((self.token, self.base_url))

    def _connected_title(self):
        return self.env._("Connected to Fake News")
