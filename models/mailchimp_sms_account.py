"""A company's SerwerSMS.pl account (issue #11): the SerwerSMS backend.

The same rules as Mailchimp's key: the token or password is written only by
:meth:`_connect`, after the gateway accepted it with an authenticated call;
the fields are readable by system administrators only; the account follows its
company's record rule.
"""

from odoo import api, fields, models

from ..mailchimp_sync.serwersms import (
    KIND_LOGIN,
    KIND_TOKEN,
    SerwerSmsClient,
    SerwerSmsConfigError,
    SmsCredentials,
)


class MailchimpSmsAccount(models.Model):
    _name = "mailchimp.sms.account"
    _inherit = "mailchimp.backend"
    _description = "SerwerSMS account"
    _order = "company_id, id"
    _rec_name = "company_id"
    _service_name = "SerwerSMS"
    _connect_wizard = "mailchimp.sms.connect.wizard"
    _secret_fields = ("token", "password")

    auth_method = fields.Selection(
        [(KIND_TOKEN, "API token"), (KIND_LOGIN, "API user")], string="Authentication",
        default=KIND_TOKEN, required=True, readonly=True)
    token = fields.Char(string="API token", groups="base.group_system", copy=False, readonly=True)
    username = fields.Char(string="API user", groups="base.group_system", copy=False, readonly=True)
    password = fields.Char(groups="base.group_system", copy=False, readonly=True)
    base_url = fields.Char(
        string="Base URL", groups="base.group_system", readonly=True,
        help="Empty for SerwerSMS.pl itself; a local stand-in's URL for tests and demos.")
    account_name = fields.Char(string="SerwerSMS account", readonly=True, copy=False)

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one SerwerSMS account."),
    ]

    def _credentials(self):
        """The stored credentials; :class:`SerwerSmsConfigError` (before any call) when there are none."""
        self.ensure_one()
        account = self.sudo()
        if not account.is_connected:
            raise SerwerSmsConfigError(self.env._(
                "SerwerSMS is not connected: a system administrator connects it in Settings → Mailchimp, SMS."))
        if account.auth_method == KIND_LOGIN:
            return SmsCredentials.from_login(account.username, account.password, base_url=account.base_url)
        return SmsCredentials.from_token(account.token, base_url=account.base_url)

    def _new_client(self, credentials, interactive=False):
        return SerwerSmsClient(credentials, **self._client_options(interactive))

    def _verify(self, credentials):
        """The account's limits: the gateway's cheapest authenticated call."""
        with self._new_client(credentials, interactive=True) as client:
            client.limits()
        return credentials.label

    def _credential_values(self, credentials):
        return {
            "auth_method": credentials.kind,
            "token": credentials.token or False,
            "username": credentials.username or False,
            "password": credentials.password or False,
            "base_url": credentials.base_url_override or False,
        }

    def _connect_wizard_defaults(self):
        account = self.sudo()
        return {"auth_method": account.auth_method, "username": account.username, "base_url": account.base_url}

    @api.model
    def _personal_data_models(self):
        return ["mailchimp.sms.contact", "mailchimp.sms.change"]
