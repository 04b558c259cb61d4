"""18.0.1.4.0: a campaign's GDPR exclusions keep the check's reason codes, worded in the reader's language.

Before, ``mailchimp.campaign.exclusion.reason`` stored the check's English sentences (several joined by “; ”);
now ``reason_codes`` (JSON list of codes) and ``mailchimp_status`` are stored and ``reason`` is computed.
Each stored sentence becomes its code; “Not subscribed in Mailchimp (status: X)” also gives the status
(“not a member”: none). A sentence that is none of the check's stays as it is in the list (shown as is).
"""
import json
import re

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_check import (
    BLACKLISTED,
    BOX_UNTICKED,
    NO_CUSTOMER,
    NOT_SUBSCRIBED,
    WITHDRAWN,
)

TABLE = "mailchimp_campaign_exclusion"
SENTENCES = {
    "Not a customer of the collection in Odoo": NO_CUSTOMER,
    "No consent in Odoo: the Mailchimp subscription box is unticked": BOX_UNTICKED,
    "No consent in Odoo: the address is blacklisted": BLACKLISTED,
    "No consent in Odoo: the consent was withdrawn": WITHDRAWN,
}
NOT_SUBSCRIBED_RE = re.compile(r"^Not subscribed in Mailchimp \(status: (?P<status>.*)\)$")
NOT_A_MEMBER = "not a member"


def reason_codes(sentence):
    """``(codes, status)`` of a stored reason sentence."""
    codes, status = [], None
    for part in (sentence or "").split("; "):
        part = part.strip()
        if not part:
            continue
        not_subscribed = NOT_SUBSCRIBED_RE.match(part)
        if not_subscribed:
            codes.append(NOT_SUBSCRIBED)
            status = None if not_subscribed["status"] == NOT_A_MEMBER else not_subscribed["status"]
        else:
            codes.append(SENTENCES.get(part, part))
    return codes, status


def migrate(cr, version):
    if not column_exists(cr, TABLE, "reason"):
        return  # no exclusions stored before (the model is new to this database)
    for name, kind in (("reason_codes", "jsonb"), ("mailchimp_status", "varchar")):
        if not column_exists(cr, TABLE, name):
            create_column(cr, TABLE, name, kind)
    table = SQL.identifier(TABLE)
    cr.execute(SQL("ALTER TABLE %s ALTER COLUMN reason DROP NOT NULL", table))
    cr.execute(SQL("SELECT id, reason FROM %s WHERE reason_codes IS NULL", table))
    for row_id, sentence in cr.fetchall():
        codes, status = reason_codes(sentence)
        cr.execute(SQL("UPDATE %s SET reason_codes = %s::jsonb, mailchimp_status = %s WHERE id = %s",
                       table, json.dumps(codes), status, row_id))
