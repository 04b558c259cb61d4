"""GDPR rules: which subscription changes are consent records, and Mailchimp's "forgotten email" rule.

A consent record says why a person receives (or stopped receiving) email from
an audience: ``given`` when they end up subscribed, ``withdrawn`` when they
unsubscribe, ``erased`` when their data was deleted permanently. ``pending``
(waiting for the person's confirmation), ``cleaned`` (the address bounced) and
``archived`` say nothing about the person's consent, so they record nothing.
"""
from .campaign_check import BLACKLISTED, BOX_UNTICKED, WITHDRAWN
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
    SOURCE_ERASURE: "Forget in Mailchimp",
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
    """The ``(recipient, reason)`` pairs of a campaign check excluded for want of consent, customers only.

    Those become "withdrawn" consent records (source: campaign GDPR exclusion); an exclusion for
    Mailchimp's status alone (e.g. still pending) says nothing about consent.
    """
    reasons = (BOX_UNTICKED, BLACKLISTED, WITHDRAWN)
    return [(recipient, reason) for recipient, reason in excluded
            if recipient.partner_id and any(known in reason for known in reasons)]
