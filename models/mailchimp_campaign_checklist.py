"""Mailchimp's send checklist of a campaign, read before a send or a schedule is queued.

The send dialog (and the campaign form) call :meth:`MailchimpCampaign._send_checklist`
to show the items in Mailchimp's words, and :meth:`MailchimpCampaign._check_send_checklist`
before queueing: an error item refuses the send there, before anything is asked of
Mailchimp that changes it. When Mailchimp still refuses the send or the schedule (the
campaign changed in Mailchimp meanwhile), the worker records the refusal with the
checklist's blocking items (:meth:`MailchimpRemoteOperation._checklist_refusal`): a 400
is a refusal, never retried. The rules of reading it are the core's
(:mod:`..mailchimp_sync.send_checklist`).
"""
import logging
from contextlib import contextmanager

from markupsafe import Markup
from odoo import models
from odoo.exceptions import UserError

from ..mailchimp_sync.errors import MailchimpError
from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.send_checklist import (
    ERROR,
    SUCCESS,
    WARNING,
    ChecklistUnreadable,
    is_not_ready_refusal,
    refusal_text,
)
from . import mailchimp_messages

_logger = logging.getLogger(__name__)

ITEM_CLASSES = {ERROR: "text-danger", WARNING: "text-warning", SUCCESS: "text-success"}
ITEM_ICONS = {ERROR: "fa-times-circle", WARNING: "fa-exclamation-triangle", SUCCESS: "fa-check-circle"}


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    def _send_checklist(self):
        """Mailchimp's send checklist of the campaign (:class:`~..mailchimp_sync.send_checklist.SendChecklist`).

        Managers only, checked before the request; an answer Mailchimp refused or that is
        no checklist is a :class:`UserError` saying so.
        """
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("read")
        try:
            with backend._user_errors():
                return self.audience_id._client().get_send_checklist(self.mailchimp_id)
        except UserError as error:
            raise UserError(self.env._("Odoo could not read Mailchimp's send checklist of this campaign: %s",
                                       error.args[0])) from None
        except ChecklistUnreadable:
            raise UserError(self.env._(
                "Mailchimp's answer to the send checklist of this campaign could not be read; try again later or "
                "check the campaign in Mailchimp.")) from None

    def _check_send_checklist(self):
        """The checklist, read again; a :class:`UserError` with Mailchimp's words when an item blocks the send."""
        checklist = self._send_checklist()
        if not checklist.ready:
            raise UserError(self.env._("Mailchimp will not send this campaign until this is resolved: %s",
                                       refusal_text(checklist)))
        return checklist

    def _send_checklist_html(self, checklist):
        """The checklist's items as a list, errors first, in Mailchimp's words."""
        order = {ERROR: 0, WARNING: 1, SUCCESS: 2}
        rows = Markup("").join(
            Markup('<li class="%s"><i class="fa %s me-1"></i>%s</li>') % (
                ITEM_CLASSES.get(item.type, ""), ITEM_ICONS.get(item.type, "fa-info-circle"), item.text)
            for item in sorted(checklist.items, key=lambda item: order.get(item.type, 1)))
        if checklist.ready:
            head = self.env._("Mailchimp's send checklist: ready to send.")
        else:
            head = self.env._("Mailchimp's send checklist: not ready, Mailchimp will refuse to send it.")
        return Markup('<p class="mb-1"><strong>%s</strong></p><ul class="list-unstyled">%s</ul>') % (head, rows)


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    @contextmanager
    def _checklist_refusal(self, client):
        """Mailchimp's "not ready to send" refusal, raised again with the checklist's blocking items in its words.

        Mailchimp's refusal names no problem; the checklist, read once after it, does. When that
        read fails too, the refusal is recorded as Mailchimp gave it.
        """
        try:
            yield
        except MailchimpError as error:
            if not is_not_ready_refusal(error):
                raise
            try:
                problems = refusal_text(client.get_send_checklist(self.campaign_id.mailchimp_id))
            except (ServiceError, ChecklistUnreadable):
                _logger.info("Send checklist of campaign %s not read after a refusal", self.campaign_id.mailchimp_id,
                             exc_info=True)
                raise error from None
            raise MailchimpError(self.env._("%(refusal)s Its send checklist: %(problems)s",
                                            refusal=mailchimp_messages.error_text(self.env, error),
                                            problems=problems), **error.parts()) from None
