"""One JSON-over-HTTP client for the core's API clients (Mailchimp, SerwerSMS, Campaign Monitor).

:class:`JsonHttpClient` owns a ``requests`` session and does what every call
to a JSON API needs: a bounded connection pool (callers wait for a free
connection rather than open more), ``(connect, read)`` timeouts, retries with
exponential backoff and jitter that honour ``Retry-After``, secrets masked in
every error and log line, and errors that read as one sentence.

Retry rules: 429, 5xx (:data:`RETRY_STATUSES`) and connection failures are
retried. A call that is not idempotent (a plain ``POST``, unless the caller
says otherwise) is retried only when the server certainly did not act on it:
a 429, or no connection was made (refused, unknown host, connect timeout).
Whether a connection was made is read from the exception types that
``requests`` and ``urllib3`` chain together, never from their messages.

A service plugs in by subclassing (:class:`~.client.MailchimpClient`,
:class:`~.serwersms.SerwerSmsClient` and
:class:`~.campaign_monitor.CampaignMonitorClient` do):

* ``service``: its name in messages ("Mailchimp could not be reached at …");
* ``error_class``, ``connection_error_class``, ``retry_error_class``: the
  :class:`ServiceError` subclasses raised for an error answer, for a failure
  to get an answer, and when the retries ran out;
* :meth:`JsonHttpClient.error_from_response`: which answers are errors. It
  sees every response, so an API that answers its errors with HTTP 200 and an
  error document in the body maps them here;
* ``logger`` and ``user_agent``.

Each service's credentials check the base URL they are given (a stand-in's) with
:func:`clean_base_url`.

Batch work (a sync, an import) waits long for an answer and retries slowly. A
person waiting for a screen (the customer's panel, a dialog, a verify button)
does not: :data:`INTERACTIVE_OPTIONS` give short timeouts, one quick retry, and
a ``budget`` that bounds each call, retries included.
"""
import contextlib
import email.utils
import logging
import random
import re
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
# Found anywhere in a failure's chain, these mean no request reached the server.
NO_CONNECTION_ERRORS = (
    requests.ConnectTimeout,
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
)
HTTP_URL_RE = re.compile(r"^https?://")
MASK = "***"
# Configuration errors (:meth:`ServiceError.of_reason`) shared by the services.
BASE_URL_NOT_HTTP = "base_url_not_http"
# Why no answer came (a connection error's ``reason``; ``params``: service, url, seconds, cause).
CONNECT_TIMEOUT = "connect_timeout"
READ_TIMEOUT = "read_timeout"
UNREACHABLE = "unreachable"
USER_AGENT = "mailchimp_sync-odoo/18.0"
# A person waits: connect 2 s, read 3 s, one quick retry (a refused or failed call, not a hung one), 4 s in all.
INTERACTIVE_OPTIONS = {"timeout": (2.0, 3.0), "max_retries": 1, "backoff_base": 0.2, "backoff_cap": 0.5,
                       "budget": 4.0}

_logger = logging.getLogger(__name__)
_OBJECT_REPR_PREFIX = re.compile(r"^<[^>]* object at 0x[0-9a-fA-F]+>: ")


class ServiceError(Exception):
    """An error answered by a service, or a failure to get an answer from it.

    ``status`` is the HTTP status, or ``None`` when no answer came back.
    ``str(error)`` is one sentence: "<service> error <status> (<title>): <detail>."
    ``retry_after`` holds the seconds of the answer's ``Retry-After`` header.
    """

    service = "HTTP"
    #: A configuration error's code and parameters (:meth:`of_reason`): the Odoo layer words it in the user's
    #: language; ``str()`` keeps the English sentence for the logs. None for an answer of the service.
    reason = None
    params = {}

    @classmethod
    def of_reason(cls, reason, message, **params):
        """The error ``reason`` (a code, with ``params``), ``message`` its English sentence for the logs."""
        error = cls(message)
        error.reason, error.params = reason, params
        return error

    def __init__(self, message=None, *, status=None, title="", detail=""):
        #: Whether ``str()`` is the sentence of the parts (:meth:`_render`), not a message of the caller's.
        self.rendered = message is None
        self.status = status
        self.title = title or ""
        self.detail = detail or ""
        self.retry_after = None
        super().__init__(message or self._render())

    def parts(self):
        """The keyword arguments that build this error again (with another class or message)."""
        return {"status": self.status, "title": self.title, "detail": self.detail}

    def _render(self):
        head = f"{self.service} error {self.status}" if self.status else f"{self.service} error"
        if self.title:
            head = f"{head} ({self.title})"
        return end_sentence(f"{head}: {self.detail}" if self.detail else head)


