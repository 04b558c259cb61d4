"""A person's data across the connected services: found and forgotten through the backends' hook.

Each service backend (a concrete model inheriting ``mailchimp.backend``) lists
in :meth:`_personal_data_models` the models where it keeps data about people.
:meth:`_personal_data_model_names` gathers them from every backend, so that
Forget, the privacy lookup's test and the journal see the same list, and a
model a new service adds is forgotten as soon as its backend names it.

A person's rows are found by the fields such models have by convention
(:data:`PERSON_FIELDS`: the customer link, the address as written or
normalized, the member's hash), within the company; a model may narrow or
widen that with ``_personal_data_domain``. Forgetting deletes the rows,
unless the model forgets otherwise with ``_forget_personal_data`` (consent
records keep one "erased" record; the journal keeps its operations without
the address).
"""
from odoo import api, fields, models
from odoo.osv import expression

from ..mailchimp_sync.gdpr import CONSENT_ERASED
from ..mailchimp_sync.member_payload import subscriber_hash

# Field name -> what it is matched with: "partner" (the customers' ids), "email" (the addresses), "hash"
# (the addresses' Mailchimp member hashes).
PERSON_FIELDS = {
    "partner_id": "partner",
    "email": "email",
    "email_normalized": "email",
    "old_email": "email",
    "mailchimp_id": "hash",
}


class MailchimpBackend(models.AbstractModel):
    _inherit = "mailchimp.backend"

    @api.model
    def _personal_data_model_names(self):
        """Every model a service backend keeps personal data in, once each (the backends' hook)."""
        names = []
        for backend in self.env.registry.descendants([self._name], "_inherit"):
            if not self.env[backend]._abstract:
                names += self.env[backend]._personal_data_models()
        return list(dict.fromkeys(names))

    @api.model
    def _personal_data_rows(self, partners, emails, company, audiences=None):
        """``{model name: records}`` holding data about ``partners`` or ``emails`` in ``company`` (superuser).

        ``audiences``: only the rows of those audiences (models with no audience are left out), for an
        erasure from one audience ("Delete permanently (GDPR)" on members).
        """
        found = {}
        for name in self._personal_data_model_names():
            Model = self.env[name].sudo().with_context(active_test=False)
            if not Model._auto:  # a view over other tables: forgotten with them
                continue
            domain = _person_domain(Model, partners, emails, company)
            if domain is not None and audiences is not None:
                domain = _in_audiences(Model, domain, audiences)
            if domain is None:
                continue
            rows = Model.search(domain)
            if rows:
                found[name] = rows
        return found

    @api.model
    def _forget_personal_data(self, partners, emails, company, audiences=None):
        """Forget ``partners``' and ``emails``' rows in every personal-data model (of ``audiences`` only, when
        given); ``{model name: count}``."""
        counts = {}
        for name, rows in self._personal_data_rows(partners, emails, company, audiences).items():
            counts[name] = len(rows)
            forget = getattr(rows, "_forget_personal_data", None)
            if forget:
                forget(partners, emails)
            else:
                rows.unlink()
        return counts


def _person_domain(Model, partners, emails, company):
    """The rows of ``Model`` about the person, by its conventional fields; None when it has none of them."""
    values = {"partner": partners.ids, "email": _variants(emails), "hash": [subscriber_hash(email) for email in emails]}
    leaves = [[(name, "in", values[kind])] for name, kind in PERSON_FIELDS.items()
              if name in Model._fields and Model._fields[name].store and values[kind]
              and (kind != "partner" or Model._fields[name].comodel_name == "res.partner")]
    custom = getattr(Model, "_personal_data_domain", None)
    if custom:
        leaves.append(custom(partners, emails))
    if not leaves:
        return None
    domain = expression.OR(leaves)
    if "company_id" in Model._fields and Model._fields["company_id"].store:
        domain = expression.AND([domain, [("company_id", "in", [company.id, False])]])
    return domain


def _in_audiences(Model, domain, audiences):
    """``domain`` narrowed to ``audiences``; None for a model whose rows belong to no audience."""
    field = Model._fields.get("audience_id")
    if not field or not field.store:
        return None
    return expression.AND([domain, [("audience_id", "in", audiences.ids)]])


def _variants(emails):
    """The addresses as given and lower-cased (stored addresses keep the case they came with)."""
    return list(dict.fromkeys([*emails, *(email.lower() for email in emails)]))


class MailchimpConsent(models.Model):
    _inherit = "mailchimp.consent"

    erased_audience_ids = fields.Many2many(
        "mailchimp.audience", "mailchimp_consent_erased_audience_rel", "consent_id", "audience_id",
        string="Erased from", readonly=True,
        help="For an erasure: the audiences the person was in and was deleted from permanently.")

    @api.model
    def _erased_audiences(self, partner_id):
        """The audiences the customer was erased from and has not joined again since (a later record there)."""
        erased = self.sudo().search([("partner_id", "=", partner_id), ("state", "=", CONSENT_ERASED)])
        if not erased:
            return self.env["mailchimp.audience"]
        later = self.sudo().search([("partner_id", "=", partner_id), ("state", "!=", CONSENT_ERASED),
                                    ("date", ">", min(erased.mapped("date")))])
        audiences = self.env["mailchimp.audience"]
        for audience in erased.erased_audience_ids:
            last = max(record.date for record in erased if audience in record.erased_audience_ids)
            if not any(record.audience_id == audience and record.date > last for record in later):
                audiences |= audience
        return audiences

    def _forget_personal_data(self, partners, emails):
        """The person's consent records go; earlier "erased" records (with no personal data) stay."""
        self.filtered(lambda consent: consent.state != CONSENT_ERASED).unlink()
