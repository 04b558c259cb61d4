"""The one Mailchimp client of the add-on.

Every call to the Mailchimp Marketing API v3 goes through
:meth:`MailchimpClient.request`: connection reuse, timeouts, the
10-connection limit, retries with exponential backoff and jitter, error
mapping to :class:`MailchimpError`, and logging without secrets all live here.

It talks HTTP with ``requests`` directly rather than through the official
``mailchimp-marketing`` SDK (3.0.80) because the SDK opens a new connection
per call, has no retries, returns error bodies as raw JSON strings, silently
returns a response for empty-bodied 4xx/5xx answers and rewrites the word
``server`` anywhere in the URL (api-facts 1.13). The SDK stays pinned for the
tests that check the stand-in against it.
"""
import logging
import random
import time

import requests
from requests.adapters import HTTPAdapter

from .errors import MailchimpConnectionError, MailchimpError, MailchimpRetryError
from .member_payload import subscriber_hash

_logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 10
MAX_PAGE_SIZE = 1000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
USER_AGENT = "mailchimp_sync-odoo/18.0"


class MailchimpClient:
    """A Mailchimp API session for one set of :class:`Credentials`.

    ``timeout`` is ``(connect, read)`` seconds. ``max_retries`` counts the
    extra attempts after the first one. ``sleep`` is injectable so tests can
    check the backoff without waiting.
    """

    def __init__(self, credentials, *, timeout=(5.0, 120.0), max_retries=4, backoff_base=0.5,
                 backoff_cap=30.0, max_connections=MAX_CONNECTIONS, sleep=time.sleep):
        self.credentials = credentials
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self.session = self._build_session(max_connections)

    def _build_session(self, max_connections):
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max_connections, pool_block=True, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.auth = self.credentials.basic_auth()
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        session.headers.update(self.credentials.auth_headers())
        return session

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ------------------------------------------------------------------ core

    def request(self, method, path, *, params=None, json_body=None, idempotent=None):
        """Call ``method path`` and return the decoded JSON body (``None`` for 204).

        Retries 429, 5xx and connection failures with exponential backoff and
        jitter, honouring ``Retry-After``. A non-idempotent call (a plain
        ``POST``) is retried only when Mailchimp certainly did not act on it
        (429, or the connection could not be opened), unless the caller says
        the call is ``idempotent`` (e.g. a batch upsert).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = f"{self.credentials.base_url}/{path.lstrip('/')}"
        attempts = self.max_retries + 1
        last_failure = None
        for attempt in range(attempts):
            if attempt:
                self._sleep(self._backoff(attempt, last_failure))
            try:
                response = self._send(method, url, params, json_body)
            except requests.RequestException as exc:
                last_failure = self._connection_error(exc)
                if not self._may_retry_after_exception(exc, idempotent):
                    raise last_failure from None
                _logger.info("Mailchimp %s %s failed (%s), attempt %s/%s", method, path,
                             last_failure, attempt + 1, attempts)
                continue
            if response.status_code < 300:
                return self._decode_success(response)
            last_failure = self._http_error(response)
            if not self._may_retry_status(response.status_code, idempotent):
                raise last_failure
            _logger.info("Mailchimp %s %s answered %s, attempt %s/%s", method, path,
                         response.status_code, attempt + 1, attempts)
        raise self._retries_exhausted(last_failure, attempts)

    def _send(self, method, url, params, json_body):
        started = time.monotonic()
        response = self.session.request(method, url, params=params, json=json_body, timeout=self.timeout)
        _logger.debug("Mailchimp %s %s -> %s in %.3fs", method, self.credentials.redact(response.url),
                      response.status_code, time.monotonic() - started)
        return response

    def _backoff(self, attempt, failure):
        retry_after = getattr(failure, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self.backoff_cap)
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter, not crypto)

    @staticmethod
    def _may_retry_status(status, idempotent):
        if status == 429:
            return True
        return idempotent and status in RETRY_STATUSES

    @staticmethod
    def _may_retry_after_exception(exc, idempotent):
        connect_failed = isinstance(exc, (requests.ConnectTimeout,)) or (
            isinstance(exc, requests.ConnectionError) and "NewConnectionError" in repr(exc)
        )
        transient = isinstance(exc, (requests.ConnectionError, requests.Timeout))
        return connect_failed or (idempotent and transient)

    @staticmethod
    def _decode_success(response):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise MailchimpError(
                status=response.status_code, title="Invalid Response",
                detail="Mailchimp answered with a body that is not JSON.",
            ) from None

    def _http_error(self, response):
        try:
            problem = response.json() if response.content else None
        except ValueError:
            problem = None
        fallback = "" if problem else (response.reason or f"HTTP {response.status_code}")
        error = MailchimpError.from_problem(response.status_code, problem, fallback_text=fallback)
        error.retry_after = _parse_retry_after(response.headers.get("Retry-After"))
        return self._redacted(error)

    def _connection_error(self, exc):
        if isinstance(exc, requests.Timeout):
            detail = f"Mailchimp did not answer within {self._read_timeout()} seconds."
        else:
            detail = f"Mailchimp could not be reached at {self.credentials.base_url}: {_root_cause(exc)}."
        return MailchimpConnectionError(status=None, title="Connection Failed", detail=self.credentials.redact(detail))

    def _read_timeout(self):
        return self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout

    def _retries_exhausted(self, failure, attempts):
        detail = f"{failure} Gave up after {attempts} attempts."
        return MailchimpRetryError(
            detail, status=failure.status, title=failure.title, detail=failure.detail,
            errors=failure.errors, problem_type=failure.problem_type, instance=failure.instance,
        )

    def _redacted(self, error):
        error.detail = self.credentials.redact(error.detail)
        error.args = tuple(self.credentials.redact(arg) for arg in error.args)
        return error

    # ------------------------------------------------------------- helpers

    def get(self, path, **params):
        return self.request("GET", path, params=params or None)

    def iter_collection(self, path, items_key, *, page_size=MAX_PAGE_SIZE, **params):
        """Yield every item of a paged collection (``count``/``offset``/``total_items``)."""
        offset = 0
        while True:
            page = self.request("GET", path, params={**params, "count": page_size, "offset": offset})
            items = page.get(items_key) or []
            yield from items
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                return

    # ---------------------------------------------------------- endpoints

    def ping(self):
        return self.request("GET", "ping")

    def get_account(self):
        return self.request("GET", "")

    def get_lists(self):
        return list(self.iter_collection("lists", "lists"))

    def get_list(self, list_id):
        return self.request("GET", f"lists/{list_id}")

    def create_list(self, body):
        return self.request("POST", "lists", json_body=body)

    def get_member(self, list_id, email):
        return self.request("GET", f"lists/{list_id}/members/{subscriber_hash(email)}")

    def iter_members(self, list_id, **params):
        return self.iter_collection(f"lists/{list_id}/members", "members", **params)

    def upsert_member(self, list_id, email, body):
        return self.request("PUT", f"lists/{list_id}/members/{subscriber_hash(email)}", json_body=body)

    def update_member(self, list_id, email, body):
        return self.request("PATCH", f"lists/{list_id}/members/{subscriber_hash(email)}", json_body=body)

    def archive_member(self, list_id, email):
        return self.request("DELETE", f"lists/{list_id}/members/{subscriber_hash(email)}")

    def delete_member_permanently(self, list_id, email):
        return self.request(
            "POST", f"lists/{list_id}/members/{subscriber_hash(email)}/actions/delete-permanent"
        )

    def batch_subscribe(self, list_id, members, *, update_existing=True):
        """Batch upsert of at most 500 members; per-member errors come back in the body."""
        body = {"members": list(members), "update_existing": update_existing}
        return self.request("POST", f"lists/{list_id}", json_body=body, idempotent=True)

    def get_interest_categories(self, list_id):
        return list(self.iter_collection(f"lists/{list_id}/interest-categories", "categories"))

    def get_interests(self, list_id, category_id):
        return list(self.iter_collection(
            f"lists/{list_id}/interest-categories/{category_id}/interests", "interests"))

    def create_interest_category(self, list_id, body):
        return self.request("POST", f"lists/{list_id}/interest-categories", json_body=body)

    def create_interest(self, list_id, category_id, body):
        return self.request("POST", f"lists/{list_id}/interest-categories/{category_id}/interests", json_body=body)

    def get_merge_fields(self, list_id):
        return list(self.iter_collection(f"lists/{list_id}/merge-fields", "merge_fields"))

    def create_merge_field(self, list_id, body):
        return self.request("POST", f"lists/{list_id}/merge-fields", json_body=body)


def _parse_retry_after(value):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return max(seconds, 0.0)


def _root_cause(exc):
    cause = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    text = str(cause) or type(cause).__name__
    return text.split(": ", 1)[-1] if "object at 0x" in text else text

