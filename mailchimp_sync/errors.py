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
"""
from .json_http import ServiceError, end_sentence


class MailchimpError(ServiceError):
    """An error answered by Mailchimp, or a failure to reach it.

    ``status`` is the HTTP status, or ``None`` when no answer came back
    (connection refused, dropped, timed out).
    """

    service = "Mailchimp"

    def __init__(self, message=None, *, status=None, title="", detail="", errors=None,
                 problem_type="", instance=""):
        self.errors = list(errors or [])
        self.problem_type = problem_type or ""
        self.instance = instance or ""
        super().__init__(message, status=status, title=title, detail=detail)

    @classmethod
    def from_problem(cls, status, problem, fallback_text=""):
        """Build the error from a decoded problem document (or ``None``)."""
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
        )

    @property
    def field_errors(self):
        """``{field: message}`` of a validation error (empty if none)."""
        return {error["field"]: error["message"] for error in self.errors}

    def parts(self):
        return {**super().parts(), "errors": self.errors, "problem_type": self.problem_type,
                "instance": self.instance}

    def _render(self):
        sentence = super()._render()
        if not self.errors:
            return sentence
        fields = "; ".join(
            f"{error['field']}: {error['message']}" if error["field"] else error["message"]
            for error in self.errors
        )
        return end_sentence(f"{sentence} {fields}")


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


def _field_errors(errors):
    if not isinstance(errors, list):
        return []
    return [
        {"field": str(error.get("field") or ""), "message": str(error.get("message") or "")}
        for error in errors
        if isinstance(error, dict)
    ]
