"""An audience's contact information and list defaults, as ``POST /lists`` wants them.

The values are a flat dict whose keys are :data:`FIELDS` (the Odoo field
names of ``mailchimp.list.defaults``); this module turns them into the body of
``POST /lists``, says which required ones are missing before any call, and
reads them back from Mailchimp's account root and audience documents.
"""

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


def missing_fields(name, values):
    """The keys (``"name"`` and :data:`REQUIRED` ones) without a value, in form order."""
    missing = [] if (name or "").strip() else ["name"]
    missing += [key for key in REQUIRED if not str(values.get(key) or "").strip()]
    return missing


def list_body(name, values, *, email_type_option=False):
    """The body of ``POST /lists``; optional contact lines are left out when blank."""
    contact = {remote: values.get(key) or "" for key, remote in CONTACT_KEYS.items()
               if values.get(key) or key in REQUIRED}
    return {
        "name": name,
        "permission_reminder": values.get("permission_reminder") or "",
        "email_type_option": bool(email_type_option),
        "contact": contact,
        "campaign_defaults": {remote: values.get(key) or "" for key, remote in CAMPAIGN_DEFAULT_KEYS.items()},
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


def _contact_values(contact):
    return {key: contact.get(remote) or "" for key, remote in CONTACT_KEYS.items()}
