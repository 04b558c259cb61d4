"""An audience's contact information and list defaults, as ``POST /lists`` and ``PATCH /lists/{id}`` want them.

The values are a flat dict whose keys are :data:`FIELDS` (the Odoo field
names of ``mailchimp.list.defaults``); this module turns them into the body of
``POST /lists`` (:func:`list_body`) and ``PATCH /lists/{id}``
(:func:`update_body`), says what Mailchimp would refuse before any call
(:func:`missing_fields`, :func:`problems`: required values, the From email, the
language), names the value a field of Mailchimp's refusal is about
(:func:`key_of_remote_field`), and reads them back from Mailchimp's account
root and audience documents.
"""
from .eligibility import is_valid_email

CONTACT_KEYS = {
    "contact_company": "company",
    "contact_address1": "address1",
    "contact_address2": "address2",
    "contact_city": "city",
    "contact_state": "state",
    "contact_zip": "zip",
    "contact_country": "country",
    "contact_phone": "phone",
}
CAMPAIGN_DEFAULT_KEYS = {
    "campaign_from_name": "from_name",
    "campaign_from_email": "from_email",
    "campaign_subject": "subject",
    "campaign_language": "language",
}
FIELDS = (*CONTACT_KEYS, *CAMPAIGN_DEFAULT_KEYS, "permission_reminder")

# What Mailchimp refuses to create an audience without (api-facts 1.4); the subject may be blank.
REQUIRED = (
    "contact_company", "contact_address1", "contact_city", "contact_country",
    "campaign_from_name", "campaign_from_email", "campaign_language", "permission_reminder",
)
# The account root names the address lines addr1/addr2 (api-facts 1.2), an audience address1/address2.
ROOT_CONTACT_KEYS = {"addr1": "address1", "addr2": "address2"}

# Mailchimp's language codes for audiences and members ("View and edit audience language", its list of
# supported languages); ``pt`` is Brazilian Portuguese, ``es`` Latin American Spanish.
LANGUAGES = frozenset({
    "af", "ar", "be", "bg", "ca", "cs", "da", "de", "el", "en", "es", "es_ES", "et", "fa", "fi", "fr",
    "fr_CA", "ga", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "km", "ko", "lt", "lv", "mk", "ms",
    "mt", "nl", "no", "pl", "pt", "pt_PT", "ro", "ru", "sk", "sl", "sr", "sv", "sw", "ta", "th", "tr",
    "uk", "vi", "zh",
})
EMAIL_KEYS = ("campaign_from_email",)
LANGUAGE_KEY = "campaign_language"

# Why a value is refused before any call (see :func:`problems`).
MISSING = "missing"
INVALID_EMAIL = "invalid_email"
UNKNOWN_LANGUAGE = "unknown_language"

# The key of each field as Mailchimp names it in a refusal's ``errors[].field``.
REMOTE_FIELDS = {
    **{f"contact.{remote}": key for key, remote in CONTACT_KEYS.items()},
    **{f"campaign_defaults.{remote}": key for key, remote in CAMPAIGN_DEFAULT_KEYS.items()},
    "permission_reminder": "permission_reminder",
}


def missing_fields(name, values):
    """The keys (``"name"`` and :data:`REQUIRED` ones) without a value, in form order."""
    missing = [] if (name or "").strip() else ["name"]
    missing += [key for key in REQUIRED if not str(values.get(key) or "").strip()]
    return missing


def problems(name, values, keys=None):
    """``[(key, reason)]`` for each value Mailchimp would refuse, in form order; empty when all is well.

    ``reason`` is :data:`MISSING` (a required value is blank, see :func:`missing_fields`),
    :data:`INVALID_EMAIL` (the From email is no single valid address) or :data:`UNKNOWN_LANGUAGE`
    (the language is none of Mailchimp's :data:`LANGUAGES`). A blank value is only missing.
    With ``keys``, only the problems of those keys (the values being changed).
    """
    if keys is not None:
        return [(key, reason) for key, reason in problems(name, values) if key in keys]
    found = [(key, MISSING) for key in missing_fields(name, values)]
    blank = {key for key, _reason in found}
    found += [(key, INVALID_EMAIL) for key in EMAIL_KEYS
              if key not in blank and values.get(key) and not is_valid_email(str(values[key]).strip())]
    language = str(values.get(LANGUAGE_KEY) or "").strip()
    if LANGUAGE_KEY not in blank and language and language not in LANGUAGES:
        found.append((LANGUAGE_KEY, UNKNOWN_LANGUAGE))
    return found


def settings_to_write(remote_list, local, changed):
    """The whole settings to write to an audience: Mailchimp's, then each value Odoo has, then the changes.

    An audience read from Mailchimp has blank values in Odoo until they are read back; saving one
    changed value must not blank the others in Mailchimp (nor refuse them as missing).
    """
    values = values_from_list(remote_list)
    values.update({key: _text(value) for key, value in local.items() if key in FIELDS and _text(value)})
    values.update({key: _text(value) for key, value in changed.items() if key in FIELDS})
    return values


def key_of_remote_field(field):
    """The key of ``field`` of a Mailchimp refusal (``campaign_defaults.from_email``); None when it is none of ours."""
    return REMOTE_FIELDS.get(field or "")


def update_body(name, values, *, email_type_option):
    """The body of ``PATCH /lists/{id}``: the whole settings, so that sending it twice changes nothing more.

    Mailchimp requires name and email type option on an update too; blank contact lines are sent
    blank, so that a line emptied in Odoo is emptied in Mailchimp.
    """
    body = list_body(name, values, email_type_option=email_type_option)
    body["contact"] = {remote: _text(values.get(key)) for key, remote in CONTACT_KEYS.items()}
    return body


def list_body(name, values, *, email_type_option=False):
    """The body of ``POST /lists``; optional contact lines are left out when blank."""
    contact = {remote: _text(values.get(key)) for key, remote in CONTACT_KEYS.items()
               if values.get(key) or key in REQUIRED}
    return {
        "name": name,
        "permission_reminder": values.get("permission_reminder") or "",
        "email_type_option": bool(email_type_option),
        "contact": contact,
        "campaign_defaults": {remote: _text(values.get(key)) for key, remote in CAMPAIGN_DEFAULT_KEYS.items()},
    }


def values_from_list(remote_list):
    """The defaults of an audience document (``GET /lists/{id}``)."""
    values = _contact_values(remote_list.get("contact") or {})
    campaign_defaults = remote_list.get("campaign_defaults") or {}
    values.update({key: campaign_defaults.get(remote) or "" for key, remote in CAMPAIGN_DEFAULT_KEYS.items()})
    values["permission_reminder"] = remote_list.get("permission_reminder") or ""
    return values


def values_from_account(root, remote_list=None):
    """The account's contact (``GET /``), with the list defaults of ``remote_list`` when there is one."""
    contact = {ROOT_CONTACT_KEYS.get(key, key): value for key, value in (root.get("contact") or {}).items()}
    values = _contact_values(contact)
    if remote_list:
        values.update({key: value for key, value in values_from_list(remote_list).items() if key not in CONTACT_KEYS})
    return values


def _text(value):
    """A value as Mailchimp takes it: stripped text, blank for none."""
    return str(value or "").strip()


def _contact_values(contact):
    return {key: contact.get(remote) or "" for key, remote in CONTACT_KEYS.items()}
