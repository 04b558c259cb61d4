"""The mass-change guard: a run that would unsubscribe or archive too many members holds them all back.

The rule (how many is too many, the causes grouped) is the core's :mod:`.mass_change`; here are the
account's setting, what the run and the audience say while removals wait, and the manager's word:

* a run whose removals are more than the account's share of the audience's subscribed members (and
  at least its minimum) makes none of them; new members and updates still go out. The run lists who
  would leave and why, grouped by cause, and the audience waits for a manager;
* while it waits, every later run holds its removals back too (the list follows what the run found);
  a run that finds none ends the wait;
* **Confirm** starts a run that makes the held removals (the other ones it finds are guarded again);
* **Cancel** removes nothing now: the next run holds the removals again while their cause stays.
"""
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..mailchimp_sync.const import (
    ARCHIVED,
    BLACKLISTED,
    DUPLICATE_EMAIL,
    INVALID_EMAIL,
    NO_EMAIL,
    NO_MAPPED_GROUP,
    NOT_OPTED_IN,
)
from ..mailchimp_sync.mass_change import (
    CUSTOMER_GONE,
    DEFAULT_MINIMUM,
    DEFAULT_SHARE_PERCENT,
    RemovalCause,
    group_by_cause,
    holds_back,
    removal_cause,
)
from ..mailchimp_sync.sync_plan import Push
from . import mailchimp_messages

HOLD_NONE = "none"
HOLD_WAITING = "waiting"
HOLD_CONFIRMED = "confirmed"


