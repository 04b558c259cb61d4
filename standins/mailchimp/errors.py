"""RFC 7807 problem documents exactly as Mailchimp Marketing API v3 returns them."""

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
