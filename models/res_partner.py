from odoo import api, fields, models, tools
from odoo.exceptions import MissingError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..mailchimp_sync.const import (
    RESUBSCRIBED_BY_CONTACT_ONLY,
    STATUS_ARCHIVED,
    STATUS_DELETED,
    STATUS_PENDING,
    STATUS_SUBSCRIBED,
)
from ..mailchimp_sync.duplicates import explain_shared_address
from ..mailchimp_sync.eligibility import check_eligibility, email_key, field_addresses
from ..mailchimp_sync.gdpr import CONSENT_GIVEN, CONSENT_WITHDRAWN
from ..mailchimp_sync.member_payload import PartnerData
from . import mailchimp_messages

FILL_BATCH = 10_000  # customers per UPDATE when the email identity is filled on upgrade

# The customer's own fields a member item or the run's choice of candidates reads (``_mailchimp_partner_data``,
# the representatives of a company, the candidates' SQL); the fields mapped to merge tags or representative
# columns are added from the mappings, and what computed ones depend on from Odoo's dependencies
# (:meth:`ResPartner._mailchimp_watched_fields`).
ITEM_FIELDS = (
    "name", "email", "phone", "mobile", "country_id", "lang", "is_company", "active", "is_blacklisted",
    "category_id", "mailchimp_subscribe", "company_id", "parent_id", "type", "mailchimp_email_key",
    "firstname", "lastname",
)

# The res_partner columns :meth:`ResPartner._mailchimp_partners_data` reads.
PARTNER_DATA_COLUMNS = ("email", "email_normalized", "name", "is_company", "phone", "mobile", "country_id", "lang",
                        "mailchimp_subscribe", "active", "category_id")


