"""The campaign form as a campaign's workspace: a draft picked up again whenever it is opened.

A manager edits a draft's subject, preview text, from name, reply-to and, when it is
written in Odoo, its HTML body; the edits are Odoo's until **Save to Mailchimp** pushes
them (``PATCH /campaigns/{id}`` for the settings, ``PUT /campaigns/{id}/content`` for
the body). Those two calls are idempotent — made again, they leave Mailchimp as once —
so they are made by the button, after the rights check, and never from ``write()``:
a request Odoo runs again repeats them harmlessly, a rolled-back save pushes nothing.
Until pushed, the campaign shows "not saved to Mailchimp yet" and the import keeps the
edits. Every Odoo-written body reaches Mailchimp through :meth:`_push_draft`, which adds
the footer Mailchimp requires (:mod:`..mailchimp_sync.campaign_content`).

Test, send and schedule open the dialog that created the campaign
(:mod:`..wizard.mailchimp_collection_campaign_wizard`), preset on this campaign: the
same consent check, the same journal of remote operations. Replicate is queued in the
journal too (:mod:`.mailchimp_campaign_replicate_operation`).
"""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..mailchimp_sync.campaign_content import FREE_PLAN, mailchimp_html
from ..mailchimp_sync.campaigns import draft_settings
from ..mailchimp_sync.eligibility import normalize_email
from .mailchimp_campaign import DRAFT_COLUMNS, FROM_MAILCHIMP

EDITOR_URL = "https://{dc}.admin.mailchimp.com/campaigns/edit?id={web_id}"
CONTENT_MAILCHIMP = "mailchimp"
CONTENT_HTML = "html"
DRAFT_STATUSES = ("save", "paused")
REPLICABLE_STATUSES = ("save", "sent")  # "Replicate a campaign in saved or send status" (API reference)
# A change to any of these is an edit Mailchimp does not have yet.
DRAFT_EDITS = (*DRAFT_COLUMNS, "content_mode", "body_html")


