"""A campaign to a collection's segment: created in Mailchimp, tested, then sent or scheduled after the GDPR check.

Test, send and schedule are queued in the journal of remote operations
(:mod:`..models.mailchimp_remote_operation`): the dialog shows the operation, the worker makes the call once.

The campaign form opens the same dialog on an existing campaign at its ``created`` step
(:meth:`..models.mailchimp_campaign_workspace.MailchimpCampaign._send_dialog`): a draft
closed on Monday is tested, checked and sent on Tuesday by the same rules.
"""
from datetime import timezone

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.campaign_check import (
    Recipient,
    check_recipients,
    schedule_problem,
)
from ..mailchimp_sync.campaigns import draft_settings
from ..mailchimp_sync.eligibility import normalize_email
from ..mailchimp_sync.remote_operations import DONE, FAILED, SCHEDULE, SEND, campaign_made_since
from ..models.mailchimp_campaign import DRAFT_COLUMNS, FROM_MAILCHIMP
from ..models import mailchimp_messages
from ..models.mailchimp_campaign_workspace import CONTENT_HTML, CONTENT_MAILCHIMP
from ..models.mailchimp_transaction import commit_if_allowed


class MailchimpCollectionCampaignWizard(models.TransientModel):
    _name = "mailchimp.collection.campaign.wizard"
    _description = "Mailchimp campaign to a collection"

    collection_id = fields.Many2one("mailchimp.collection", readonly=True, ondelete="cascade",
                                    help="Required to create a campaign; an existing campaign brings its own.")
    audience_id = fields.Many2one("mailchimp.audience", compute="_compute_audience_id")
    campaign_type = fields.Selection(related="collection_id.campaign_type")
    state = fields.Selection([("draft", "Draft"), ("created", "Created"), ("confirm", "Confirm"), ("queued", "Queued")],
                             default="draft", required=True)
    subject = fields.Char()  # required to create a campaign (the view's step); an existing one has its own
    preview_text = fields.Char()
    create_started = fields.Datetime(readonly=True, help="When Create last asked Mailchimp for the campaign.")
    title = fields.Char(help="The campaign's name in Mailchimp and in the statistics.")
    from_name = fields.Char()
    reply_to = fields.Char(string="Reply-to")
    content_mode = fields.Selection(
        [(CONTENT_MAILCHIMP, "Designed in Mailchimp"), (CONTENT_HTML, "HTML written in Odoo")],
        string="Content", default=CONTENT_HTML, required=True)
    body_html = fields.Html(string="Body", sanitize_style=True)
    campaign_id = fields.Many2one("mailchimp.campaign", readonly=True)
    editor_url = fields.Char(readonly=True)
    test_emails = fields.Char(help="Addresses the test goes to, separated by commas.")
    send_mode = fields.Selection([("now", "Send now"), ("schedule", "Schedule")], default="now", required=True)
    schedule_time = fields.Datetime(help="On the quarter-hour (:00, :15, :30, :45): Mailchimp's rule.")
    receiving_count = fields.Integer(readonly=True)
    recipient_count = fields.Integer(readonly=True)
    excluded_count = fields.Integer(readonly=True)
    exempt = fields.Boolean(readonly=True)
    check_summary = fields.Char(compute="_compute_check_summary",
                                help="Who receives the campaign, as the check counted it; after sending, who got it.")
    excluded_html = fields.Html(string="Excluded", readonly=True, sanitize=False)
    checklist_html = fields.Html(string="Send checklist", readonly=True, sanitize=False,
                                 help="Mailchimp's send checklist of the campaign, in its words.")
    operation_id = fields.Many2one("mailchimp.remote.operation", string="Remote operation", readonly=True,
                                   help="The last test, send or schedule asked for, as the journal has it.")
    operation_kind = fields.Selection(related="operation_id.kind", string="Operation")
    operation_state = fields.Selection(related="operation_id.state", string="Progress")
    operation_message = fields.Char(related="operation_id.message", string="Answer")

    @api.depends("collection_id", "campaign_id")
    def _compute_audience_id(self):
        for wizard in self:
            wizard.audience_id = wizard.collection_id.audience_id or wizard.campaign_id.audience_id

    @api.depends("state", "receiving_count", "recipient_count", "excluded_count", "exempt", "operation_id.kind",
                 "operation_id.state")
    def _compute_check_summary(self):
        for wizard in self:
            wizard.check_summary = wizard._summary() if wizard.state in ("confirm", "queued") else False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        campaign = self.env["mailchimp.campaign"].browse(self.env.context.get("mailchimp_campaign_id"))
        if campaign:  # opened from the campaign's form, at the test-and-send step
            values.update(campaign_id=campaign.id, collection_id=campaign.collection_id.id, state="created",
                          send_mode=self.env.context.get("mailchimp_send_mode") or "now",
                          subject=campaign.subject, from_name=campaign.from_name, reply_to=campaign.reply_to,
                          title=campaign.title, content_mode=campaign.content_mode)
            return values
        collection = self.env["mailchimp.collection"].browse(values.get("collection_id"))
        if collection:
            audience = collection.audience_id
            values.setdefault("subject", audience.campaign_subject or False)
            values.setdefault("from_name", audience.campaign_from_name or audience.account_id.campaign_from_name)
            values.setdefault("reply_to", audience.campaign_from_email or audience.account_id.campaign_from_email)
            values.setdefault("title", collection.description or collection.name)
        return values

    # ------------------------------------------------------------ steps

    def action_create_campaign(self):
        """Create the draft campaign in Mailchimp, to the collection's segment (made by its sync)."""
        self.ensure_one()
        backend = self._check_rights()
        collection = self.collection_id
        if not collection:
            raise UserError(self.env._("Choose the collection the campaign goes to."))
        if not (self.subject and self.from_name and self.reply_to):
            raise UserError(self.env._("Fill in the subject, the from name and the reply-to address."))
        if not collection.segment_id:
            raise UserError(self.env._(
                "The collection %s has no segment in Mailchimp yet: press “Sync collection” and create the campaign "
                "when the sync is done.", collection.name))
        audience = collection.audience_id
        body = {
            "type": "regular",
            "recipients": {"list_id": audience.mailchimp_id,
                           "segment_opts": {"saved_segment_id": int(collection.segment_id)}},
            "settings": draft_settings({name: self[name] for name in DRAFT_COLUMNS}),
        }
        with backend._user_errors():
            client = audience._client()
            remote = self._campaign_made_before(client, body) or self._create_remote_campaign(client, body)
            campaign = self.env["mailchimp.campaign"]._import_one(audience, remote["id"])
            campaign.with_context(**{FROM_MAILCHIMP: True}).write({
                "collection_id": collection.id, "content_mode": self.content_mode,
                "body_html": self.body_html if self.content_mode == CONTENT_HTML else False})
            campaign._push_draft(client, settings=False)
        self.write({"campaign_id": campaign.id, "state": "created", "editor_url": campaign._editor_url()})
        return self._reopen()

    def _create_remote_campaign(self, client, body):
        """``POST /campaigns`` is not idempotent: when it is made is committed first, so that a request Odoo runs
        again, or a second press after a failure further on, finds the campaign made instead of making another
        (:meth:`_campaign_made_before`)."""
        self.create_started = fields.Datetime.now()
        commit_if_allowed(self.env)
        return client.create_campaign(body)

    def _campaign_made_before(self, client, body):
        """The campaign an earlier try of this dialog's Create made in Mailchimp (its answer lost), or None."""
        if not self.create_started:
            return None
        documents = client.iter_campaigns(body["recipients"]["list_id"], status="save")
        return campaign_made_since(documents, self.create_started.replace(tzinfo=timezone.utc),
                                   title=body["settings"]["title"])

    def action_open_editor(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.editor_url or self.campaign_id._editor_url(),
                "target": "new"}

    def action_send_test(self):
        """Queue a test email to the addresses given; the dialog shows when it is sent."""
        self.ensure_one()
        self._check_rights()
        emails = [normalize_email(part) for part in (self.test_emails or "").split(",") if part.strip()]
        if not emails or None in emails:
            raise UserError(self.env._("Enter one or more valid addresses for the test, separated by commas."))
        self._queue_operation("test_send", {"emails": emails})
        return self._reopen()

    def action_check(self):
        """The confirmation step: Mailchimp's send checklist, who will receive it and who is excluded (marketing)."""
        self.ensure_one()
        self._check_rights()
        self.campaign_id._check_collection()
        self._check_schedule()
        checklist_html = self.campaign_id._send_checklist_html(self.campaign_id._send_checklist())
        check = self._recipient_check()
        self.write({"state": "confirm", "checklist_html": checklist_html, **self._check_display(check)})
        return self._reopen()

    def action_confirm(self):
        """Record the consent check's exclusions, then queue the send or schedule; the dialog shows its progress.

        Mailchimp's send checklist is read again first: an error item refuses here, nothing queued.

        A request Odoo runs again (after a concurrency error) or a second press finds the open
        operation and queues nothing new: the worker sends once.
        """
        self.ensure_one()
        self._check_rights()
        kind = "schedule" if self.send_mode == "schedule" else "send"
        operation = self.env["mailchimp.remote.operation"]._open_operation(kind, self.campaign_id)
        if not operation:
            self.campaign_id._check_collection()
            self._check_schedule()
            self.campaign_id._check_send_checklist()
            check = self._recipient_check()
            self.write(self._check_display(check))
            self.env["mailchimp.consent"]._record_exclusions(self.audience_id, check.excluded)
            self.env["mailchimp.campaign.exclusion"]._record(self.campaign_id, check.excluded)
            params = {"segment_id": self.collection_id.segment_id,
                      "excluded_emails": [recipient.email for recipient, _reason in check.excluded]}
            if kind == "schedule":
                params["schedule_time"] = self.schedule_time.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            operation = self._queue_operation(kind, params)
        self.write({"state": "queued", "operation_id": operation.id})
        return self._reopen()

    def action_refresh(self):
        """Show the operation's progress as it is now."""
        self.ensure_one()
        return self._reopen()

    # ------------------------------------------------------------ helpers

    def _check_rights(self):
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.collection_id.check_access("write")
        return backend

    def _queue_operation(self, kind, params):
        audience = self.audience_id
        operation = self.env["mailchimp.remote.operation"]._queue(kind, self.campaign_id, {
            "audience_id": audience.id, "campaign_id": self.campaign_id.id, "company_id": audience.company_id.id,
            "params": params})
        self.operation_id = operation
        return operation

    def _check_schedule(self):
        if self.send_mode != "schedule":
            return
        if not self.schedule_time:
            raise UserError(self.env._("Choose when to send the campaign."))
        problem = schedule_problem(self.schedule_time, fields.Datetime.now())
        if problem:
            raise UserError(mailchimp_messages.schedule_problem(self.env, problem))

    def _recipient_check(self):
        """The segment's members as Mailchimp has them, with what Odoo holds of their customers' consent."""
        collection = self.collection_id
        audience = collection.audience_id
        with self.env["mailchimp.backend"]._user_errors():
            members = list(audience._client().iter_segment_members(audience.mailchimp_id, collection.segment_id))
        bindings = self.env["mailchimp.member"].search(
            [("audience_id", "=", audience.id), ("partner_id", "in", collection._partners().ids)])
        partner_by_email = {(binding.email or "").lower(): binding.partner_id for binding in bindings}
        withdrawn = self.env["mailchimp.consent"]._withdrawn_partner_ids(audience, bindings.partner_id.ids)
        recipients = []
        for member in members:
            partner = partner_by_email.get(member["email_address"].lower())
            recipients.append(Recipient(
                email=member["email_address"], mailchimp_status=member.get("status"),
                partner_id=partner.id if partner else None, opted_in=bool(partner and partner.mailchimp_subscribe),
                blacklisted=bool(partner and partner.is_blacklisted),
                consent_withdrawn=bool(partner and partner.id in withdrawn)))
        return check_recipients(recipients, system=collection.campaign_type == "system")

    def _summary(self):
        """The check's numbers as what happened: “will receive” until Mailchimp sent it, then “sent to”."""
        counts = {"receiving": self.receiving_count, "total": self.recipient_count, "excluded": self.excluded_count}
        operation = self.operation_id
        if operation.kind == SEND and operation.state == DONE:
            summary = self.env._("Sent to %(receiving)s of %(total)s, %(excluded)s excluded", **counts)
        elif operation.kind in (SEND, SCHEDULE) and operation.state == FAILED:
            summary = self.env._("Not sent: %(receiving)s of %(total)s would have received it, %(excluded)s excluded",
                                 **counts)
        elif operation.kind == SCHEDULE and operation.state == DONE:
            summary = self.env._("Scheduled: %(receiving)s of %(total)s will receive it, %(excluded)s excluded",
                                 **counts)
        else:
            summary = self.env._("%(receiving)s of %(total)s will receive it, %(excluded)s excluded", **counts)
        if self.exempt:
            summary = self.env._("%s (system campaign: exempt from the consent check)", summary)
        return summary

    def _check_display(self, check):
        rows = Markup("").join(
            Markup("<li>%s — %s</li>") % (recipient.email,
                                         mailchimp_messages.exclusion(self.env, reasons, recipient.mailchimp_status))
            for recipient, reasons in check.excluded)
        return {"receiving_count": len(check.receiving), "recipient_count": check.total,
                "excluded_count": check.excluded_count, "exempt": check.exempt,
                "excluded_html": Markup("<ul>%s</ul>") % rows if rows else False}

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "views": [(False, "form")], "target": "new", "name": self.env._("New campaign")}
