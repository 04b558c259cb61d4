"""The exceptions of the Mailchimp client.

Mailchimp answers errors with RFC 7807 problem documents
(``application/problem+json``: ``type, title, status, detail, instance`` and,
for validation errors, ``errors[{field, message}]``). :class:`MailchimpError`
carries those parts and renders them as one sentence a user understands, so
the Odoo layer can show ``str(error)`` as it is. The sentence and the fields
shared with other services come from :class:`~.json_http.ServiceError`.
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
        return cls(
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


def _field_errors(errors):
    if not isinstance(errors, list):
        return []
    return [
        {"field": str(error.get("field") or ""), "message": str(error.get("message") or "")}
        for error in errors
        if isinstance(error, dict)
    ]
