"""An audience's schema, tag → group links and groups, kept between requests (a webhook delivery applied alone
reads none of them again).

:meth:`mailchimp.audience._cached_schema` keeps, per audience and worker, what
building member items and reading a webhook's groups need (``_mapped_tags``,
``_audience_schema``, ``_groups_by_category``) in Odoo's ``ormcache``. Every
ORM change of what they read clears it (:func:`clear_schema_cache`): the
groups and their categories, merge fields, representative fields, field
merging, marketing permissions, a tag's group link, an audience's company. The
clearing is Odoo's: at once in the worker that made the change (so the rest of
its transaction reads the new schema), again after its commit (an entry
another thread of the worker rebuilt meanwhile from the old rows) or its rollback, and in the
other workers at their next request or job (``registry.clear_cache`` signals
it through the database). The same clearing renews the other caches of what
the mappings say (the customer fields watched for dirty marks,
``res.partner._mailchimp_watched_fields``) and whether an audience has a live
SMS group (``_sms_has_live_groups``: a group created, deleted, live or not), and
the audiences there are (``_only_audience``), and the reply-to of OdooBot's
notes (``_odoobot_note``: a company's name or alias domain, an alias
domain's name or catchall). A module that changes these tables in SQL calls
``env.registry.clear_cache()``.

The sync run does not use it: it loads the schema from Mailchimp and reads it
fresh (``MemberItems(audience)``).
"""
from odoo import api, models, tools


def clear_schema_cache(env):
    """Forget every audience's kept schema, now and after the commit or rollback (see the module's docstring)."""
    registry = env.registry
    registry.clear_cache()
    env.cr.postcommit.add(registry.clear_cache)
    env.cr.postrollback.add(registry.clear_cache)


class SchemaCacheClearing(models.AbstractModel):
    """Create, write and unlink clear the kept schemas; ``_schema_cache_ignored`` are fields no schema reads,
    or, when set, ``_schema_cache_watched`` are the only fields a schema reads."""

    _name = "mailchimp.schema.cache.clearing"
    _description = "Clears the kept audience schemas when changed"
    _schema_cache_ignored = frozenset()
    _schema_cache_watched = None

    def _schema_cache_read(self, fields):
        """Whether a change of ``fields`` changes what the kept schemas read."""
        if self._schema_cache_watched is not None:
            return bool(self._schema_cache_watched.intersection(fields))
        return not set(fields) <= self._schema_cache_ignored

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        clear_schema_cache(self.env)
        return records

    def write(self, vals):
        result = super().write(vals)
        if self and self._schema_cache_read(vals):
            clear_schema_cache(self.env)
        return result

    def unlink(self):
        changed = bool(self)
        result = super().unlink()
        if changed:
            clear_schema_cache(self.env)
        return result


class MailchimpInterest(models.Model):
    _name = "mailchimp.interest"
    _inherit = ["mailchimp.interest", "mailchimp.schema.cache.clearing"]
    _schema_cache_ignored = frozenset({"subscriber_count"})  # refreshed at every run


class MailchimpInterestCategory(models.Model):
    _name = "mailchimp.interest.category"
    _inherit = ["mailchimp.interest.category", "mailchimp.schema.cache.clearing"]


class MailchimpMergeField(models.Model):
    _name = "mailchimp.merge.field"
    _inherit = ["mailchimp.merge.field", "mailchimp.schema.cache.clearing"]


class MailchimpRepresentativeField(models.Model):
    _name = "mailchimp.representative.field"
    _inherit = ["mailchimp.representative.field", "mailchimp.schema.cache.clearing"]


class MailchimpFieldMerge(models.Model):
    _name = "mailchimp.field.merge"
    _inherit = ["mailchimp.field.merge", "mailchimp.schema.cache.clearing"]


class MailchimpMarketingPermission(models.Model):
    _name = "mailchimp.marketing.permission"
    _inherit = ["mailchimp.marketing.permission", "mailchimp.schema.cache.clearing"]


class ResPartnerCategory(models.Model):
    """A tag's group link (per company); tags without one are in no schema."""

    _inherit = "res.partner.category"

    @api.model_create_multi
    def create(self, vals_list):
        tags = super().create(vals_list)
        if any(vals.get("mailchimp_interest_id") for vals in vals_list):
            clear_schema_cache(self.env)
        return tags

    def write(self, vals):
        result = super().write(vals)
        if "mailchimp_interest_id" in vals:
            clear_schema_cache(self.env)
        return result

    def unlink(self):
        result = super().unlink()
        clear_schema_cache(self.env)
        return result


class MailchimpSmsGroup(models.Model):
    """Whether an audience has a live SMS group (``mailchimp.audience._sms_has_live_groups``) is kept too."""

    _name = "mailchimp.sms.group"
    _inherit = ["mailchimp.sms.group", "mailchimp.schema.cache.clearing"]
    _schema_cache_watched = frozenset({"audience_id", "live", "deleted_at_gateway"})


class MailchimpAudience(models.Model):
    _inherit = "mailchimp.audience"

    @api.model_create_multi
    def create(self, vals_list):
        audiences = super().create(vals_list)
        clear_schema_cache(self.env)  # the audiences there are (_only_audience)
        return audiences

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:  # the tag → group links read are the company's
            clear_schema_cache(self.env)
        return result

    def unlink(self):
        result = super().unlink()
        clear_schema_cache(self.env)
        return result

    def _only_audience(self):
        """Whether this is the only audience there is (archived ones count), kept between requests."""
        self.ensure_one()
        return self._audience_ids_kept() == (self.id,)

    @api.model
    @tools.ormcache()
    def _audience_ids_kept(self):
        # every audience: one row per Mailchimp list of the companies, a handful
        return tuple(self.sudo().with_context(active_test=False).search([], order="id").ids)  # pylint: disable=no-search-all

    def _cached_schema(self):
        """``(interest_by_tag, schema, groups_by_category)`` as :meth:`_mapped_tags`, :meth:`_audience_schema` and
        :meth:`_groups_by_category` read them, kept between requests; the caller gets its own copies of the
        maps (the schema is frozen)."""
        self.ensure_one()
        interest_by_tag, schema, groups = self._schema_cache_entry(self.id)
        return dict(interest_by_tag), schema, {category: dict(names) for category, names in groups.items()}

    @api.model
    @tools.ormcache("audience_id")
    def _schema_cache_entry(self, audience_id):
        audience = self.sudo().browse(audience_id)
        interest_by_tag = audience._mapped_tags()
        return interest_by_tag, audience._audience_schema(interest_by_tag), audience._groups_by_category()


class ResCompany(models.Model):
    """A company's name and alias domain make the reply-to of OdooBot's notes (``_odoobot_note``)."""

    _name = "res.company"
    _inherit = ["res.company", "mailchimp.schema.cache.clearing"]
    _schema_cache_watched = frozenset({"name", "alias_domain_id"})


class MailAliasDomain(models.Model):
    """An alias domain's name and catchall make the reply-to of OdooBot's notes (``_odoobot_note``)."""

    _name = "mail.alias.domain"
    _inherit = ["mail.alias.domain", "mailchimp.schema.cache.clearing"]
    _schema_cache_watched = frozenset({"name", "catchall_alias"})