class MailchimpAccount(models.Model):
    _inherit = "mailchimp.account"

    mass_change_share = fields.Integer(
        string="Hold removals above (%)", default=DEFAULT_SHARE_PERCENT, required=True,
        help="A run that would unsubscribe or archive more than this share of an audience's subscribed members "
             "makes none of them until a manager confirms.")
    mass_change_minimum = fields.Integer(
        string="…and at least (members)", default=DEFAULT_MINIMUM, required=True,
        help="Fewer removals than this are never held back, whatever their share.")

    @api.constrains("mass_change_share", "mass_change_minimum")
    def _check_mass_change_guard(self):
        for account in self:
            if not 1 <= account.mass_change_share <= 100:
                raise ValidationError(self.env._("The share of removals to hold back must be between 1 and 100 %."))
            if account.mass_change_minimum < 0:
                raise ValidationError(self.env._("The least number of removals to hold back cannot be negative."))


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    mass_change_state = fields.Selection(
        [(HOLD_NONE, "No removals held"), (HOLD_WAITING, "Removals held, waiting for a manager"),
         (HOLD_CONFIRMED, "Removals confirmed, made by the next run")],
        string="Held removals", default=HOLD_NONE, required=True, readonly=True, copy=False)
    mass_change_run_id = fields.Many2one(
        "mailchimp.sync.run", string="Held by the run", readonly=True, copy=False, ondelete="set null")
    # Not prefetched: it may list thousands of members, and every delivery and run reads the audience's row.
    mass_change_member_ids = fields.Json(
        readonly=True, copy=False, prefetch=False, help="The members whose removal is held (or confirmed).")
    mass_change_count = fields.Integer(related="mass_change_run_id.held_count", string="Removals held")
    mass_change_summary = fields.Text(related="mass_change_run_id.held_summary", string="Who would leave, and why")

    # ------------------------------------------------------------ the manager's word

    def action_confirm_removals(self):
        """Button: the held unsubscribes and archives are wanted; the run it starts makes them."""
        self._check_mass_change_decision()
        run = self.mass_change_run_id
        self.write({"mass_change_state": HOLD_CONFIRMED})
        run.write({"held_decision": "confirmed", "held_decided_by": self.env.uid})
        self.action_sync_now()
        return self.env["mailchimp.backend"]._notification(
            self.env._("Confirmed: the sync that has started unsubscribes or archives the %s held members.",
                       run.held_count), title=self.env._("Removals confirmed"), reload=True)

    def action_cancel_removals(self):
        """Button: nothing is removed now; a later run holds the removals again while their cause stays."""
        self._check_mass_change_decision()
        self.mass_change_run_id.write({"held_decision": "cancelled", "held_decided_by": self.env.uid})
        self.write({"mass_change_state": HOLD_NONE, "mass_change_member_ids": False})
        return self.env["mailchimp.backend"]._notification(
            self.env._("Cancelled: nobody was removed. Fix the cause (e.g. link the tag to its group again): "
                       "until then, every sync holds these removals back again."),
            title=self.env._("Removals cancelled"), reload=True)

    def _check_mass_change_decision(self):
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        self.ensure_one()
        if self.mass_change_state != HOLD_WAITING:
            raise UserError(self.env._("No removals of the audience %s are waiting for a decision.", self.name))

    # ------------------------------------------------------------ the guard, at the end of a run

    def _mass_change_allowed(self, run, removals, subscribed, limited=False):
        """The member keys of ``removals`` (``[(push or archive, reason code)]``) the run may make now.

        Confirmed ones go; the others are held back when the audience already waits for a manager or
        when they are too many (:func:`holds_back`), and then listed on the run (and on the audience).
        A ``limited`` run (a collection's customers) sees part of the audience only: it lists what it
        holds on itself, and leaves the audience's decision alone unless nothing waited before.
        """
        self.ensure_one()
        state = self.mass_change_state
        confirmed = set(self.mass_change_member_ids or []) if state == HOLD_CONFIRMED else set()
        rest = [(item, reason) for item, reason in removals if item.member_key not in confirmed]
        account = self.account_id
        held = bool(rest) and (state == HOLD_WAITING or holds_back(
            len(rest), subscribed, account.mass_change_share, account.mass_change_minimum))
        if held:
            self._hold_removals(run, rest, remember=not limited or state == HOLD_NONE)
            return {item.member_key for item, _reason in removals if item.member_key in confirmed}
        if not limited and state != HOLD_NONE:
            self.write({"mass_change_state": HOLD_NONE, "mass_change_member_ids": False})
        return {item.member_key for item, _reason in removals}

    def _hold_removals(self, run, removals, remember=True):
        partner_ids = {item.partner_id for item, _reason in removals if item.partner_id}
        partners = self.env["res.partner"].sudo().with_context(active_test=False).browse(list(partner_ids))
        tags = {partner.id: partner.category_id.mapped("name") for partner in partners}
        causes = [removal_cause(reason, item.partner_id, tags.get(item.partner_id, ())) for item, reason in removals]
        grouped = [[cause.reason, list(cause.tags), count] for cause, count in group_by_cause(causes)]
        run._add_lines([{
            "kind": "held", "partner_id": item.partner_id, "email": item.email,
            "message": self.env._("Would be unsubscribed: %s", self._cause_text(cause)) if isinstance(item, Push)
            else self.env._("Would be archived: %s", self._cause_text(cause)),
        } for (item, _reason), cause in zip(removals, causes)])
        run.write({"held_count": len(removals), "held_by_cause": grouped, "held_decision": "waiting"})
        if remember:
            (self.mass_change_run_id - run).filtered(lambda earlier: earlier.held_decision == "waiting").write(
                {"held_decision": "superseded"})
            self.write({"mass_change_state": HOLD_WAITING, "mass_change_run_id": run.id,
                        "mass_change_member_ids": [item.member_key for item, _reason in removals]})

    def _cause_text(self, cause):
        """A removal's cause in the user's words, e.g. “tag Retail no longer linked to a group”."""
        if cause.reason == NO_MAPPED_GROUP:
            if not cause.tags:
                return self.env._("no tag linked to a group (the customer has no tag)")
            if len(cause.tags) == 1:
                return self.env._("tag %s no longer linked to a group", cause.tags[0])
            return self.env._("tags %s: none linked to a group any more", ", ".join(cause.tags))
        words = {
            NOT_OPTED_IN: self.env._("subscription box unticked"),
            ARCHIVED: self.env._("customer archived"),
            CUSTOMER_GONE: self.env._("customer deleted or moved to another company"),
            BLACKLISTED: self.env._("email blacklisted in Odoo"),
            NO_EMAIL: self.env._("email removed"),
            INVALID_EMAIL: self.env._("no valid email address"),
            DUPLICATE_EMAIL: self.env._("another customer with the same email is synced instead"),
        }
        return words.get(cause.reason) or mailchimp_messages.not_synced(self.env, [cause.reason])


class MailchimpSyncRun(models.Model):
    _inherit = "mailchimp.sync.run"

    held_count = fields.Integer(string="Removals held back")
    held_by_cause = fields.Json(
        default=list, help="[[reason code, tags, count]] of the removals held back, most common first.")
    held_summary = fields.Text(string="Held back by cause", compute="_compute_held_summary")
    held_decision = fields.Selection(
        [("waiting", "Waiting for a manager"), ("superseded", "Held again by a later run"),
         ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        string="Decision on the held removals", readonly=True)
    held_decided_by = fields.Many2one("res.users", string="Decided by", readonly=True)
    held_line_ids = fields.One2many(
        "mailchimp.sync.run.line", "run_id", string="Held back", domain=[("kind", "=", "held")])

    @api.depends("held_by_cause")
    def _compute_held_summary(self):
        for run in self:
            run.held_summary = "\n".join(
                f"{run.audience_id._cause_text(RemovalCause(reason, tuple(tags)))}: {count}"
                for reason, tags, count in run.held_by_cause or [])

    def _report_wanted(self):
        return bool(self.held_count) or super()._report_wanted()


class MailchimpSyncRunLine(models.Model):
    _inherit = "mailchimp.sync.run.line"

    kind = fields.Selection(selection_add=[("held", "Held back")], ondelete={"held": "cascade"})
