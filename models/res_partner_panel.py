"""The customer's Mailchimp panel (the ``mailchimp_panel`` widget of the partner form) and its dialog.

For Mailchimp users only: every method checks the group and the customer's
access before its first request to Mailchimp. The panel reads the current
company's account only; what it shows comes from the core's
:func:`~..mailchimp_sync.panel.address_panel`, cached by
``mailchimp.panel.cache``.

The dialog's **Save changes** applies each changed box at once
(:func:`~..mailchimp_sync.sync_plan.manual_subscription_status`: who
unsubscribed is asked to confirm, ``pending``), then hands Mailchimp's answer,
as a :class:`~..mailchimp_sync.inbound.RemoteChange` of source "dialog" with
the user as author, to the function that applies every remote change
(``mailchimp.audience._apply_remote_changes``): the member binding takes
Mailchimp's answer, the box follows whether any audience still has the
customer, a subscriber gets the audience's sign-up tag, the chatter says who
did what, and the binding stores the customer's item hash so that the next
run sends nothing back (no echo).
"""
import json

from odoo import fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.const import STATUS_PENDING, STATUS_SUBSCRIBED, STATUS_UNSUBSCRIBED
from ..mailchimp_sync.duplicates import email_key
from ..mailchimp_sync.eligibility import normalize_email
from ..mailchimp_sync.errors import MailchimpComplianceError, MailchimpError, MailchimpForgottenError
from ..mailchimp_sync.gdpr import SOURCE_DIALOG
from ..mailchimp_sync.inbound import change_from_answer
from ..mailchimp_sync.panel import panel_addresses, status_class, subscription_changes
from ..mailchimp_sync.remote_operations import DIALOG_CHANGE, DONE, FAILED
from ..mailchimp_sync.sync_plan import (
    REFUSED_CLEANED,
    manual_subscription_fallback,
    manual_subscription_status,
)
from . import mailchimp_messages
from .mailchimp_inbound import REMOTE_CONTEXT

