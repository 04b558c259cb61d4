"""What every Mailchimp button shares: rights checks, error mapping, notifications.

Every public method that calls Mailchimp (or changes settings) checks the
user's rights with :meth:`_check_manager` / :meth:`_check_system` or
``check_access`` **before** its first request: a remote call cannot be rolled
back when Odoo refuses afterwards.
"""
import logging
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..mailchimp_sync.json_http import ServiceError

_logger = logging.getLogger(__name__)

GROUP_MANAGER = "mailchimp_sync.group_mailchimp_manager"
GROUP_SYSTEM = "base.group_system"


class MailchimpBackend(models.AbstractModel):
    _name = "mailchimp.backend"
    _description = "Mailchimp connection helpers"

    @api.model
    def _check_group(self, xmlid, message):
        if not self.env.su and not self.env.user.has_group(xmlid):
            raise AccessError(message)

    @api.model
    def _check_manager(self):
        """Mailchimp managers (and administrators) run what changes Mailchimp."""
        self._check_group(GROUP_MANAGER, self.env._("Only Mailchimp managers may change data in Mailchimp."))

    @api.model
    def _check_system(self):
        """Credentials and settings are for system administrators."""
        self._check_group(GROUP_SYSTEM, self.env._(
            "Only system administrators may change the Mailchimp connection or settings."))

    @api.model
    @contextmanager
    def _user_errors(self, hint=None):
        """Turn a Mailchimp (or SerwerSMS) error into a :class:`UserError` carrying the service's own message.

        ``hint`` is a sentence added to an error Mailchimp answered (4xx), e.g. the likely cause.
        """
        try:
            yield
        except ServiceError as error:
            _logger.info("%s call failed: %s", error.service, error)
            message = str(error)
            reconnect = self.env["mailchimp.account"]._for_company()._flag_refused_credentials(
                error, keep_on_rollback=True)
            if reconnect:
                message = f"{message} {reconnect}"
            if hint and error.status and 400 <= error.status < 500:
                message = f"{message} {hint}"
            raise UserError(message) from None

    @api.model
    def _notification(self, message, kind="success", title=None, sticky=False, reload=False, close=False):
        """A ``display_notification`` client action, the answer of our buttons.

        ``reload`` reloads the current view afterwards, to show what the button changed;
        ``close`` closes the dialog the button was in (its opener then reloads).
        """
        params = {
            "title": title or self.env._("Mailchimp"),
            "message": message,
            "type": kind,
            "sticky": sticky,
        }
        if close:
            params["next"] = {"type": "ir.actions.act_window_close"}
        elif reload:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
