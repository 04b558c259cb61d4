"""RFC 7807 problem documents exactly as Mailchimp Marketing API v3 returns them.

Where each text comes from is noted next to it. Texts (or parts of texts) that no
public source shows and that are therefore GUESSED, kept here in one list so that
they can be replaced as soon as a real answer is seen:

* :func:`cleaned_status_locked` -- the whole ``errors[0].message`` after the
  sourced prefix ``This member's status is "cleaned."`` (a cleaned member asked for
  another status than subscribed; the refusal itself is sourced, see there).
* :func:`email_change_not_subscribed` -- nothing guessed for ``unsubscribed`` and
  ``cleaned``; for ``pending``, ``transactional`` and ``archived`` only the status
  word inside the same sentence is filled in by analogy.
* :func:`email_taken` -- the status label for ``unsubscribed``, ``cleaned`` and
  ``pending`` (the raw status, as Mailchimp writes "subscribed"). "Deleted" and
  "Non-Subscribed" occur in recorded answers; that they label ``archived`` and
  ``transactional`` holders is inferred (Mailchimp's app says "non-subscribed" for
  transactional contacts; archiving replaced what was once called deleting).
* Renaming onto a permanently deleted address answers
  :func:`forgotten_email` -- which error Mailchimp gives there is guessed.
* Batch subscribe: an archived contact given only ``status_if_new`` without
  ``update_existing`` is reported as ``ERROR_CONTACT_EXISTS`` (guessed; see
  ``store_members.MembersMixin._batch_one``).
"""

import uuid

PROBLEM_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"
PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
PROBLEM_LINK_HEADER = (
    '<https://us6.api.mailchimp.com/schema/3.0/ProblemDetailDocument.json>; rel="describedBy"'
)
INVALID_RESOURCE_DETAIL = (
    "The resource submitted could not be validated. "
    "For field-specific details, see the 'errors' array."
)


class ApiError(Exception):
    """An API failure that is rendered as a problem+json document."""

    def __init__(self, status, title, detail, errors=None, headers=None):
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    def to_problem(self):
        """Return the problem document; ``instance`` is a fresh id like Mailchimp's."""
        document = {
            "type": PROBLEM_TYPE,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": str(uuid.uuid4()),
        }
        if self.errors is not None:
            document["errors"] = self.errors
        return document


def bad_request(detail, title="Bad Request"):
    return ApiError(400, title, detail)


def invalid_resource(errors=None, detail=INVALID_RESOURCE_DETAIL):
    """400 "Invalid Resource"; ``errors`` is a list of ``{field, message}``."""
    return ApiError(400, "Invalid Resource", detail, errors=errors if errors else None)


def field_error(field, message):
    return invalid_resource([{"field": field, "message": message}])


def not_found():
    return ApiError(404, "Resource Not Found", "The requested resource could not be found.")


def found(record):
    """``record``, or 404 Resource Not Found when it is None."""
    if record is None:
        raise not_found()
    return record


def method_not_allowed(allowed_methods):
    return ApiError(
        405,
        "Method Not Allowed",
        "The requested method and resource are not compatible. "
        "See the Allow header for this resource's available methods.",
        headers={"Allow": ", ".join(sorted(allowed_methods))},
    )


def json_parse_error():
    return ApiError(400, "JSON Parse Error", "We encountered an unspecified JSON parsing error.")


def api_key_missing():
    return ApiError(401, "API Key Missing", "Your request did not include an API key.")


def api_key_invalid():
    return ApiError(
        401,
        "API Key Invalid",
        "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
    )


def wrong_datacenter():
    return ApiError(
        403, "Wrong Datacenter", "The API key provided is linked to a different datacenter"
    )


def too_many_connections(limit=10, retry_after=None):
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ApiError(
        429,
        "Too Many Requests",
        f"You have exceeded the limit of {limit} simultaneous connections.",
        headers=headers,
    )


def member_exists(email):
    return ApiError(
        400,
        "Member Exists",
        f"{email} is already a list member. Use PUT to insert or update list members.",
    )


def member_in_compliance_state(email):
    return ApiError(
        400,
        "Member In Compliance State",
        f"{email} is in a compliance state due to unsubscribe, bounce, "
        "or compliance review and cannot be subscribed.",
    )


def forgotten_email(email):
    return ApiError(
        400,
        "Forgotten Email Not Subscribed",
        f"{email} was permanently deleted and cannot be re-imported. "
        "The contact must re-subscribe to get back on the list.",
    )


