"""The SMS side of an audience (issue #11): its SerwerSMS groups, "Start sync" (queued), the hooks of live updates.

The rest of the add-on tells this file when a member may have changed, with one
call each: :meth:`_sms_members_changed` (webhooks, reconciliation, SMS sign-ups)
and :meth:`_sms_after_sync_run` (a sync run's pushes). Both only queue
(``mailchimp.sms.change``), and only when a group of the audience is live.
"""
from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from ..mailchimp_sync.errors import MailchimpError
from ..mailchimp_sync.sms_groups import group_name
from .mailchimp_sms_group import STATE_READY, STATE_SYNCING


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    sms_group_ids = fields.One2many("mailchimp.sms.group", "audience_id", string="SMS groups")

    def action_sms_start_sync(self):
        """Button: queue a fresh SerwerSMS group; the scheduled job creates it at the gateway and fills it with the
        subscribed members' numbers. Rights and credentials are checked here; nothing is asked of either service.
        """
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        account = self.account_id
        with backend._user_errors():
            sms_account = self.env["mailchimp.sms.account"]._for_company(self.company_id, create=True)
            account._credentials()
            sms_account._credentials()
        name = group_name(self.name, fields.Datetime.context_timestamp(self, fields.Datetime.now()))
        if self.env["mailchimp.sms.group"].sudo().search_count([("company_id", "=", self.company_id.id),
                                                                 ("name", "=", name)]):
            raise UserError(self.env._("A group named %s was created this very second; press Start sync again "
                                       "in a moment (SerwerSMS imports into a group by its name).", name))
        self.env["mailchimp.sms.group"].create({"audience_id": self.id, "name": name, "requested_by": self.env.uid})
        self.env["mailchimp.sms.group"]._trigger_job()
        return backend._notification(
            self.env._("Group %s queued: the scheduled job creates it at SerwerSMS and imports the contacts; the "
                       "count grows on the SMS tab.", name), title=self.env._("SMS sync queued"), reload=True)

    # ------------------------------------------------------------ hooks of live updates

    def _sms_live_groups(self):
        self.ensure_one()
        return self.env["mailchimp.sms.group"].sudo().search(
            [("audience_id", "=", self.id), ("live", "=", True), ("deleted_at_gateway", "=", False)])

    def _sms_has_live_groups(self):
        """Whether the audience has a live group: asked by every change Mailchimp tells, kept between requests
        (``mailchimp_audience_schema_cache.py`` clears it when a group is created, deleted, or goes live or not)."""
        self.ensure_one()
        return self._sms_live_group_count(self.id) > 0

    @api.model
    @tools.ormcache("audience_id")
    def _sms_live_group_count(self, audience_id):
        return self.browse(audience_id)._sms_live_groups_count()

    def _sms_live_groups_count(self):
        return self.env["mailchimp.sms.group"].sudo().search_count(
            [("audience_id", "=", self.id), ("live", "=", True), ("deleted_at_gateway", "=", False)])

    def _sms_groups_importing(self):
        """Changes wait while a live group is being filled: the import reads the audience as it is then."""
        return any(group.state in (STATE_READY, STATE_SYNCING) for group in self._sms_live_groups())

    def _sms_members_changed(self, changes, source):
        """Members may have changed (:class:`RemoteChange` s): queue them for the live groups.

        An import (Odoo linking existing members) changes nothing in Mailchimp, so it queues nothing.
        """
        if source == "import" or not self._sms_has_live_groups():
            return
        Change = self.env["mailchimp.sms.change"]
        if same_address := [change.email for change in changes if not change.new_email]:
            Change._enqueue(self, same_address)
        for change in changes:
            if change.new_email:
                Change._enqueue(self, [change.new_email], old_email=change.email)

    def _sms_after_sync_run(self, run):
        """A sync run ended: queue the members it wrote to Mailchimp for the live groups."""
        if self._sms_live_groups():
            self.env["mailchimp.sms.change"]._enqueue_synced_since(self, run.date_start)

    def _sms_fetch_member(self, email):
        """The member as Mailchimp has it now, or None when it is not in the audience any more."""
        try:
            return self._client().get_member(self.mailchimp_id, email)
        except MailchimpError as error:
            if error.status == 404:
                return None
            raise
