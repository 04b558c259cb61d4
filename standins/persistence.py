"""A stand-in's state kept in a file, so that a restarted demo agrees with its own database.

Only the demo uses it: ``tools/run`` starts each stand-in with ``--state .devenv/standins/<name>.state``.
Tests and a stand-in started without ``--state`` keep everything in memory, as before.

* Read on start (:meth:`PersistedState.start`): the store built as usual (seed, demo lists) is then
  given the saved attributes, so what the stand-in did before the restart is there again.
* Written on change: a daemon thread pickles the store every ``interval`` seconds under the store's
  lock and writes the file only when the bytes differ from the last ones written (one write a
  second at most however busy the stand-in is: a sync run's batches do not each write it); the last
  change is written when the stand-in stops (:meth:`PersistedState.close`).
* Atomically: a temporary file in the same directory, flushed to disk, then renamed over the old one;
  a stand-in killed while writing leaves the previous state whole.
* What belongs to one process is not saved: locks, thread-locals and the URLs of this run's port
  (``base_url``, ``root_url``).
* A file that cannot be read (truncated, not a state file, another stand-in's, saved by code whose
  classes changed) raises :class:`StateFileError` naming the file: the stand-in stops rather than
  start empty, because an empty stand-in next to a database that remembers its members, campaigns
  and groups is the very disagreement this module prevents. ``tools/run --reset`` starts both afresh.

The format is :mod:`pickle` of the store's attributes (the stand-ins' state is nested dataclasses,
sets and datetimes): the file is written and read by the same checkout's stand-in on the same
machine, never exchanged.
"""

import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path

FORMAT = 1
PER_RUN_ATTRIBUTES = frozenset({"base_url", "root_url"})
_PROCESS_TYPES = (type(threading.Lock()), type(threading.RLock()), threading.local, threading.Event)


class StateFileError(Exception):
    """The state file exists but cannot be used; the message says which and what to do."""


def store_lock(store):
    """The lock the store holds while it changes (``_lock`` of the Mailchimp stand-in, ``lock`` of the others)."""
    return getattr(store, "_lock", None) or store.lock


def store_state(store):
    """The store's attributes worth keeping: all but locks, thread-locals and this run's URLs."""
    return {name: value for name, value in vars(store).items()
            if name not in PER_RUN_ATTRIBUTES and not isinstance(value, _PROCESS_TYPES)}


def dump_state(store, standin):
    """The bytes of the state file of ``store`` (taken under its lock: a consistent snapshot)."""
    with store_lock(store):
        return pickle.dumps({"format": FORMAT, "standin": standin, "state": store_state(store)},
                            protocol=pickle.HIGHEST_PROTOCOL)


def write_atomically(path, data):
    """Replace ``path`` by ``data``: a temporary file next to it, synced, then renamed over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state(path, standin):
    """The saved attributes of the ``standin`` store in ``path``; None when there is no file yet."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StateFileError(f"{path}: cannot read the {standin} stand-in's saved state ({error}). "
                             "Fix the file's permissions, or start afresh with tools/run --reset.") from error
    try:
        document = pickle.loads(data)  # noqa: S301 - our own file, written by this module (see module doc)
    except Exception as error:  # noqa: BLE001 - unpickling raises almost anything on a damaged file
        raise _unusable(path, standin, f"{type(error).__name__}: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(
            document.get("state"), dict):
        raise _unusable(path, standin, "not a stand-in state file")
    if document.get("standin") != standin:
        raise _unusable(path, standin, f"it holds the {document.get('standin')} stand-in's state")
    return document["state"]


def _unusable(path, standin, why):
    return StateFileError(f"{path}: the {standin} stand-in's saved state cannot be used ({why}). "
                          "Start the demo afresh with tools/run --reset (or delete the file).")


def restore_state(store, state):
    """Give ``store`` the saved attributes (under its lock)."""
    with store_lock(store):
        for name, value in state.items():
            setattr(store, name, value)


class PersistedState:
    """Keeps the state of ``get_store()`` (called each time: a test reset may replace the store) in ``path``."""

    def __init__(self, path, get_store, standin, interval=1.0):
        self.path = Path(path)
        self.get_store = get_store
        self.standin = standin
        self.interval = interval
        self.writes = 0
        self.restored = False
        self._last = None
        self._stopped = threading.Event()
        self._thread = None

    def start(self):
        """Load the saved state into the store (raises :class:`StateFileError`), then watch for changes."""
        state = load_state(self.path, self.standin)
        if state is not None:
            restore_state(self.get_store(), state)
            self.restored = True
        self._last = dump_state(self.get_store(), self.standin)
        self._thread = threading.Thread(target=self._watch, name=f"{self.standin}-state", daemon=True)
        self._thread.start()
        return self

    def save_if_changed(self):
        """Write the file when the state differs from the last one written (or read); True when it wrote."""
        data = dump_state(self.get_store(), self.standin)
        if data == self._last:
            return False
        write_atomically(self.path, data)
        self._last = data
        self.writes += 1
        return True

    def close(self):
        """Stop watching and write the last change."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.save_if_changed()

    def _watch(self):
        while not self._stopped.wait(self.interval):
            try:
                self.save_if_changed()
            except OSError as error:  # a full disk: say it, keep serving, try again at the next change
                print(f"warning: could not save the {self.standin} stand-in's state to {self.path}: {error}",
                      file=sys.stderr, flush=True)


def serve(server, standin, state_path, banner):
    """The stand-ins' command line: serve until signalled, the state kept in ``state_path`` when given.

    Returns the exit status: 2 (with the reason on stderr) when the saved state cannot be used.
    """
    persisted = None
    if state_path:
        try:
            persisted = PersistedState(state_path, lambda: server.store, standin).start()
        except StateFileError as error:
            server.stop()
            print(f"error: {error}", file=sys.stderr, flush=True)
            return 2
        if persisted.restored:
            print(f"{standin} stand-in: state restored from {state_path}", flush=True)
    try:
        server.serve_until_signalled(banner)
    finally:
        if persisted is not None:
            persisted.close()
    return 0