GROUP_USER = "mailchimp_sync.group_mailchimp_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    mailchimp_audience_count = fields.Integer(
        string="Audiences", compute="_compute_mailchimp_audience_count", groups=GROUP_USER,
        help="Audiences one of the customer's addresses (or its contacts') is subscribed to: as the panel last read "
             "them from Mailchimp, else as the members Odoo knows say.")

    def _compute_mailchimp_audience_count(self):
        account = self.env["mailchimp.account"]._for_company()
        Cache = self.env["mailchimp.panel.cache"].sudo()
        for partner in self:
            keys = [address.key for address in partner._mailchimp_panel_addresses()] if partner.id else []
            cached = Cache.search([("account_id", "=", account.id), ("email", "in", keys)])
            audiences = {row["list_id"] for entry in cached for row in json.loads(entry.data)["audiences"]
                         if row["status"] == STATUS_SUBSCRIBED}
            known = self.env["mailchimp.member"].search([
                ("partner_id", "in", (partner | partner.child_ids).ids), ("status", "=", STATUS_SUBSCRIBED),
                ("email", "!=", False)])
            audiences.update(member.audience_id.mailchimp_id for member in known
                             if email_key(member.email) not in cached.mapped("email"))
            partner.mailchimp_audience_count = len(audiences)

    def action_view_mailchimp_audiences(self):
        """Smart button: the customer's (and its contacts') members, one per audience and address."""
        self.ensure_one()
        self._mailchimp_panel_check()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailchimp audiences of %s", self.display_name),
            "res_model": "mailchimp.member",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("partner_id", "in", (self | self.child_ids).ids)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------ the panel

    def mailchimp_panel(self, email=None, refresh=False):
        """The panel: the customer's addresses and what Mailchimp says of one (the first by default).

        ``refresh`` reads Mailchimp even when the cached answer is recent (the refresh icon).
        Never raises for Mailchimp's sake: when it cannot answer, the last known data comes
        with “Mailchimp unreachable: shown as of …”.
        """
        self.ensure_one()
        self._mailchimp_panel_check()
        addresses = self._mailchimp_panel_addresses()
        answer = self._panel_answer(addresses)
        if not addresses:
            return answer
        address = self._mailchimp_panel_address(addresses, email, fallback=True)
        answer["selected"] = address.email
        account = self.env["mailchimp.account"]._for_company()
        if not account.is_connected:
            answer["message"] = self.env._("Mailchimp is not connected: an administrator connects it in the settings.")
            return answer
        answer.update(self.env["mailchimp.panel.cache"]._panel_for(account, address.email, refresh=refresh))
        return self._mailchimp_panel_mark_erased(answer, address.partner_id)

    def mailchimp_panel_save(self, email, original, wanted):
        """**Save changes** of the dialog: apply, at once, only the audiences whose box differs from ``original``.

        ``original`` and ``wanted`` map Mailchimp list ids to ticked or not. Returns
        ``{results: [{list_id, name, status, css, message, error}], panel: <the panel, read again>}``.
        One audience's refusal does not stop the others.
        """
        self.ensure_one()
        self._mailchimp_panel_check()
        address = self._mailchimp_panel_address(self._mailchimp_panel_addresses(), email)
        owner = self.browse(address.partner_id)
        (self | owner).check_access("write")
        account = self.env["mailchimp.account"]._for_company()
        audiences = {audience.mailchimp_id: audience
                     for audience in self.env["mailchimp.audience"].search([("account_id", "=", account.id)])}
        changes = subscription_changes(dict(original or {}), dict(wanted or {}))
        unknown = [list_id for list_id, _subscribe in changes if list_id not in audiences]
        if unknown:
            raise UserError(self.env._("Unknown Mailchimp audience: %s. Reload the page.", ", ".join(unknown)))
        if not changes:
            return {"results": [], "panel": self.mailchimp_panel(address.email)}
        with self.env["mailchimp.backend"]._user_errors():
            client = account._client()
        results = []
        for list_id, subscribe in changes:
            result = self._mailchimp_panel_apply(client, audiences[list_id], address.email, owner, subscribe)
            self._mailchimp_panel_journal(audiences[list_id], address.email, owner, subscribe, result)
            results.append(result)
        self.env["mailchimp.panel.cache"]._forget(account, address.email)
        return {"results": results, "panel": self.mailchimp_panel(address.email)}

    def _mailchimp_panel_check(self):
        """Mailchimp users who may read the customer; checked before any request to Mailchimp."""
        self.env["mailchimp.backend"]._check_group(
            GROUP_USER, self.env._("Only Mailchimp users may see or change a customer's Mailchimp subscriptions."))
        self.check_access("read")

    def _mailchimp_panel_addresses(self):
        """The customer's addresses (its field may hold several) and those of its contacts."""
        contacts = [(contact.id, contact.name, contact.email) for contact in self.child_ids if contact.email]
        return panel_addresses(self.id, self.name, self.email, contacts)

    def _panel_answer(self, addresses):
        """A provider's answer before it is asked anything: the address tabs, nothing selected or known yet."""
        return {
            "addresses": [{"email": address.email, "partner_name": address.partner_name,
                           "own": address.partner_id == self.id} for address in addresses],
            "selected": False, "panel": None, "fetched_at": False, "stale": False, "message": False,
        }

    def _mailchimp_panel_address(self, addresses, email, fallback=False):
        """The address ``email`` among the customer's; the first one when none is asked for (or, with
        ``fallback``, when the asked one is not the customer's any more: its email was just edited)."""
        for address in addresses:
            if email and address.key == email_key(email):
                return address
        if not email or fallback:
            return addresses[0]
        raise UserError(self.env._("%s is not an address of this customer or of its contacts.", email))

    # ------------------------------------------------------------ one change

    def _mailchimp_panel_apply(self, client, audience, email, owner, subscribe):
        """Tick or untick ``audience`` for ``email`` in Mailchimp, then in Odoo; a result row, never an exception."""
        result = {"list_id": audience.mailchimp_id, "name": audience.name, "error": False, "message": False}
        try:
            current = client.find_member(audience.mailchimp_id, email)
            status = manual_subscription_status(current and current.get("status"), subscribe, audience.double_optin)
        except MailchimpError as error:
            return {**result, "error": mailchimp_messages.error_text(self.env, error)}
        except ValueError as refused:
            return {**result, "error": self._mailchimp_refusal(mailchimp_messages.error_text(self.env, refused), email)}
        if status is None:
            unchanged = current and current.get("status")
            return {**result, "status": unchanged, "css": status_class(unchanged)}
        try:
            with self.env.cr.savepoint():
                answer = self._mailchimp_panel_write(client, audience.sudo(), email, owner, status)
        except MailchimpForgottenError:
            return {**result, "error": mailchimp_messages.say(self.env, mailchimp_messages.FORGOTTEN, email=email)}
        except MailchimpError as error:
            return {**result, "error": mailchimp_messages.error_text(self.env, error)}
        status = answer.get("status")
        message = False
        if status == STATUS_PENDING:
            message = self.env._("Waiting for confirmation: Mailchimp emailed %s, who must confirm to be subscribed.",
                                 email)
        return {**result, "status": status, "css": status_class(status), "message": message}

    def _mailchimp_panel_journal(self, audience, email, owner, subscribe, result):
        """Journal one change of the dialog: an upsert, made at once (idempotent), recorded in a transaction of
        its own so that the request's rollback keeps it (Mailchimp does not roll back)."""
        if result["error"]:
            state, answer = FAILED, result["error"]
        else:
            labels = dict(self.env["mailchimp.member"]._fields["status"]._description_selection(self.env))
            status = labels.get(result["status"], result["status"]) or self.env._("not in the audience")
            state = DONE
            answer = self.env._("Mailchimp: %s.", status) if not result["message"] else self.env._(
                "Mailchimp: %(status)s. %(message)s", status=status, message=result["message"])
        self.env["mailchimp.remote.operation"]._record_kept_on_rollback(DIALOG_CHANGE, {
            "audience_id": audience.id, "company_id": audience.company_id.id, "email": email,
            "partner_id": owner.id, "params": {"subscribe": subscribe}}, state, answer)

    def _mailchimp_panel_write(self, client, audience, email, owner, status):
        """Send ``status``, then let Odoo follow Mailchimp's answer as it follows every remote change
        (``mailchimp.audience._apply_remote_change``: binding, box, tags, consent, note, item hash).

        A subscriber first gets the audience's sign-up tag and the box, so that the item sent is
        the one the sync would send (no echo).
        """
        partner = owner.sudo().with_context(**REMOTE_CONTEXT)
        engine = audience._item_engine()
        tag_notes = []
        if status != STATUS_UNSUBSCRIBED:
            tag_notes = audience._ensure_signup_tag(partner, engine.interest_by_tag)
            partner.write({"mailchimp_subscribe": True, "mailchimp_subscribe_date": fields.Datetime.now()})
        answer = self._mailchimp_panel_upsert(client, audience, email, partner, engine, status)
        audience._apply_remote_change(change_from_answer(answer, email, partner.id), SOURCE_DIALOG, engine=engine,
                                      note="; ".join(tag_notes) or None, author=self.env.user, noted_on=self)
        return answer

    def _mailchimp_panel_upsert(self, client, audience, email, partner, engine, status):
        """Mailchimp's answer to ``status`` (with the customer's whole item when it is synced under this address);
        a subscription Mailchimp refuses for its compliance rule is asked again as ``pending``."""
        item = audience._current_item(engine, partner) if status != STATUS_UNSUBSCRIBED else None
        if item is not None and email_key(item.payload["email_address"]) != email_key(email):
            item = None
        body = item.payload if item else {"email_address": normalize_email(email) or email}
        try:
            return client.upsert_member(audience.mailchimp_id, email, {**body, "status": status,
                                                                       "status_if_new": status})
        except MailchimpComplianceError:
            fallback = manual_subscription_fallback(status)
            if not fallback:
                raise
            return client.upsert_member(audience.mailchimp_id, email, {**body, "status": fallback,
                                                                       "status_if_new": fallback})

    def _mailchimp_refusal(self, reason, email):
        if reason == REFUSED_CLEANED:
            return self.env._("%s bounced and was cleaned in Mailchimp: it cannot be subscribed again.", email)
        return self.env._("%s was deleted permanently from Mailchimp: only the contact can sign up again.", email)
