"""Live updates of SerwerSMS groups: members whose state may have changed, queued, then applied by the job.

Webhooks, the reconciliation pull and sync runs only queue the member's
address (one row, no gateway call): the webhook answers as fast as before and
never fails because of the gateway. The scheduled job (triggered at once)
reads the member from Mailchimp — the truth at that moment, whatever order the
events came in — and the core decides what each live group needs: add,
update, remove or nothing (``mailchimp_sync.sms_groups.plan_live_change``).
A change that fails stays queued with its reason and is tried again. A
contact added or deleted is queued in the journal of remote operations, with
the change's own commit, and made once by its worker; the member's next change
waits until that operation has ended.
"""
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..mailchimp_sync.json_http import ServiceError
from ..mailchimp_sync.member_payload import subscriber_hash
from ..mailchimp_sync.remote_operations import OPEN_STATES
from ..mailchimp_sync.sms_groups import contact_for_member, plan_live_change
from . import mailchimp_messages
from .mailchimp_sms_group import STATE_DONE
from .mailchimp_transaction import commit_if_allowed

_logger = logging.getLogger(__name__)

BATCH = 200
MAX_ATTEMPTS = 10


class MailchimpSmsChange(models.Model):
    _name = "mailchimp.sms.change"
    _description = "Member change waiting for the SerwerSMS groups"
    _order = "id"

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade", index=True)
    email = fields.Char(required=True)
    old_email = fields.Char(help="The member's previous address, when it changed.")
    attempts = fields.Integer()
    last_error = fields.Text()

    @api.model
    def _enqueue(self, audience, emails, old_email=False):
        """Queue members of ``audience`` (once each) and wake the job up; nothing is sent from here."""
        Change = self.sudo()
        waiting = set(Change.search([("audience_id", "=", audience.id), ("email", "in", list(emails)),
                                     ("old_email", "=", False)]).mapped("email"))
        new = [{"audience_id": audience.id, "email": email, "old_email": old_email}
               for email in dict.fromkeys(emails) if email and (old_email or email not in waiting)]
        if new:
            Change.create(new)
            self.env["mailchimp.sms.group"]._trigger_job()

    @api.model
    def _enqueue_synced_since(self, audience, since):
        """Queue every member a sync run wrote to Mailchimp (pushed, renamed, archived), in one INSERT."""
        self.flush_model()
        self.env.cr.execute(SQL(
            """INSERT INTO mailchimp_sms_change (audience_id, email, attempts, create_uid, create_date,
                                                 write_uid, write_date)
               SELECT DISTINCT m.audience_id, m.email, 0, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                      NOW() AT TIME ZONE 'UTC'
                 FROM mailchimp_member m
                WHERE m.audience_id = %(audience)s AND m.email IS NOT NULL AND m.last_sync >= %(since)s
                  AND NOT EXISTS (SELECT 1 FROM mailchimp_sms_change c
                                   WHERE c.audience_id = m.audience_id AND c.email = m.email
                                     AND c.old_email IS NULL)""",
            uid=self.env.uid, audience=audience.id, since=since))
        if self.env.cr.rowcount:
            self.env["mailchimp.sms.group"]._trigger_job()

    @api.model
    def _process_queue(self, limit=BATCH):
        """Apply the queued changes, oldest first, each committed; returns how many were applied or dropped.

        Changes of an audience whose live group is still being filled wait for the next run.
        """
        handled, last_id = 0, 0
        while True:
            changes = self.sudo().search([("id", ">", last_id), ("attempts", "<", MAX_ATTEMPTS)], limit=limit)
            for change in changes.filtered(lambda change: not change.audience_id._sms_groups_importing()):
                change._apply()
                commit_if_allowed(self.env)
                handled += 1
            if len(changes) < limit:
                return handled
            last_id = changes[-1].id

    def _apply(self):
        """One change for every live group of its audience; a failure stays queued with its reason."""
        self.ensure_one()
        audience = self.audience_id.with_company(self.audience_id.company_id)
        groups = audience._sms_live_groups().filtered(lambda group: group.state == STATE_DONE)
        if not groups:
            self.unlink()
            return
        if self._contact_operation_open(groups):
            return  # waits for the add or delete under way; its end wakes the job up again
        try:
            with self.env.cr.savepoint():
                self._apply_to(audience, groups)
        except (ServiceError, UserError) as error:
            _logger.info("SerwerSMS live update of %s failed: %s", self.email, error)
            self.write({"attempts": self.attempts + 1, "last_error": mailchimp_messages.error_text(self.env, error)})
            return
        self.unlink()

    def _contact_operation_open(self, groups):
        """Whether an add or a delete of this member's contact in ``groups`` is queued or running."""
        hashes = [subscriber_hash(email) for email in (self.email, self.old_email) if email]
        return bool(self.env["mailchimp.remote.operation"].sudo().search_count([
            ("sms_contact_id.group_id", "in", groups.ids), ("sms_contact_id.mailchimp_id", "in", hashes),
            ("state", "in", OPEN_STATES)], limit=1))

    def _apply_to(self, audience, groups):
        Contact = self.env["mailchimp.sms.contact"]
        if self.old_email:  # the same member under its new address; the gateway still has the old one (an update)
            Contact.search([("group_id", "in", groups.ids), ("mailchimp_id", "=", subscriber_hash(self.old_email))]) \
                .write({"mailchimp_id": subscriber_hash(self.email)})
        member = audience._sms_fetch_member(self.email)
        partner = Contact._partners_by_hash(audience, [subscriber_hash(self.email)]).get(subscriber_hash(self.email))
        outcome = contact_for_member(member or {"email_address": self.email}, Contact._partner_phones(partner),
                                     audience.company_id.country_id.code)
        status = member.get("status") if member else None
        sms = self.env["mailchimp.sms.account"]._for_company(audience.company_id)._client()
        for group in groups:
            row = Contact._row_of(group, self.email, partner)
            action = plan_live_change(status, outcome.contact, row._known() if row else None)
            group._apply_live(action, row, status, outcome, partner, sms)
