"""Registering and deleting an audience's webhook, in the journal: the button queues, the worker calls once.

A registration found running (its worker was killed between the call and its
record) asks Mailchimp whether a webhook with Odoo's URL is there: then it was
made and its id is stored. A deletion found running asks whether the webhook is
still there; deleting one Mailchimp no longer has (404) counts as done.
"""
from odoo import models

from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.remote_operations import WEBHOOK_DELETE, WEBHOOK_REGISTER, presence_outcome, refused
from .mailchimp_remote_operation import Handler

# What Mailchimp sends to Odoo: user and admin changes, never the API's (no echo of our own writes).
WEBHOOK_EVENTS = {"subscribe": True, "unsubscribe": True, "profile": True, "cleaned": True, "upemail": True,
                  "campaign": True}
WEBHOOK_SOURCES = {"user": True, "admin": True, "api": False}


class MailchimpRemoteOperation(models.Model):
    _inherit = "mailchimp.remote.operation"

    def _handlers(self):
        return {
            **super()._handlers(),
            WEBHOOK_REGISTER: Handler(self._run_webhook_register, self._resolve_webhook_register),
            WEBHOOK_DELETE: Handler(self._run_webhook_delete, self._resolve_webhook_delete),
        }

    # ------------------------------------------------------------ calls

    def _run_webhook_register(self):
        """Register the audience's URL; one registered under an older URL (a new secret) is deleted first."""
        audience = self.audience_id.sudo()
        client = audience._client()
        url = audience.webhook_url
        hooks = client.get_webhooks(audience.mailchimp_id)
        for hook in hooks:
            if hook["id"] == audience.webhook_id and hook.get("url") != url:
                self._delete_webhook(client, hook["id"])
        existing = next((hook for hook in hooks if hook.get("url") == url), None)
        if existing:
            audience.webhook_id = existing["id"]
            return self.env._("The webhook was registered already.")
        try:
            hook = client.create_webhook(audience.mailchimp_id, url, WEBHOOK_EVENTS, WEBHOOK_SOURCES)
        except ServiceError as error:
            hint = audience._webhook_url_hint()
            if hint and refused(error.status):
                raise type(error)(f"{error} {hint}", **error.parts()) from error
            raise
        audience.webhook_id = hook["id"]
        return self.env._("Mailchimp sends this audience's changes to Odoo now.")

    def _run_webhook_delete(self):
        audience = self.audience_id.sudo()
        gone = self._delete_webhook(audience._client(), self.params["webhook_id"])
        self._forget_webhook()
        if gone:
            return self.env._("Mailchimp had no such webhook any more.")
        return self.env._("Mailchimp no longer sends this audience's changes.")

    # ------------------------------------------------------------ the truth, for an operation found running

    def _resolve_webhook_register(self):
        audience = self.audience_id.sudo()
        url = audience.webhook_url
        existing = next((hook for hook in audience._client().get_webhooks(audience.mailchimp_id)
                         if hook.get("url") == url), None)
        if existing:
            audience.webhook_id = existing["id"]
        return presence_outcome(WEBHOOK_REGISTER, bool(existing))

    def _resolve_webhook_delete(self):
        audience = self.audience_id.sudo()
        present = any(hook["id"] == self.params["webhook_id"]
                      for hook in audience._client().get_webhooks(audience.mailchimp_id))
        if not present:
            self._forget_webhook()
        return presence_outcome(WEBHOOK_DELETE, present)

    # ------------------------------------------------------------ helpers

    def _delete_webhook(self, client, webhook_id):
        """Delete it; returns True when Mailchimp had it no more (404: deleted all the same)."""
        try:
            client.delete_webhook(self.audience_id.mailchimp_id, webhook_id)
        except ServiceError as error:
            if error.status != 404:
                raise
            return True
        return False

    def _forget_webhook(self):
        audience = self.audience_id.sudo()
        if audience.webhook_id == self.params["webhook_id"]:
            audience.webhook_id = False
