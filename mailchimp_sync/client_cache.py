"""Shared API clients, one per key, each for the credentials it was made with (thread-safe).

The Odoo layer keys its clients by database, model and record: one Odoo process
may serve several databases whose records share ids. A client replaced because
its credentials changed is dropped, never closed: another thread may be in the
middle of a request with it; its connections close when it is garbage-collected.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class ClientCache:
    """``get(key, credentials, factory)``: the cached client of ``key`` if made with ``credentials``, else a new one."""

    def __init__(self):
        self._clients: dict[Hashable, tuple[Any, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, credentials: Any, factory: Callable[[Any], Any]) -> Any:
        with self._lock:
            known = self._clients.get(key)
            if known and known[0] == credentials:
                return known[1]
            client = factory(credentials)
            self._clients[key] = (credentials, client)
            return client
