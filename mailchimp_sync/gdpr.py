"""GDPR rules: which subscription changes are consent records, Mailchimp's "forgotten email" rule, and Forget.

A consent record says why a person receives (or stopped receiving) email from
an audience: ``given`` when they end up subscribed, ``withdrawn`` when they
unsubscribe, ``erased`` when their data was deleted permanently. ``pending``
(waiting for the person's confirmation), ``cleaned`` (the address bounced) and
``archived`` say nothing about the person's consent, so they record nothing.

**Forget** (right to erasure) is one operation made of *parts*, one per remote
deletion (:func:`erasure_part`): a Mailchimp audience and address (permanent
delete), a contact in a SerwerSMS group (delete), an address in Campaign
Monitor (delete from every list that has it). Each part is idempotent: an
answer saying the person is not there any more (:func:`already_gone`) counts
as done, so a part made again after a lost answer changes nothing. The
operation records the keys of the parts done; :func:`remaining_parts` are
those the next try makes, and :func:`remaining_with_errors` says which they are
(the model phrases it, translated).
"""
from .campaign_check import CONSENT_REASONS
from .const import STATUS_SUBSCRIBED, STATUS_UNSUBSCRIBED

CONSENT_GIVEN = "given"
CONSENT_WITHDRAWN = "withdrawn"
CONSENT_ERASED = "erased"
CONSENT_STATES = {CONSENT_GIVEN: "Given", CONSENT_WITHDRAWN: "Withdrawn", CONSENT_ERASED: "Erased"}

SOURCE_USER = "user"
SOURCE_WEBHOOK = "webhook"
SOURCE_SMS = "sms"
SOURCE_IMPORT = "import"
SOURCE_RECONCILIATION = "reconciliation"
SOURCE_DIALOG = "dialog"
SOURCE_GDPR_EXCLUSION = "gdpr_exclusion"
SOURCE_ERASURE = "erasure"
CONSENT_SOURCES = {
    SOURCE_USER: "User in Odoo",
    SOURCE_WEBHOOK: "Mailchimp webhook",
    SOURCE_SMS: "SMS sign-up",
    SOURCE_IMPORT: "Import from Mailchimp",
    SOURCE_RECONCILIATION: "Reconciliation with Mailchimp",
    SOURCE_DIALOG: "Subscribe dialog",
    SOURCE_GDPR_EXCLUSION: "Campaign GDPR exclusion",
    SOURCE_ERASURE: "Forget",
}
# The ``source`` words of the paths that apply remote changes (``mailchimp.audience._apply_remote_changes``).
INBOUND_SOURCES = {"webhook": SOURCE_WEBHOOK, "SMS": SOURCE_SMS, "import": SOURCE_IMPORT,
                   "Mailchimp": SOURCE_RECONCILIATION, SOURCE_DIALOG: SOURCE_DIALOG}

PURPOSE_EMAIL = "email"
CONSENT_PURPOSES = {PURPOSE_EMAIL: "Email", "direct_mail": "Direct mail",
                    "online_ads": "Customized online advertising"}
"""What a consent is for; Mailchimp's usual GDPR fields are one each (an audience's are mapped to them)."""

def consent_state_for_status(status):
    """The consent a member status stands for, or None when it says nothing about consent."""
    if status == STATUS_SUBSCRIBED:
        return CONSENT_GIVEN
    if status == STATUS_UNSUBSCRIBED:
        return CONSENT_WITHDRAWN
    return None


def new_consents(rows, latest):
    """The rows that change something: ``latest`` maps ``(partner id, audience id, purpose)`` to its last state.

    Rows are dicts with ``partner_id``, ``audience_id``, ``purpose`` and ``state``; a row repeating the
    latest state of its key (or an earlier row of the same batch) is left out.
    """
    latest = dict(latest)
    kept = []
    for row in rows:
        key = (row["partner_id"], row["audience_id"], row.get("purpose") or PURPOSE_EMAIL)
        if row["state"] != CONSENT_ERASED and latest.get(key) == row["state"]:
            continue
        latest[key] = row["state"]
        kept.append(row)
    return kept


def explain_forgotten(email):
    """The "forgotten email" rule in one sentence."""
    return (f"{email} was permanently deleted from Mailchimp (right to erasure), and Mailchimp never lets anyone "
            "add it again: only the person can sign up again, through one of the audience's sign-up forms.")


