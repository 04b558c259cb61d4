"""State container basics: lock, clock, ids, account and credentials."""

import random
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from . import errors, util


class StoreCore:
    """Lock, clock, id generation and the account; mixed into :class:`Store`."""

    def __init__(self, dc, base_url, root_url):
        self.dc = dc
        self.base_url = base_url
        self.root_url = root_url
        self._lock = threading.RLock()
        self._local = threading.local()
        self._random = random.Random()
        self._web_id = self._random.randint(100_000_000, 900_000_000)
        self._clock_offset = timedelta(0)
        self._frozen_at = None
        self.account = {}
        self.api_keys = []
        self.oauth_tokens = []

    # -- clock -------------------------------------------------------------

    def now(self):
        """Current stand-in time (UTC); see :meth:`advance_clock` / :meth:`set_clock`."""
        if self._frozen_at is not None:
            return self._frozen_at
        return datetime.now(timezone.utc) + self._clock_offset

    def advance_clock(self, seconds):
        """Move stand-in time forward, e.g. so ``last_changed`` differs between writes."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += timedelta(seconds=seconds)
            else:
                self._clock_offset += timedelta(seconds=seconds)

    def set_clock(self, moment=None):
        """Freeze stand-in time at ``moment`` (aware datetime); ``None`` unfreezes."""
        with self._lock:
            self._frozen_at = moment

    # -- ids ---------------------------------------------------------------

    def new_hex_id(self, length=10):
        return "".join(self._random.choice("0123456789abcdef") for _ in range(length))

    def new_web_id(self):
        self._web_id += self._random.randint(1, 97)
        return self._web_id

    # -- locking -----------------------------------------------------------

    @contextmanager
    def write(self):
        """Hold the store lock for a mutation; deliver queued webhooks after release.

        Webhooks are POSTed synchronously in the calling thread but outside the
        lock, so a receiver that calls back into the API cannot deadlock.
        Nested ``write()`` blocks deliver once, when the outermost one exits.
        """
        self._lock.acquire()
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._local.outbox = []
        self._local.depth = depth + 1
        succeeded = False
        try:
            yield
            succeeded = True
        finally:
            self._local.depth = depth
            outbox = self._local.outbox if depth == 0 else []
            if depth == 0:
                self._local.outbox = []
            self._lock.release()
            if succeeded and outbox:
                self._deliver_webhooks(outbox)

    def _enqueue_delivery(self, url, form):
        self._local.outbox.append((url, form))

    # -- credentials ---------------------------------------------------------

    def add_api_key(self, key=None):
        """Register (or create) an API key ``<32 hex>-<dc>``; returns it."""
        key = key or f"{self.new_hex_id(32)}-{self.dc}"
        with self._lock:
            self.api_keys.append(key)
        return key

    def add_oauth_token(self, token=None):
        token = token or self.new_hex_id(32)
        with self._lock:
            self.oauth_tokens.append(token)
        return token

    def revoke_credential(self, credential):
        """Forget an API key or OAuth token (later calls get 401 API Key Invalid)."""
        with self._lock:
            for bucket in (self.api_keys, self.oauth_tokens):
                if credential in bucket:
                    bucket.remove(credential)

    def check_api_key(self, key):
        """Raise the Mailchimp auth error for ``key``; return the key when valid."""
        secret, _, dc = key.partition("-")
        for known in self.api_keys:
            known_secret = known.partition("-")[0]
            if secret and secret == known_secret:
                if dc != self.dc:
                    raise errors.wrong_datacenter()
                return key
        raise errors.api_key_invalid()

    def check_oauth_token(self, token):
        if token and token in self.oauth_tokens:
            return token
        raise errors.api_key_invalid()

    # -- account -------------------------------------------------------------

    def oauth_metadata(self):
        """Body of ``GET https://login.mailchimp.com/oauth2/metadata``."""
        account = self.account
        return {
            "dc": self.dc,
            "role": account.get("role", "owner"),
            "accountname": account["account_name"],
            "user_id": account.get("user_id", 1),
            "login": {
                "email": account.get("email", ""),
                "avatar": None,
                "login_id": account.get("user_id", 1),
                "login_name": account.get("username", ""),
                "login_email": account.get("email", ""),
            },
            "login_url": "https://login.mailchimp.com",
            "api_endpoint": self.root_url,
        }

    def page_document(self, key, items, query, document, path, **parents):
        """A paged collection as Mailchimp answers it.

        The ``count``/``offset`` page of ``items``, each as ``document(item)``, under ``key``; then
        ``parents`` (``list_id=…``), ``total_items`` (all of ``items``) and the self link of ``path``.
        """
        return {key: [document(item) for item in util.page(items, query)], **parents,
                "total_items": len(items), "_links": [self.link("self", path)]}

    def link(self, rel, path, method="GET"):
        return {
            "rel": rel,
            "href": self.base_url + path,
            "method": method,
            "targetSchema": "https://us6.api.mailchimp.com/schema/3.0/Definitions/Root.json",
        }
