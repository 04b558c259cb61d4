"""The one exception type of the Mailchimp client.

Mailchimp answers errors with RFC 7807 problem documents
(``application/problem+json``: ``type, title, status, detail, instance`` and,
for validation errors, ``errors[{field, message}]``). :class:`MailchimpError`
carries those parts and renders them as one sentence a user understands, so
the Odoo layer can show ``str(error)`` as it is.
"""


class MailchimpError(Exception):
    """An error answered by Mailchimp, or a failure to reach it.

    ``status`` is the HTTP status, or ``None`` when no answer came back
    (connection refused, dropped, timed out).
    """

    def __init__(self, message=None, *, status=None, title="", detail="", errors=None,
                 problem_type="", instance=""):
        self.status = status
        self.title = title or ""
        self.detail = detail or ""
        self.errors = list(errors or [])
        self.problem_type = problem_type or ""
        self.instance = instance or ""
        self.retry_after = None
        super().__init__(message or self._render())

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

    def _render(self):
        head = f"Mailchimp error {self.status}" if self.status else "Mailchimp error"
        if self.title:
            head = f"{head} ({self.title})"
        sentence = f"{head}: {self.detail}" if self.detail else head
        sentence = sentence.rstrip()
        if self.errors:
            fields = "; ".join(
                f"{error['field']}: {error['message']}" if error["field"] else error["message"]
                for error in self.errors
            )
            sentence = f"{_end_sentence(sentence)} {fields}"
        return _end_sentence(sentence)


class MailchimpConfigError(MailchimpError):
    """The credentials or settings are unusable; raised before any call is made."""


class MailchimpConnectionError(MailchimpError):
    """Mailchimp could not be reached, or did not answer in time."""


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


def _end_sentence(text):
    return text if text.endswith((".", "!", "?")) else f"{text}."