class CodedServiceError(ServiceError):
    """An error of a service that numbers its errors; ``code`` is its number, None when it gave none.

    ``str(error)`` is then "<service> error <code>: <detail>." (:meth:`code_label` may say more than the number).
    """

    def __init__(self, message=None, *, status=None, title="", detail="", code=None):
        self.code = error_code(code)
        super().__init__(message, status=status, title=title, detail=detail)

    def parts(self):
        return {**super().parts(), "code": self.code}

    def code_label(self):
        """What the sentence names the error by after "<service> error"."""
        return str(self.code)

    def _render(self):
        if self.code is None:
            return super()._render()
        return end_sentence(f"{self.service} error {self.code_label()}: {self.detail}")


class ServiceConnectionError(ServiceError):
    """The service could not be reached, dropped the connection or did not answer in time."""


class ServiceRetryError(ServiceError):
    """The service kept answering 429/5xx (or kept failing) until the retries ran out."""


class JsonHttpClient:
    """A session to one JSON API at ``base_url``.

    ``auth`` and ``headers`` go on every request; ``secrets`` are masked in
    every error and log line of this client (keep them out of URLs all the
    same: urllib3 logs request lines at DEBUG level). ``timeout`` is
    ``(connect, read)`` seconds or one number for both. ``max_retries`` counts
    the extra attempts after the first one. ``max_connections`` bounds the
    pool; a caller beyond it waits for a free connection. ``budget`` bounds
    the seconds of one call, retries and backoff included (None: unbounded):
    each attempt's timeouts are cut to what is left of it, and a retry starts
    only when its backoff and a connection still fit in it (else the last
    failure is raised as it is). ``sleep`` is injectable so tests can check the backoff
    without waiting.
    """

    service = "The server"
    user_agent = USER_AGENT
    logger = _logger
    error_class = ServiceError
    connection_error_class = ServiceConnectionError
    retry_error_class = ServiceRetryError

    def __init__(self, base_url, *, auth=None, headers=None, secrets=(), timeout=(5.0, 120.0), max_retries=4,
                 backoff_base=0.5, backoff_cap=30.0, max_connections=10, budget=None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.secrets = tuple(secrets)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.budget = budget
        self._sleep = sleep
        self.session = self._build_session(auth, headers, max_connections)

    def _build_session(self, auth, headers, max_connections):
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max_connections, pool_block=True, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.auth = auth
        session.headers.update({"User-Agent": self.user_agent, "Accept": "application/json"})
        session.headers.update(headers or {})
        return session

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def timeouts(self):
        """``(connect, read)`` seconds."""
        return self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)

    # ------------------------------------------------------------- hooks

    def error_from_response(self, response, body):
        """The error ``response`` stands for, or None when it is a success.

        ``body`` is the decoded JSON body, None when it is empty or not JSON.
        Return an instance of a :class:`ServiceError` subclass; a subclass
        overrides this to read its API's error documents.
        """
        if response.status_code < 300:
            return None
        return self.error_class(status=response.status_code, detail=response.reason or "")

    # -------------------------------------------------------------- calls

    def request(self, method, path, *, params=None, json_body=None, idempotent=None, max_retries=None):
        """Call ``method path`` and return the decoded JSON body (``None`` when empty).

        Retries as the module docstring says; ``idempotent`` overrides the
        method's default (e.g. ``True`` for a ``POST`` that upserts);
        ``max_retries`` overrides the client's (a screen waiting for the answer
        would rather show what it knows than wait for the whole backoff).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = f"{self.base_url}/{path.lstrip('/')}"
        attempts = (self.max_retries if max_retries is None else max_retries) + 1
        deadline = None if self.budget is None else time.monotonic() + self.budget
        failure = None
        for attempt in range(attempts):
            if attempt:
                delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, failure.retry_after)
                if deadline is not None and time.monotonic() + delay + self.timeouts[0] > deadline:
                    raise failure  # no time left to connect again: the last failure is the answer
                self._sleep(delay)
            try:
                response = self._send(method, url, params, json_body, self._attempt_timeout(deadline))
            except requests.RequestException as exc:
                failure = self._connection_error(exc)
                if not may_retry_after_exception(exc, idempotent):
                    raise failure from None
                self.logger.info("%s %s %s failed (%s), attempt %s/%s", self.service, method,
                                 self.redact(path), failure, attempt + 1, attempts)
                continue
            body, is_json = _decode_json(response)
            failure = self.error_from_response(response, body)
            if failure is None:
                if not is_json:
                    raise self._scrubbed(self.error_class(
                        status=response.status_code, title="Invalid Response",
                        detail=f"{self.service} answered with a body that is not JSON."))
                return body
            failure.retry_after = parse_retry_after(response.headers.get("Retry-After"))
            self._scrubbed(failure)
            if not may_retry_status(response.status_code, idempotent):
                raise failure
            self.logger.info("%s %s %s answered %s, attempt %s/%s", self.service, method,
                             self.redact(path), response.status_code, attempt + 1, attempts)
        raise self._retries_exhausted(failure, attempts)

    def _attempt_timeout(self, deadline):
        """The ``(connect, read)`` timeouts of the next attempt: the client's, cut to what is left of the budget."""
        if deadline is None:
            return self.timeout
        left = max(deadline - time.monotonic(), 0.001)
        if isinstance(self.timeout, tuple):
            return tuple(min(seconds, left) for seconds in self.timeout)
        return min(self.timeout, left)

    def _send(self, method, url, params, json_body, timeout):
        started = time.monotonic()
        response = self.session.request(method, url, params=params, json=json_body, timeout=timeout)
        self.logger.debug("%s %s %s -> %s in %.3fs", self.service, method, self.redact(response.url),
                          response.status_code, time.monotonic() - started)
        return response

    # ------------------------------------------------------------- errors

    def redact(self, text):
        """``text`` with every secret of this client replaced by ``***``."""
        return redact(text, self.secrets)

    def _connection_error(self, exc):
        connect_timeout, read_timeout = self.timeouts
        params = {"service": self.service, "url": self.base_url}
        if isinstance(exc, requests.ConnectTimeout):
            reason, params["seconds"] = CONNECT_TIMEOUT, connect_timeout
            detail = f"{self.service} could not be reached at {self.base_url} within {connect_timeout} seconds."
        elif isinstance(exc, requests.Timeout):
            reason, params["seconds"] = READ_TIMEOUT, read_timeout
            detail = f"{self.service} did not answer within {read_timeout} seconds."
        else:
            reason, params["cause"] = UNREACHABLE, end_sentence(root_cause(exc))
            detail = f"{self.service} could not be reached at {self.base_url}: {params['cause']}"
        error = self.connection_error_class(status=None, title="Connection Failed", detail=detail)
        error.reason, error.params = reason, params
        return self._scrubbed(error)

    def _retries_exhausted(self, failure, attempts):
        """The last ``failure`` (kept as ``failure``) and how many ``attempts`` were made."""
        plural = "attempt" if attempts == 1 else "attempts"
        message = f"{failure} Gave up after {attempts} {plural}."
        error = self.retry_error_class(message, **failure.parts())
        error.failure, error.attempts = failure, attempts
        return self._scrubbed(error)

    def _scrubbed(self, error):
        """``error`` with the secrets masked in its message and text attributes."""
        error.args = tuple(self.redact(arg) for arg in error.args)
        if isinstance(getattr(error, "params", None), dict) and error.params:
            error.params = {key: self.redact(value) if isinstance(value, str) else value
                            for key, value in error.params.items()}
        for name, value in list(vars(error).items()):
            if isinstance(value, str):
                setattr(error, name, self.redact(value))
        return error


