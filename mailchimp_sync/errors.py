"""The exceptions of the Mailchimp client.

Mailchimp answers errors with RFC 7807 problem documents
(``application/problem+json``: ``type, title, status, detail, instance`` and,
for validation errors, ``errors[{field, message}]``). :class:`MailchimpError`
carries those parts and renders them as one sentence a user understands, so
the Odoo layer can show ``str(error)`` as it is. The sentence and the fields
shared with other services come from :class:`~.json_http.ServiceError`.

Two refusals of a member write are rules a caller acts on, so they come as
their own classes, told apart by the problem's ``title`` (api-facts 1.5), never
by the wording of a message: :class:`MailchimpComplianceError` and
:class:`MailchimpForgottenError`. A batch subscribe reports its members'
errors without a title; :func:`batch_refusal` reads those.

Plain words: Mailchimp's validation answers name a schema ("The resource submitted
could not be validated. For field-specific details, see the 'errors' array." with
"status: Schema describes enum, NULL found instead"), words a user cannot act on.
They are rendered as one sentence saying what was refused and what to do
(:func:`plain_field_error`, :func:`refusal_sentence`); a 401 of the API names the
credential the account uses (``credential_kind``: an OAuth token is no API key) and
says how to connect again.
"""
import re

from .json_http import ServiceError, end_sentence

# Mailchimp's detail of every validation error: it only points at the ``errors`` array.
GENERIC_VALIDATION_DETAIL = re.compile(r"the resource submitted could not be validated|see the 'errors' array", re.I)
_SCHEMA = re.compile(r"^Schema describes (?P<expected>[\w ]+?)(?: with at most (?P<most>\d+) items)?"
                     r"(?:, (?P<found>.+?) found(?: instead)?)?\s*\.?$", re.S)
SCHEMA_ADVICE = ("this comes from Odoo's request, not from your data: send this message to your administrator "
                 "(it is a fault to report to the add-on's maintainer)")
DATA_ADVICE = "correct the value in Odoo and sync again"
CREDENTIAL_ADVICE = {
    "api_key": "Mailchimp did not accept the API key (error 401): create a new key in Mailchimp (Profile → "
               "Extras → API keys) and connect again in Settings → Mailchimp.",
    # The account is then flagged "Reconnect needed", whose sentence says where to reconnect.
    "oauth": "Mailchimp did not accept the OAuth token (error 401): it was revoked, has expired or is for another "
             "data centre.",
}


class MailchimpError(ServiceError):
    """An error answered by Mailchimp, or a failure to reach it.

    ``status`` is the HTTP status, or ``None`` when no answer came back
    (connection refused, dropped, timed out).
    """

    service = "Mailchimp"

    def __init__(self, message=None, *, status=None, title="", detail="", errors=None,
                 problem_type="", instance="", credential_kind=None):
        self.errors = list(errors or [])
        self.problem_type = problem_type or ""
        self.instance = instance or ""
        self.credential_kind = credential_kind
        super().__init__(message, status=status, title=title, detail=detail)

    @classmethod
    def from_problem(cls, status, problem, fallback_text="", credential_kind=None):
        """Build the error from a decoded problem document (or ``None``).

        ``credential_kind`` (``api_key`` or ``oauth``) is the credential the request was made with.
        """
        if not isinstance(problem, dict):
            problem = {}
        error_class = REFUSALS_BY_TITLE.get(str(problem.get("title") or ""), cls)
        return error_class(
            status=status,
            title=str(problem.get("title") or ""),
            detail=str(problem.get("detail") or fallback_text or ""),
            errors=_field_errors(problem.get("errors")),
            problem_type=str(problem.get("type") or ""),
            instance=str(problem.get("instance") or ""),
            credential_kind=credential_kind,
        )

    @property
    def field_errors(self):
        """``{field: message}`` of a validation error (empty if none)."""
        return {error["field"]: error["message"] for error in self.errors}

    def parts(self):
        return {**super().parts(), "errors": self.errors, "problem_type": self.problem_type,
                "instance": self.instance, "credential_kind": self.credential_kind}

    def _render(self):
        if self.status == 401 and self.credential_kind in CREDENTIAL_ADVICE:
            return CREDENTIAL_ADVICE[self.credential_kind]
        if not self.errors:
            return super()._render()
        return refusal_sentence(self.detail, [(error["field"], error["message"]) for error in self.errors],
                                status=self.status)


class MailchimpConfigError(MailchimpError):
    """The credentials or settings are unusable; raised before any call is made."""


class MailchimpConnectionError(MailchimpError):
    """Mailchimp could not be reached, dropped the connection or did not answer in time."""


class MailchimpRetryError(MailchimpError):
    """Mailchimp kept answering 429/5xx (or kept failing) until the retries ran out."""


class MailchimpComplianceError(MailchimpError):
    """Mailchimp refused ``subscribed`` for a contact who unsubscribed, bounced or is under compliance review.

    ``pending`` is still allowed: Mailchimp emails the contact, who alone can confirm.
    """

    title_of_refusal = "Member In Compliance State"
    phrase_of_refusal = "is in a compliance state"


class MailchimpForgottenError(MailchimpError):
    """Mailchimp refused to add again an address that was deleted permanently (right to erasure)."""

    title_of_refusal = "Forgotten Email Not Subscribed"
    phrase_of_refusal = "was permanently deleted and cannot be re-imported"


