"""Read a batch-subscribe response (``POST /lists/{list_id}``) member by member.

Mailchimp answers HTTP 200 even when some members failed; the response holds
``new_members``, ``updated_members`` (member objects), ``errors`` (each with
``email_address, error, error_code, field, field_message``), ``total_created``,
``total_updated`` and ``error_count``. :func:`parse_batch_response` turns it into
one :class:`~.datatypes.MemberOutcome` per address, keyed by the lower-cased
address because Mailchimp identifies members case-insensitively. If an address
shows up both as a success and as an error, the error wins: the user must see
the failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .const import CREATED, FAILED, UPDATED  # also re-exported for callers
from .datatypes import BatchResult, MemberOutcome  # also re-exported for callers
from .errors import (
    GENERIC_VALIDATION_DETAIL,
    SCHEMA_ADVICE,
    MailchimpComplianceError,
    MailchimpForgottenError,
    batch_refusal,
    plain_field_error,
)
from .gdpr import explain_forgotten


# What :func:`parse_batch_response` reads of an answer, as Mailchimp's partial-response ``fields`` (the
# member objects Mailchimp sends back whole are most of a 500-member answer, and of the time reading it);
# a problem document's own fields are named too, so that an error answer keeps what it says.
OUTCOME_FIELDS = ",".join([
    *(f"{members_key}.{name}" for members_key in ("new_members", "updated_members")
      for name in ("email_address", "status", "last_changed")),
    "errors", "total_created", "total_updated", "error_count", "type", "title", "status", "detail", "instance",
])


def parse_batch_response(response: Mapping[str, Any]) -> BatchResult:
    """Turn a batch-subscribe response into a :class:`BatchResult`."""
    outcomes: dict[str, MemberOutcome] = {}
    for outcome, members_key in ((CREATED, "new_members"), (UPDATED, "updated_members")):
        for member in response.get(members_key) or ():
            email = _email_key(member.get("email_address"))
            if email:
                outcomes[email] = MemberOutcome(email=email, outcome=outcome, status=member.get("status"),
                                                last_changed=member.get("last_changed"))
    unattributed = []
    for error in response.get("errors") or ():
        email = _email_key(error.get("email_address"))
        if email:
            outcomes[email] = MemberOutcome(
                email=email, outcome=FAILED, message=error_message(error), error_code=error.get("error_code"),
                in_compliance_state=batch_refusal(error.get("error")) is MailchimpComplianceError,
            )
        else:
            unattributed.append(error_message(error))
    return BatchResult(
        outcomes=outcomes,
        total_created=int(response.get("total_created") or 0),
        total_updated=int(response.get("total_updated") or 0),
        error_count=int(response.get("error_count") or 0),
        unattributed_errors=tuple(unattributed),
    )


def error_message(error: Mapping[str, Any]) -> str:
    """E.g. "Mailchimp rejected the contact: Your merge fields were invalid. (PHONE: Please enter a valid phone)".

    A refusal of the request's form (Mailchimp's schema words) is said in plain words, with what to do
    (:func:`.errors.plain_field_error`).
    """
    reason = (error.get("error") or "").strip()
    if GENERIC_VALIDATION_DETAIL.search(reason):
        reason = ""
    if batch_refusal(reason) is MailchimpForgottenError:
        reason = explain_forgotten(error.get("email_address") or "The address")
    field_name = (error.get("field") or "").strip()
    field_message = (error.get("field_message") or "").strip()
    detail, schema = plain_field_error(field_name, field_message) if field_name or field_message else ("", False)
    if reason and detail:
        message = f"Mailchimp rejected the contact: {reason} ({detail})"
    else:
        message = f"Mailchimp rejected the contact: {reason or detail or 'no reason given'}"
    return f"{message}; {SCHEMA_ADVICE}." if schema else message


def _email_key(email: str | None) -> str:
    return (email or "").strip().lower()
