"""The customer's panel serves every connected newsletter provider: a section each, the same four questions.

The ``mailchimp_panel`` widget first asks :meth:`customer_panel_providers`
which sections to show, then each section calls :meth:`customer_panel` and
:meth:`customer_panel_save` with its provider's key. A provider plugs in with
an entry of :meth:`_customer_panel_adapters` (its panel and save methods) and
a core adapter (:class:`~..mailchimp_sync.panel_providers.PanelProvider`):
the widget does not change. Mailchimp's methods are ``mailchimp_panel`` and
``mailchimp_panel_save``; Campaign Monitor's are here.

Rights as for the Mailchimp panel: Mailchimp users who may read the customer,
checked before the first remote request; saving also needs write access to
the customer and to the contact whose address it is.
"""
from odoo import models
from odoo.exceptions import UserError

from ..mailchimp_sync.campaign_monitor import (
    STATE_ACTIVE,
    STATE_UNCONFIRMED,
    STATE_UNSUBSCRIBED,
)
from ..mailchimp_sync.campaign_monitor_panel import CampaignMonitorPanelProvider
from ..mailchimp_sync.panel import subscription_changes

MAILCHIMP = "mailchimp"
CAMPAIGN_MONITOR = "campaign_monitor"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _customer_panel_adapters(self):
        """``{key: {name, lists_label, empty_label, panel, save, connected}}`` of the providers the panel can show."""
        account = self.env["mailchimp.account"]._for_company()
        return {
            # Always shown: its section says when Mailchimp is not connected.
            MAILCHIMP: {"name": "Mailchimp", "lists_label": self.env._("Audiences"),
                        "empty_label": self.env._("Not in any audience"), "panel": "mailchimp_panel",
                        "save": "mailchimp_panel_save", "connected": True},
            CAMPAIGN_MONITOR: {"name": "Campaign Monitor", "lists_label": self.env._("Lists"),
                               "empty_label": self.env._("Not in any list"), "panel": "_campaign_monitor_panel",
                               "save": "_campaign_monitor_panel_save", "connected": account.cm_is_connected},
        }

    def customer_panel_providers(self):
        """The sections of the panel: ``[{key, name, lists_label, empty_label}]`` of the connected providers."""
        self.ensure_one()
        self._mailchimp_panel_check()
        return [{"key": key, **{name: adapter[name] for name in ("name", "lists_label", "empty_label")}}
                for key, adapter in self._customer_panel_adapters().items() if adapter["connected"]]

    def customer_panel(self, provider, email=None, refresh=False):
        """One provider's section: the customer's addresses and what the provider says of one."""
        self.ensure_one()
        return getattr(self, self._customer_panel_adapter(provider)["panel"])(email=email, refresh=refresh)

    def customer_panel_save(self, provider, email, original, wanted):
        """**Save changes** of a provider's dialog: only the lists whose box differs from ``original``."""
        self.ensure_one()
        return getattr(self, self._customer_panel_adapter(provider)["save"])(email, original, wanted)

    def _customer_panel_adapter(self, provider):
        self._mailchimp_panel_check()
        adapter = self._customer_panel_adapters().get(provider)
        if not adapter:
            raise UserError(self.env._("Unknown newsletter provider: %s.", provider))
        return adapter

    # ------------------------------------------------------------ Campaign Monitor

    def _campaign_monitor_panel(self, email=None, refresh=False):
        """Campaign Monitor's section; never raises for Campaign Monitor's sake (the cache's rule)."""
        self._mailchimp_panel_check()
        addresses = self._mailchimp_panel_addresses()
        answer = self._panel_answer(addresses)
        account = self.env["mailchimp.account"]._for_company()
        if not addresses or not account.cm_is_connected:
            return answer
        address = self._mailchimp_panel_address(addresses, email, fallback=True)
        answer["selected"] = address.email
        answer.update(self.env["mailchimp.cm.panel.cache"]._panel_for(account, address.email, refresh=refresh))
        return answer

    def _campaign_monitor_panel_save(self, email, original, wanted):
        """Apply the changed boxes in Campaign Monitor, a chatter note per change; the section read again."""
        self._mailchimp_panel_check()
        address = self._mailchimp_panel_address(self._mailchimp_panel_addresses(), email)
        owner = self.browse(address.partner_id)
        (self | owner).check_access("write")
        changes = subscription_changes(dict(original or {}), dict(wanted or {}))
        if not changes:
            return {"results": [], "panel": self._campaign_monitor_panel(address.email)}
        account = self.env["mailchimp.account"]._for_company()
        with self.env["mailchimp.backend"]._user_errors():
            provider = CampaignMonitorPanelProvider(account._cm_client())
            known = {str(item["ListID"]) for item in provider.client.lists()}
        unknown = [list_id for list_id, _subscribe in changes if list_id not in known]
        if unknown:
            raise UserError(self.env._("Unknown Campaign Monitor list: %s. Reload the page.", ", ".join(unknown)))
        results = provider.apply_changes(address.email, changes, name=owner.name or "")
        for result in results:
            if not result["error"]:
                self._campaign_monitor_note(owner, address.email, result)
        self.env["mailchimp.cm.panel.cache"]._forget(account, address.email)
        return {"results": results, "panel": self._campaign_monitor_panel(address.email)}

    def _campaign_monitor_note(self, owner, email, result):
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
        for record in (owner | self).sudo():
            record.message_post(body=body)