REFUSALS = (MailchimpComplianceError, MailchimpForgottenError)
REFUSALS_BY_TITLE = {refusal.title_of_refusal: refusal for refusal in REFUSALS}


def batch_refusal(text):
    """The refusal class a batch-subscribe error stands for, or None.

    A batch subscribe answers each member's error as ``{error, error_code}``
    with the problem's detail as ``error`` and no title (``error_code`` is only
    ``ERROR_CONTACT_EXISTS`` or ``ERROR_GENERIC``), so the detail's fixed phrase
    is all there is to tell the refusal by. Single-member writes raise the
    classes themselves (:meth:`MailchimpError.from_problem`).
    """
    text = (text or "").lower()
    return next((refusal for refusal in REFUSALS if refusal.phrase_of_refusal in text), None)


# What is wrong with a field, as :func:`field_problem` tells it (a code; the Odoo layer words it, translated).
FIELD_MESSAGE = "message"  # Mailchimp's own words for people (``field``, ``message``), or none at all
FIELD_TOO_MANY = "too_many"  # ``name`` has more than ``most`` items
FIELD_NO_VALUE = "no_value"  # no value for ``name``
FIELD_NOT_IN_FORM = "not_in_form"  # ``name`` is not in a form Mailchimp accepts (``expected``)
FIELD_NOT_A_VALUE = "not_a_value"  # ``found`` is not a value Mailchimp accepts for ``name``
FIELD_WRONG_TYPE = "wrong_type"  # ``name``: ``expected`` expected, ``found`` sent
FIELD_WORDS = {
    FIELD_TOO_MANY: "{name} has more than {most} items",
    FIELD_NO_VALUE: "no value for {name}",
    FIELD_NOT_IN_FORM: "{name} is not in a form Mailchimp accepts ({expected})",
    FIELD_NOT_A_VALUE: "{found} is not a value Mailchimp accepts for {name}",
    FIELD_WRONG_TYPE: "{name} is not in a form Mailchimp accepts ({expected} expected, {found} sent)",
}
NO_REASON = "no reason given"
THE_REQUEST = "the request"


def field_problem(field, message):
    """``(kind, params, schema)``: what a field's refusal says (:data:`FIELD_WORDS` kinds), and whether it is
    about the request's form. ``params["name"]`` is the field, None for the request as a whole."""
    field, message = (field or "").strip(), " ".join((message or "").split()).rstrip(".")
    match = _SCHEMA.match(message)
    if not match:
        return FIELD_MESSAGE, {"field": field, "message": message}, False
    params = {"name": field or None, "found": match.group("found"), "expected": match.group("expected").strip()}
    found = params["found"]
    if match.group("most"):
        return FIELD_TOO_MANY, {**params, "most": match.group("most")}, True
    if not found or found.upper() == "NULL":
        return (FIELD_NO_VALUE if found else FIELD_NOT_IN_FORM), params, True
    return (FIELD_NOT_A_VALUE if params["expected"] == "enum" else FIELD_WRONG_TYPE), params, True


def plain_field_error(field, message):
    """``(words, schema)``: a field's refusal in plain words, and whether it is about the request's form.

    "status: Schema describes enum, NULL found instead" gives "no value for status"; a message
    written for people ("LTV: Please enter a number") is kept as it is.
    """
    kind, params, schema = field_problem(field, message)
    if kind == FIELD_MESSAGE:
        field, message = params["field"], params["message"]
        return (f"{field}: {message}" if field else message or NO_REASON), False
    return FIELD_WORDS[kind].format(**{**params, "name": params["name"] or THE_REQUEST}), schema


def refusal_parts(detail, field_errors):
    """``(detail, problems, schema)`` of a refusal: Mailchimp's detail (none when it only points at the
    field errors), each field's :func:`field_problem` ``(kind, params)``, and whether one is about the
    request's form (then the advice is :data:`SCHEMA_ADVICE`, else :data:`DATA_ADVICE`)."""
    detail = " ".join((detail or "").split()).rstrip(".")
    if GENERIC_VALIDATION_DETAIL.search(detail):
        detail = ""
    problems = [field_problem(field, message) for field, message in field_errors]
    return detail, [(kind, params) for kind, params, _schema in problems], any(schema for *_x, schema in problems)


def refusal_sentence(detail, field_errors, status=None):
    """Mailchimp's refusal of a request or a member as one sentence with what to do.

    ``field_errors`` are ``(field, message)`` pairs; Mailchimp's detail is kept unless it only
    points at them. E.g. "Mailchimp refused the data (error 400): no value for status; this comes
    from Odoo's request, not from your data: send this message to your administrator …".
    """
    detail = " ".join((detail or "").split()).rstrip(".")
    if GENERIC_VALIDATION_DETAIL.search(detail):
        detail = ""
    plain = [plain_field_error(field, message) for field, message in field_errors]
    problems = "; ".join(words for words, _schema in plain)
    about = f"{detail} ({problems})" if detail and problems else detail or problems or "no reason given"
    advice = SCHEMA_ADVICE if any(schema for _words, schema in plain) else DATA_ADVICE
    head = f"Mailchimp refused the data (error {status})" if status else "Mailchimp refused the data"
    return end_sentence(f"{head}: {about}; {advice}")


def _field_errors(errors):
    if not isinstance(errors, list):
        return []
    return [
        {"field": str(error.get("field") or ""), "message": str(error.get("message") or "")}
        for error in errors
        if isinstance(error, dict)
    ]
