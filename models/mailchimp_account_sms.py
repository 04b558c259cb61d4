"""A company's SerwerSMS.pl credentials, on its Mailchimp account (issue #11).

The same rule as Mailchimp's key: the token or password is written only by
:meth:`_sms_connect`, after the gateway accepted it with an authenticated call;
the fields are readable by system administrators only.
"""

from odoo import fields, models

from ..mailchimp_sync.serwersms import (
    KIND_LOGIN,
    KIND_TOKEN,
    SerwerSmsClient,
    SerwerSmsConfigError,
    SmsCredentials,
)

# One SerwerSMS client per account, for the credentials it had when the client was made.


class MailchimpAccount(models.Model):
    _inherit = "mailchimp.account"

    sms_auth_method = fields.Selection(
        [(KIND_TOKEN, "API token"), (KIND_LOGIN, "API user")], string="SerwerSMS authentication",
        default=KIND_TOKEN, required=True, readonly=True)
    sms_token = fields.Char(string="SerwerSMS API token", groups="base.group_system", copy=False, readonly=True)
    sms_username = fields.Char(string="SerwerSMS API user", groups="base.group_system", copy=False, readonly=True)
    sms_password = fields.Char(string="SerwerSMS password", groups="base.group_system", copy=False, readonly=True)
    sms_base_url = fields.Char(
        string="SerwerSMS base URL", groups="base.group_system", readonly=True,
        help="Empty for SerwerSMS.pl itself; a local stand-in's URL for tests and demos.")
    sms_is_connected = fields.Boolean(string="SerwerSMS connected", readonly=True, copy=False)
    sms_account_name = fields.Char(string="SerwerSMS account", readonly=True, copy=False)
    sms_verified_date = fields.Datetime(string="SerwerSMS verified on", readonly=True, copy=False)

    def _sms_credentials(self):
        """The stored credentials; :class:`SerwerSmsConfigError` (before any call) when there are none."""
        self.ensure_one()
        account = self.sudo()
        if not account.sms_is_connected:
            raise SerwerSmsConfigError(
                "SerwerSMS is not connected: a system administrator connects it in Settings → Mailchimp, SMS.")
        if account.sms_auth_method == KIND_LOGIN:
            return SmsCredentials.from_login(account.sms_username, account.sms_password,
                                             base_url=account.sms_base_url)
        return SmsCredentials.from_token(account.sms_token, base_url=account.sms_base_url)

    def _sms_client(self):
        """The account's shared SerwerSMS client, replaced as soon as the credentials change."""
        return self._shared_client(SerwerSmsClient, self._sms_credentials())

    def _sms_connect(self, credentials):
        """Verify ``credentials`` with a cheap authenticated call; store them only if the gateway accepted them.

        Returns the account's label; raises :class:`SerwerSmsError` (nothing stored) otherwise.
        """
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        with SerwerSmsClient(credentials, **self._client_options()) as client:
            client.limits()
        self.sudo().write({
            "sms_auth_method": credentials.kind,
            "sms_token": credentials.token or False,
            "sms_username": credentials.username or False,
            "sms_password": credentials.password or False,
            "sms_base_url": credentials.base_url_override or False,
            "sms_is_connected": True,
            "sms_account_name": credentials.label,
            "sms_verified_date": fields.Datetime.now(),
        })
        return credentials.label

    def action_open_sms_connect_wizard(self):
        """Button: the dialog where the token (or API user) is typed, verified and only then saved."""
        self.ensure_one()
        self.env["mailchimp.backend"]._check_system()
        account = self.sudo()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Connect to SerwerSMS"),
            "res_model": "mailchimp.sms.connect.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_account_id": self.id, "default_auth_method": account.sms_auth_method,
                        "default_username": account.sms_username, "default_base_url": account.sms_base_url},
        }

    def action_sms_disconnect(self):
        """Button: forget the SerwerSMS credentials (the gateway is not called)."""
        self.env["mailchimp.backend"]._check_system()
        self.sudo().write({"sms_token": False, "sms_password": False, "sms_is_connected": False,
                           "sms_account_name": False, "sms_verified_date": False})
        return self.env["mailchimp.backend"]._notification(
            self.env._("SerwerSMS credentials removed."), title=self.env._("SerwerSMS"), reload=True)