# ------------------------------------------------------------------ rules


def may_retry_status(status, idempotent):
    """429 is always retried (nothing was done); 5xx only when repeating is harmless."""
    if status == 429:
        return True
    return idempotent and status in RETRY_STATUSES


def may_retry_after_exception(exc, idempotent):
    """Retry when no connection was made, or when the call is idempotent and the failure transient."""
    if made_no_connection(exc):
        return True
    return idempotent and isinstance(exc, (requests.ConnectionError, requests.Timeout))


def made_no_connection(exc):
    """True when ``exc`` proves the request never reached the server (refused, unknown host, connect timeout)."""
    return any(isinstance(link, NO_CONNECTION_ERRORS) for link in exception_chain(exc))


def backoff_delay(attempt, base, cap, retry_after=None):
    """Seconds to wait before retry number ``attempt`` (1, 2, …).

    The server's ``Retry-After`` when it gave one, else exponential backoff
    with "equal jitter": between half and all of ``base * 2 ** (attempt - 1)``.
    Never more than ``cap``.
    """
    if retry_after is not None:
        return min(retry_after, cap)
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter, not crypto)


def parse_retry_after(value, now=None):
    """Seconds from a ``Retry-After`` header (delay in seconds or HTTP date), None if absent or unreadable."""
    if value is None:
        return None
    with contextlib.suppress(ValueError):  # not a number of seconds: an HTTP date, or unreadable
        return max(float(value), 0.0)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(moment.timestamp() - (time.time() if now is None else now), 0.0)