def _orm_char(value):
    """A text column's value as the ORM gives it (False for NULL)."""
    return False if value is None else value


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Not precomputed: computed after the INSERT, in the UPDATE of Odoo's own recomputed fields (a precomputed
    # field has Odoo build a draft record of every customer before its INSERT).
    mailchimp_email_key = fields.Char(
        string="Email identity", compute="_compute_mailchimp_email_key", store=True, index=True,
        help="The address as Mailchimp identifies it (ASCII domain, lower-cased): customers, members and "
             "deliveries from Mailchimp are matched on it.")
    mailchimp_subscribe = fields.Boolean(
        string="Mailchimp subscription", tracking=True,
        help="Tick to keep this customer subscribed to the Mailchimp audience of its groups.")
    mailchimp_subscribe_date = fields.Datetime(
        string="Mailchimp subscription changed", readonly=True, copy=False,
        help="When the box last changed; Mailchimp's own later changes win over older ones.")
    mailchimp_member_ids = fields.One2many(
        "mailchimp.member", "partner_id", string="Mailchimp members", groups="mailchimp_sync.group_mailchimp_user")
    mailchimp_sync_state = fields.Char(
        string="Mailchimp sync", compute="_compute_mailchimp_sync_state",
        groups="mailchimp_sync.group_mailchimp_user")

    @api.depends("email")
    def _compute_mailchimp_email_key(self):
        for partner in self:
            partner.mailchimp_email_key = email_key(partner.email)

    @api.model
    def _mailchimp_fill_email_keys(self, batch_size=FILL_BATCH):
        """Fill the email identity of every customer (the upgrade that adds it), a batch at a time.

        Straight in SQL, keyset-paged: a large table is never held in memory or in the ORM's cache.
        """
        self.flush_model(["email"])
        cr, last = self.env.cr, 0
        while True:
            cr.execute(SQL("SELECT id, email FROM res_partner WHERE id > %s ORDER BY id LIMIT %s", last, batch_size))
            rows = cr.fetchall()
            if not rows:
                break
            keys = SQL(", ").join(SQL("(%s::int, %s::varchar)", partner_id, email_key(email))
                                  for partner_id, email in rows)
            cr.execute(SQL("""UPDATE res_partner AS partner SET mailchimp_email_key = filled.key
                                FROM (VALUES %s) AS filled(id, key)
                               WHERE partner.id = filled.id""", keys))
            last = rows[-1][0]
        self.invalidate_model(["mailchimp_email_key"])

    @api.depends("email", "active", "is_blacklisted", "mailchimp_subscribe", "category_id.mailchimp_interest_id",
                 "mailchimp_member_ids.status", "mailchimp_member_ids.need_sync", "mailchimp_member_ids.last_error",
                 "mailchimp_member_ids.error_hash", "mailchimp_member_ids.left_by_odoo",
                 "mailchimp_member_ids.last_changed", "mailchimp_member_ids.unsubscribe_reason")
    def _compute_mailchimp_sync_state(self):
        words = mailchimp_messages.skip_reasons(self.env)
        for partner in self:
            partner = partner.sudo()
            data = partner._mailchimp_partner_data()
            eligibility = check_eligibility(data)
            if STATUS_DELETED in partner.mailchimp_member_ids.mapped("status"):
                state = partner._mailchimp_member_state()
            elif not eligibility.eligible:
                state = mailchimp_messages.not_synced(self.env, eligibility.reasons, words)
            else:
                state = partner._mailchimp_duplicate_state(data) or partner._mailchimp_member_state()
                state = partner._mailchimp_with_first_address(state)
            partner.mailchimp_sync_state = state

    def _mailchimp_with_first_address(self, state):
        """``state``, and which address is synced when the email field holds several (the core's rule)."""
        addresses = field_addresses(self.email)
        if len(addresses) < 2:
            return state
        return self.env._("%(state)s — with %(email)s, the first of %(count)s addresses",
                          state=state, email=addresses[0], count=len(addresses))

    def _mailchimp_duplicate_state(self, data):
        """“Not synced: same email as …” when another eligible customer keeps this address (core rule).

        It comes before the customer's own members: a member left from before the duplicate
        appeared is not what the customer has in Mailchimp any more.
        """
        key = self.mailchimp_email_key
        if not key:
            return None
        others = self._mailchimp_address_sharers([key], exclude_ids=self._origin.ids).get(key, [])
        owner = explain_shared_address(key, [data, *others]).kept_partner_id
        if owner in (None, self.id):
            return None
        return self.env._("Not synced: same email as %s", self.browse(owner).display_name)

    @api.model
    def _mailchimp_address_sharers(self, keys, company=None, exclude_ids=()):
        """The core's view of every customer (archived ones too) whose address is one of ``keys``, by key.

        ``company``: only its customers and those of no company (the customers its audiences sync), with
        the groups of its audiences; None: every customer, with the groups of any audience (the form).
        The core's :func:`explain_shared_address` then says who keeps each address.
        """
        domain = [("mailchimp_email_key", "in", list(keys)), ("id", "not in", list(exclude_ids))]
        interest_by_tag = None
        if company is not None:
            domain.append(("company_id", "in", [False, company.id]))
            interest_by_tag = {}
            for audience in self.env["mailchimp.audience"].sudo().search([("company_id", "=", company.id)]):
                interest_by_tag.update(audience._mapped_tags())
        sharers = {}
        for partner in self.sudo().with_context(active_test=False).search(domain, order="id"):
            sharers.setdefault(partner.mailchimp_email_key, []).append(
                partner._mailchimp_partner_data(interest_by_tag))
        return sharers

    def _mailchimp_member_state(self):
        """The state of an eligible customer's members, as the partner form says it.

        A member Mailchimp refused (its last item rejected and nothing accepted since) says so
        with Mailchimp's reason: the run does not send the same item again, so “Waiting for the
        next sync” would never end.
        """
        members = self.mailchimp_member_ids
        gone = members.filtered(
            lambda member: member.status in RESUBSCRIBED_BY_CONTACT_ONLY and not member.left_by_odoo)
        if gone:
            if gone[0].status == STATUS_DELETED:
                return self.env._("Not synced: deleted permanently from Mailchimp; only the contact can sign up again")
            return gone[0]._mailchimp_left_state() or self.env._(
                "Not synced: %s in Mailchimp; only the contact can subscribe again", gone[0].status)
        archived = members.filtered(lambda member: member.status == STATUS_ARCHIVED and not member.left_by_odoo)
        if archived:
            return self.env._("Not synced: archived in Mailchimp on %(date)s; Odoo does not add it back (add the "
                              "contact again in Mailchimp to sync it)",
                              date=format_date(self.env, archived[0].last_changed) if archived[0].last_changed
                              else self.env._("an unknown date"))
        refused = members.filtered(lambda member: member.last_error and (member.error_hash or not member.need_sync))
        if refused:
            member = refused[0]
            if member.need_sync:
                return self.env._("Not synced: Mailchimp refused it: %s (the next sync sends the changes made since)",
                                  _one_sentence(self.env, member.last_error))
            return self.env._("Not synced: Mailchimp refused it: %s", _one_sentence(self.env, member.last_error))
        if members.filtered(lambda member: member.status == STATUS_PENDING and not member.need_sync):
            return self.env._("Waiting for the contact to confirm: Mailchimp sent them a confirmation email")
        if members and not members.filtered("need_sync") and set(members.mapped("status")) == {STATUS_SUBSCRIBED}:
            return self.env._("Synced to Mailchimp")
        if members.filtered("left_by_odoo"):
            return self.env._("Waiting for the next sync, which subscribes it again (Odoo had unsubscribed it)")
        return self.env._("Waiting for the next sync")

    def _mailchimp_partner_data(self, interest_by_tag=None, representatives=()):
        """The core's view of this customer; ``interest_by_tag`` limits groups to one audience."""
        self.ensure_one()
        if interest_by_tag is None:
            # A group deleted in Mailchimp (inactive until the next refresh unlinks its tags) counts for nothing.
            interest_ids = frozenset(self.category_id.mailchimp_interest_id.filtered("active").mapped("mailchimp_id"))
        else:
            interest_ids = frozenset(
                interest_by_tag[tag_id] for tag_id in self.category_id.ids if tag_id in interest_by_tag)
        return PartnerData(
            partner_id=self.id,
            email=self.email,
            name=self.name or "",
            is_company=self.is_company,
            phone=self.phone,
            mobile=self.mobile,
            country_code=self.country_id.code or None,
            lang=self.lang,
            opted_in=self.mailchimp_subscribe,
            active=self.active,
            blacklisted=self.is_blacklisted,
            tag_interest_ids=interest_ids,
            representatives=representatives,
        )

    @api.model
    def _mailchimp_partners_data(self, partner_ids, interest_by_tag, extra=None):
        """The core's view of these customers (archived ones too), in their order, read in one query.

        What :meth:`_mailchimp_partner_data` gives each of them (``interest_by_tag`` limits groups to one
        audience), without the ORM's per-record cost: a run reads every candidate. ``is_blacklisted`` is
        Odoo's rule in SQL (the normalized address on the active blacklist). ``extra``: ``{partner id:
        {PartnerData field: value}}`` the caller read (representatives, mapped fields, consents).
        """
        extra = extra or {}
        relation = self._fields["category_id"]
        self.flush_model([name for name in PARTNER_DATA_COLUMNS if name in self._fields])
        self.env["res.country"].flush_model(["code"])
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env.cr.execute(SQL(
            """SELECT p.id, p.email, p.name, p.is_company, p.phone, %s, c.code, p.lang, p.mailchimp_subscribe,
                      p.active,
                      EXISTS (SELECT 1 FROM mail_blacklist b WHERE b.email = p.email_normalized AND b.active),
                      ARRAY (SELECT tag.%s FROM %s tag WHERE tag.%s = p.id AND tag.%s = ANY(%s))
                 FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id
                WHERE p.id = ANY(%s)""",
            SQL("p.mobile") if "mobile" in self._fields else SQL("NULL"),
            SQL.identifier(relation.column2), SQL.identifier(relation.relation), SQL.identifier(relation.column1),
            SQL.identifier(relation.column2), list(interest_by_tag), list(partner_ids),
        ))
        by_id = {}
        for (partner_id, email, name, is_company, phone, mobile, country_code, lang, opted_in, active, blacklisted,
             tag_ids) in self.env.cr.fetchall():
            by_id[partner_id] = PartnerData(
                partner_id=partner_id,
                email=_orm_char(email),
                name=name or "",
                is_company=bool(is_company),
                phone=_orm_char(phone),
                mobile=_orm_char(mobile),
                country_code=country_code or None,
                lang=_orm_char(lang),
                opted_in=bool(opted_in),
                active=bool(active),
                blacklisted=blacklisted,
                tag_interest_ids=frozenset(interest_by_tag[tag_id] for tag_id in tag_ids),
                **extra.get(partner_id, {}),
            )
        missing = [partner_id for partner_id in partner_ids if partner_id not in by_id]
        if missing:
            raise MissingError(self.env._("Customers %s do not exist any more.", missing))
        return [by_id[partner_id] for partner_id in partner_ids]

    @api.model_create_multi
    def create(self, vals_list):
        """The one create path of the Mailchimp side, in this order: the company's members marked dirty,
        then the ticked boxes recorded as consent (not for customers Mailchimp brought)."""
        partners = super().create(vals_list)
        (partners | partners.parent_id)._mailchimp_mark_dirty()
        if not self.env.context.get("mailchimp_from_remote"):
            partners.filtered("mailchimp_subscribe")._mailchimp_record_box(CONSENT_GIVEN)
        return partners

    def write(self, vals):
        """The one write path of the Mailchimp side of a customer; its steps run in this order:

        1. a user's change of the box is dated (Mailchimp's own later changes win over older ones),
           and the customers whose box it changes are noted;
        2. the write;
        3. the customer (and its companies, before and after, and whoever shares its address, before and
           after) are marked dirty when a field its member item reads changed
           (:meth:`_mailchimp_watched_fields`): the sync run pushes them, never ``write()``;
        4. the box's change is recorded as consent given or withdrawn (GDPR);
        5. a new address gets the campaign activity recorded for it before it was a customer's.

        What Mailchimp itself changed (context ``mailchimp_from_remote``) skips 1, 3 and 4: pushing
        it back would be an echo at best and undo a newer change at worst, and the inbound path
        records its consent where it applies the change.
        """
        from_remote = self.env.context.get("mailchimp_from_remote")
        box_changed = self.browse()
        if "mailchimp_subscribe" in vals and not from_remote:
            ticked = bool(vals["mailchimp_subscribe"])
            vals = {**vals, "mailchimp_subscribe_date": fields.Datetime.now()}
            box_changed = self.filtered(lambda partner: partner.mailchimp_subscribe != ticked)
        marks = not from_remote and bool(self._mailchimp_watched_fields().intersection(vals))
        parents_before = self.parent_id if marks else self.browse()
        keys_before = self.mapped("mailchimp_email_key") if marks and "email" in vals else []
        result = super().write(vals)
        if marks:
            (self | self.parent_id | parents_before)._mailchimp_mark_dirty(keys_before)
        if box_changed:
            box_changed._mailchimp_record_box(CONSENT_GIVEN if ticked else CONSENT_WITHDRAWN)
        if vals.get("email"):
            self._mailchimp_link_campaign_activity()
        return result

    def _write_multi(self, vals_list):
        """The ORM's lowest write, also of stored computed and related fields recomputed because something
        elsewhere changed (a company's name, a country…): a recomputed field a member item reads marks the
        customer and its company. Direct writes are marked by :meth:`write`. While modules are installed or
        upgraded nothing is marked here (the add-on's tables may not exist yet; the audit is the safety net)."""
        super()._write_multi(vals_list)  # Odoo's returns nothing
        if not self.pool.ready:
            return
        computed = self._mailchimp_watched_computed_fields()
        changed = [partner.id for partner, vals in zip(self, vals_list) if computed.intersection(vals)]
        if changed:
            self.env["mailchimp.member"]._mark_dirty(changed, need_sync=False, flush=False, parents=True)

    def unlink(self):
        """The members stay (without customer) so that the next run archives them in Mailchimp."""
        self.sudo().with_context(active_test=False).mailchimp_member_ids.write({"need_sync": True})
        parents = self.parent_id
        keys = self.mapped("mailchimp_email_key")
        result = super().unlink()
        parents.exists()._mailchimp_mark_dirty(keys)
        return result

    @api.model
    @tools.ormcache()
    def _mailchimp_watched_fields(self):
        """The customer fields a member item reads: :data:`ITEM_FIELDS`, the fields any audience maps to merge
        tags or representative columns, and, for computed ones, the customer's fields they depend on (Odoo's
        own dependencies, followed to the end). Cached; the mappings clear the cache when they change."""
        names = {name for name in ITEM_FIELDS if name in self._fields}
        merges = self.env["mailchimp.field.merge"].sudo().with_context(active_test=False)
        names |= set(merges.search([]).mapped("field_name"))  # pylint: disable=no-search-all  # a few mappings
        names |= self.env["mailchimp.representative.field"].sudo()._used_field_names()
        todo = [name for name in names if name in self._fields]
        names = set(todo)
        while todo:
            for path in self.pool.field_depends[self._fields[todo.pop()]]:
                first = path.split(".", 1)[0]
                if first in self._fields and first not in names:
                    names.add(first)
                    todo.append(first)
        return frozenset(names)

    @api.model
    def _mailchimp_watched_computed_fields(self):
        return frozenset(name for name in self._mailchimp_watched_fields()
                         if self._fields[name].compute and self._fields[name].store)

    def _mailchimp_mark_dirty(self, email_keys=()):
        """Mark these customers for the next run of every audience (``mailchimp.member._mark_dirty``)."""
        self.env["mailchimp.member"]._mark_dirty(self.ids, email_keys)

    def action_mailchimp_subscribe(self):
        """List action: tick the subscription box of the selected customers (no call to Mailchimp)."""
        self.write({"mailchimp_subscribe": True})

    def action_mailchimp_unsubscribe(self):
        """List action: untick the subscription box of the selected customers."""
        self.write({"mailchimp_subscribe": False})


# What the run stores before Mailchimp's own words (``batch_result.error_message``): the form says it itself.
_REFUSAL_PREFIX = "Mailchimp rejected the contact:"
_MAX_REASON_LENGTH = 200


def _one_sentence(env, error):
    """Mailchimp's reason on one line, without the run's prefix, cut to a readable length."""
    reason = " ".join((error or "").split())
    if reason.startswith(_REFUSAL_PREFIX):
        reason = reason[len(_REFUSAL_PREFIX):].strip()
    if len(reason) > _MAX_REASON_LENGTH:
        reason = reason[:_MAX_REASON_LENGTH - 1].rstrip() + "…"
    return reason.rstrip(".") or mailchimp_messages.say(env, mailchimp_messages.NO_REASON)