def permission_consents(member_permissions, mapped):
    """``[(purpose, state)]`` a member's GDPR fields say, for those mapped to a purpose.

    ``member_permissions`` is a member's ``marketing_permissions`` (``[{marketing_permission_id,
    enabled}]``); ``mapped`` is ``{marketing_permission_id: purpose}``.
    """
    found = []
    for entry in member_permissions or ():
        purpose = mapped.get(entry.get("marketing_permission_id")) if isinstance(entry, dict) else None
        if purpose:
            found.append((purpose, CONSENT_GIVEN if entry.get("enabled") else CONSENT_WITHDRAWN))
    return found


def discovered_permissions(members):
    """``{marketing_permission_id: text}`` of the GDPR fields members show (Mailchimp has no list of them)."""
    found = {}
    for member in members:
        for entry in member.get("marketing_permissions") or ():
            if isinstance(entry, dict) and entry.get("marketing_permission_id"):
                found.setdefault(str(entry["marketing_permission_id"]), str(entry.get("text") or ""))
    return found


def consent_exclusions(excluded):
    """The ``(recipient, reasons)`` pairs of a campaign check excluded for want of consent, customers only.

    Those become "withdrawn" consent records (source: campaign GDPR exclusion); an exclusion for
    Mailchimp's status alone (e.g. still pending) says nothing about consent.
    """
    return [(recipient, reasons) for recipient, reasons in excluded
            if recipient.partner_id and any(reason in CONSENT_REASONS for reason in reasons)]


# ------------------------------------------------------------------ Forget: the parts of one erasure

SERVICE_MAILCHIMP = "mailchimp"
SERVICE_SERWERSMS = "serwersms"
SERVICE_CAMPAIGN_MONITOR = "campaign_monitor"
ERASURE_SERVICES = {SERVICE_MAILCHIMP: "Mailchimp", SERVICE_SERWERSMS: "SerwerSMS",
                    SERVICE_CAMPAIGN_MONITOR: "Campaign Monitor"}

# The answers that say the person is not there (any more): the part is done.
MAILCHIMP_NOT_FOUND = 404
SERWERSMS_INVALID_ID = 1004
CAMPAIGN_MONITOR_NOT_IN_LIST = 203


def erasure_part(service, target, label, **values):
    """One remote deletion of an erasure: ``{key, service, label, **values}`` (JSON-ready).

    ``target`` makes the key unique within the erasure (an audience and address, a
    group and contact, an address); ``label`` names where, for the messages.
    """
    if service not in ERASURE_SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return {"key": f"{service}:{target}", "service": service, "label": label, **values}


def merge_parts(parts, more):
    """``parts`` then those of ``more`` not there yet (by key), in their order."""
    keys = {part["key"] for part in parts}
    return list(parts) + [part for part in more if part["key"] not in keys and not keys.add(part["key"])]


def remaining_parts(parts, done):
    """The parts whose key is not in ``done``: what the next try makes."""
    done = set(done or ())
    return [part for part in parts if part["key"] not in done]


def already_gone(service, status, code=None):
    """Whether a refusal (HTTP ``status``, the service's ``code``) says the person is not there: done."""
    if service == SERVICE_MAILCHIMP:
        return status == MAILCHIMP_NOT_FOUND
    if service == SERVICE_SERWERSMS:
        return code == SERWERSMS_INVALID_ID
    if service == SERVICE_CAMPAIGN_MONITOR:
        return code == CAMPAIGN_MONITOR_NOT_IN_LIST or status == MAILCHIMP_NOT_FOUND
    return False


def places_by_service(parts):
    """``{service name: [labels]}`` of ``parts``, each label once, services in a fixed order."""
    found = {}
    for service, name in ERASURE_SERVICES.items():
        labels = list(dict.fromkeys(part["label"] for part in parts if part["service"] == service))
        if labels:
            found[name] = labels
    return found


def describe_places(parts):
    """``"Mailchimp (Customers, Offers); SerwerSMS (MC_Customers)"``: where ``parts`` are."""
    return "; ".join(f"{name} ({', '.join(labels)})" for name, labels in places_by_service(parts).items())


def remaining_with_errors(parts, done, errors):
    """``[(service name, label, error or None)]`` of the parts not done (``errors`` by key, the last one;
    None: not tried yet)."""
    return [(ERASURE_SERVICES[part["service"]], part["label"], errors.get(part["key"]) or None)
            for part in remaining_parts(parts, done)]