# --------------------------------------------------------------- messages


def redact(text, secrets):
    """``str(text)`` with each non-empty secret replaced by ``***`` (longest first)."""
    text = str(text)
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def clean_base_url(base_url, config_error_class):
    """``base_url`` without blanks or a trailing slash (``""`` when not given, for the service's default).

    Raises ``config_error_class`` (a service's configuration error) when it is not an http(s) URL.
    """
    base_url = (base_url or "").strip().rstrip("/")
    if base_url and not HTTP_URL_RE.match(base_url):
        raise config_error_class.of_reason(
            BASE_URL_NOT_HTTP, f"The {config_error_class.service} base URL must start with http:// or https://.",
            service=config_error_class.service)
    return base_url


def error_code(value):
    """A service's error code as a number, None when absent or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def end_sentence(text):
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def root_cause(exc):
    """The innermost error behind ``exc`` as readable text, e.g. "[Errno 111] Connection refused".

    Follows what the exceptions wrap explicitly (urllib3's ``reason``,
    exceptions in ``args``, ``__cause__``), and an implicit ``__context__``
    only when it is an ``OSError``: other contexts can be errors a library
    handled on the way (urllib3 1.26 leaves a ``TypeError`` behind a dropped
    connection).
    """
    cause, seen = exc, [exc]
    while True:
        inner = _wrapped(cause) or [context for context in (cause.__context__,) if isinstance(context, OSError)]
        if not inner or any(inner[0] is earlier for earlier in seen):
            break
        cause = inner[0]
        seen.append(cause)
    text = str(cause) or type(cause).__name__
    return _OBJECT_REPR_PREFIX.sub("", text)


def exception_chain(exc):
    """``exc`` and every exception behind it (wrapped, caused or in context), each once."""
    chain, pending = [], [exc]
    while pending:
        current = pending.pop(0)
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        pending.extend(_wrapped(current))
        if current.__context__ is not None:
            pending.append(current.__context__)
    return chain


def _wrapped(exc):
    """The exceptions ``exc`` wraps explicitly: urllib3's ``reason``, exceptions in ``args``, ``__cause__``."""
    candidates = (getattr(exc, "reason", None), *exc.args, exc.__cause__)
    return [candidate for candidate in candidates if isinstance(candidate, BaseException)]


def _decode_json(response):
    """``(body, is_json)``: the decoded body (None when empty or not JSON), and whether it was JSON."""
    if response.status_code == 204 or not response.content:
        return None, True
    try:
        return response.json(), True
    except ValueError:
        return None, False