EMAIL_FIELD = "email address"
"""The ``errors[].field`` Mailchimp uses for address problems on a member update
(with a blank, not ``email_address``; recorded answers quoted below)."""

EMAIL_CHANGE_NOT_SUBSCRIBED = (
    'This member\'s status is "{status}." '
    'You can only update email addresses for members with a status of "subscribed."'
)

# How the status of the member that already holds an address is written in
# '"<email>" is already in this list with a status of "<label>".'
TAKEN_STATUS_LABELS = {"archived": "Deleted", "transactional": "Non-Subscribed"}


def email_change_not_subscribed(status):
    """Rename (PUT/PATCH with a new ``email_address``) of a member that is not subscribed.

    400 "Invalid Resource", generic detail, ``errors=[{"field": "email address",
    "message": 'This member's status is "cleaned." You can only update email
    addresses for members with a status of "subscribed."'}]``. Sources: the
    message as Mailchimp answers it for a cleaned member, ibericode/mailchimp-user-sync
    issue #96 (https://github.com/ibericode/mailchimp-user-sync/issues/96); the same
    sentence for an unsubscribed member, with title "Invalid Resource", the generic
    detail and field "email address", in public test fixtures of Mailchimp clients
    ("As Mailchimp answered a rename on 2026-10-09"; found with find_string
    "only update email addresses for members"; repository not named by the index).
    """
    return invalid_resource([{"field": EMAIL_FIELD,
                              "message": EMAIL_CHANGE_NOT_SUBSCRIBED.format(status=status)}])


def email_taken(new_email, holder_status):
    """Rename onto an address another member of the list has -- archived ones included.

    400 "Invalid Resource", generic detail, ``errors=[{"field": "email address",
    "message": '"new@x.pl" is already in this list with a status of "subscribed".'}]``.
    Sources: brandonseydel/MailChimp.Net issue #201 (same title/detail/message for a
    new address whose member had been deleted, i.e. is still on the list:
    https://github.com/brandonseydel/MailChimp.Net/issues/201); grouparoo/grouparoo
    ``plugins/@grouparoo/mailchimp/src/lib/export/exportProfile.ts`` (matches
    'is already in this list with a status of "subscribed"' in ``errors[].message``
    after a rename PUT); public fixtures recorded from Mailchimp with the labels
    "Deleted" and "Non-Subscribed" (find_string "is already in this list with a status").
    Which status each label stands for, beyond "subscribed", is inferred or guessed
    (see the module docstring).
    """
    label = TAKEN_STATUS_LABELS.get(holder_status, holder_status)
    return invalid_resource([{"field": EMAIL_FIELD,
                              "message": f'"{new_email}" is already in this list with a status of "{label}".'}])


def cleaned_status_locked():
    """A cleaned member asked for another status (not subscribed) through the API.

    The refusal is sourced: Mailchimp's help says of cleaned contacts "you can't edit
    them" and "Because cleaned contact information can't be edited, you'll need to add
    the new, corrected address to your audience"
    (https://mailchimp.com/help/about-cleaned-contacts/); the API already refuses the
    address change of a cleaned member (ibericode/mailchimp-user-sync#96). The WORDING
    IS GUESSED: 400 "Invalid Resource" with the generic detail and
    ``errors=[{"field": "status", "message": 'This member's status is "cleaned." The
    status of a cleaned member cannot be changed.'}]``, shaped like the sourced
    address-change refusal. (cleaned -> subscribed keeps the sourced "Member In
    Compliance State", whose detail names bounces.)
    """
    return invalid_resource([{"field": "status", "message":
                              'This member\'s status is "cleaned." '
                              "The status of a cleaned member cannot be changed."}])


def fake_email(email):
    return invalid_resource(
        detail=f"{email} looks fake or invalid, please enter a real email address."
    )


def invalid_merge_fields(errors):
    return invalid_resource(errors, detail="Your merge fields were invalid.")


def invalid_interest(interest_id):
    return invalid_resource(detail=f"Invalid interest ID: '{interest_id}'")


FAULT_TITLES = {
    429: ("Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."),
    500: (
        "Internal Server Error",
        "An unexpected internal error has occurred. Please contact Support for more information.",
    ),
    503: ("Service Unavailable", "The service is temporarily unavailable. Please try again later."),
}
