"""Fault injection for the /3.0 API: error statuses, delays and dropped sockets."""

import random
import threading
from dataclasses import dataclass


@dataclass
class Fault:
    """One armed fault; ``times=None`` means until cleared."""

    status: int | None = None
    times: int | None = 1
    retry_after: float | None = None
    delay: float | None = None
    drop: bool = False
    path_contains: str | None = None
    method: str | None = None
    title: str | None = None
    detail: str | None = None
    probability: float | None = None
    """Strike only this share of the matching requests (a seeded draw: runs repeat)."""

    def matches(self, method, path):
        if self.path_contains and self.path_contains not in path:
            return False
        return not self.method or self.method.upper() == method

    def as_dict(self):
        return dict(self.__dict__)


class FaultInjector:
    """Thread-safe queue of faults; each API request consumes at most one."""

    def __init__(self, seed=0):
        self._lock = threading.Lock()
        self._faults = []
        self._random = random.Random(seed)

    def add(
        self,
        status=None,
        times=1,
        retry_after=None,
        delay=None,
        drop=False,
        path_contains=None,
        method=None,
        title=None,
        detail=None,
        probability=None,
    ):
        """Arm a fault for the next ``times`` matching API requests.

        ``status`` answers with that problem+json status (429 adds ``Retry-After``
        only when ``retry_after`` is given), ``delay`` sleeps that many seconds
        before answering (normally, or with ``status``), ``drop`` closes the
        socket without a response. ``path_contains`` / ``method`` restrict it;
        ``probability`` strikes only that share of the matching requests.
        """
        if status is None and delay is None and not drop:
            raise ValueError("a fault needs status, delay or drop")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None (until cleared)")
        if probability is not None and not 0 < probability <= 1:
            raise ValueError("probability must be in (0, 1]")
        fault = Fault(status, times, retry_after, delay, drop, path_contains, method, title, detail, probability)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults.clear()

    @property
    def pending(self):
        """Snapshot of the armed faults."""
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    def take(self, method, path):
        """Consume and return the first fault matching this request, or None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path) and (
                        fault.probability is None or self._random.random() < fault.probability):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None