class MailchimpCampaign(models.Model):
    _inherit = "mailchimp.campaign"

    content_mode = fields.Selection(
        [(CONTENT_MAILCHIMP, "Designed in Mailchimp"), (CONTENT_HTML, "HTML written in Odoo")],
        string="Content", default=CONTENT_MAILCHIMP, required=True,
        help="Written in Odoo: the body below is what Mailchimp gets, with its required footer added when missing. "
             "Designed in Mailchimp: edit it in Mailchimp's editor; “Refresh content from Mailchimp” shows it here.")
    body_html = fields.Html(
        string="Body", sanitize_style=True,
        help="Mailchimp's required footer (unsubscribe link, the audience's postal address) is added when the body "
             "lacks it.")
    pending_push = fields.Boolean(
        string="Not saved to Mailchimp yet", readonly=True, copy=False,
        help="Settings or body edited in Odoo and not pushed yet: press “Save to Mailchimp”.")
    can_edit_draft = fields.Boolean(compute="_compute_can_edit_draft",
                                    help="A draft, and the user is a Mailchimp manager: its settings can be edited.")

    @api.depends("status")
    @api.depends_context("uid")
    def _compute_can_edit_draft(self):
        manager = self.env.user.has_group("mailchimp_sync.group_mailchimp_manager")
        for campaign in self:
            campaign.can_edit_draft = manager and campaign.status in DRAFT_STATUSES

    def write(self, vals):
        if not self.env.context.get(FROM_MAILCHIMP) and any(name in vals for name in DRAFT_EDITS):
            vals = {**vals, "pending_push": True}
        return super().write(vals)

    # ------------------------------------------------------------ actions

    def action_save_to_mailchimp(self):
        """Push the draft's settings (and its Odoo-written body) to Mailchimp."""
        self.ensure_one()
        backend = self._check_workspace_rights()
        self._check_draft()
        self._check_settings()
        with backend._user_errors():
            self._push_draft(self.audience_id._client())
        return backend._notification(self.env._("The draft is saved in Mailchimp."), reload=True)

    def action_open_mailchimp_editor(self):
        self.ensure_one()
        self._check_workspace_rights()
        return {"type": "ir.actions.act_url", "url": self._editor_url(), "target": "new"}

    def action_refresh_content(self):
        """Read the body as Mailchimp has it (designed in its editor); shown here, read-only."""
        self.ensure_one()
        backend = self._check_workspace_rights()
        with backend._user_errors():
            content = self.audience_id._client().get_campaign_content(self.mailchimp_id)
        self.with_context(**{FROM_MAILCHIMP: True}).write(
            {"body_html": content.get("html") or content.get("archive_html") or False,
             "content_mode": CONTENT_MAILCHIMP})
        return backend._notification(self.env._("Content read from Mailchimp."), reload=True)

    def action_send_test_dialog(self):
        return self._send_dialog("now", self.env._("Send a test"))

    def action_send_dialog(self):
        self._check_collection()
        return self._send_dialog("now", self.env._("Send the campaign"))

    def action_schedule_dialog(self):
        self._check_collection()
        return self._send_dialog("schedule", self.env._("Schedule the campaign"))

    # ------------------------------------------------------------ helpers

    def _check_workspace_rights(self):
        """Managers, on a campaign they may write; before any request."""
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("write")
        return backend

    def _check_draft(self):
        if self.status not in DRAFT_STATUSES:
            raise UserError(self.env._("Only a draft can be changed or sent from here; this campaign is “%s” in "
                                       "Mailchimp.", self._fields["status"].convert_to_export(self.status, self)))

    def _check_settings(self):
        missing = [self._fields[name].get_description(self.env)["string"]
                   for name in ("subject", "from_name", "reply_to") if not self[name]]
        if missing:
            raise UserError(self.env._("Fill in before saving to Mailchimp: %s.", ", ".join(missing)))
        if not normalize_email(self.reply_to):
            raise UserError(self.env._("The reply-to address “%s” is not a valid email address.", self.reply_to))

    def _check_collection(self):
        """Sending needs the consent check, and the check needs the collection the campaign goes to."""
        self.ensure_one()
        self._check_workspace_rights()
        self._check_draft()
        if not self.collection_id.segment_id:
            raise UserError(self.env._(
                "Odoo checks consent before sending only for a campaign to a collection's segment, and this one "
                "goes to none it knows. Create the campaign from a collection (“New campaign”), or replicate it "
                "and send it to a collection's segment."))

    def _send_dialog(self, send_mode, title):
        """The dialog that created campaigns, opened on this one at its test-and-send step; an edit not saved to
        Mailchimp yet is pushed first, so what is tested and sent is what the form shows."""
        self.ensure_one()
        backend = self._check_workspace_rights()
        self._check_draft()
        if self.pending_push:
            self._check_settings()
            with backend._user_errors():
                self._push_draft(self.audience_id._client())
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "mailchimp.collection.campaign.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            # not default_* keys: those would reach the records the dialog creates (the journal's operations)
            "context": {"mailchimp_campaign_id": self.id, "mailchimp_send_mode": send_mode},
        }

    def _editor_url(self):
        self.ensure_one()
        return EDITOR_URL.format(dc=self.audience_id._client().credentials.dc, web_id=self.web_id)

    def _push_draft(self, client, settings=True):
        """The one way a draft reaches Mailchimp: its settings (``settings``), then its Odoo-written body with
        Mailchimp's required footer added when missing. Both calls are idempotent."""
        self.ensure_one()
        if settings:
            client.update_campaign(self.mailchimp_id,
                                   {"settings": draft_settings({name: self[name] for name in DRAFT_COLUMNS})})
        if self.content_mode == CONTENT_HTML and not is_html_empty(self.body_html):
            free_plan = client.get_account().get("pricing_plan_type") == FREE_PLAN
            html = mailchimp_html(str(self.body_html), free_plan=free_plan,
                                  unsubscribe_label=self.env._("Unsubscribe"),
                                  address_label=self.env._("Our mailing address is:"))
            client.set_campaign_content(self.mailchimp_id, {"html": html})
        self.pending_push = False
