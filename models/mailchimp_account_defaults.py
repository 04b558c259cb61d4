"""The company-level audience defaults: what a new audience created from Odoo starts with."""
from odoo import models

from ..mailchimp_sync.audience_defaults import values_from_account


class MailchimpAccount(models.Model):
    _name = "mailchimp.account"
    _inherit = ["mailchimp.account", "mailchimp.list.defaults"]

    def action_get_mailchimp_defaults(self):
        """Button: the account's contact from Mailchimp, list defaults from one of its audiences."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        self._check_credentials_access()
        with backend._user_errors():
            client = self._client()
            root = client.get_account()
            audience = self.audience_ids[:1]
            remote_list = client.get_list(audience.mailchimp_id) if audience else None
        self.write(self._list_default_write_values(values_from_account(root, remote_list)))
        return backend._notification(self.env._("Defaults read from Mailchimp."), reload=True)

    def action_open_audience_defaults(self):
        """The account's audience defaults form."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audience defaults"),
            "res_model": "mailchimp.account",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("mailchimp_sync.mailchimp_account_defaults_view_form").id, "form")],
            "target": "current",
        }
