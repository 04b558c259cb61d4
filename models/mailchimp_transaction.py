"""The transactions of long work: commit a finished batch, undo what followed the last commit.

Every long job of the add-on (a sync run, a member import, an SMS group, the
webhook deliveries, the scheduled imports) works in batches and commits after
each one, so that a crash or a refused call loses only the batch under way and
the next run continues from there. They all commit and undo through these
functions, and nowhere else; no button commits (buttons queue their work for the
scheduled jobs).

Why tests use savepoints: an Odoo test runs in one transaction that is rolled
back at its end, and it may not commit (a commit would leave its data behind for
the next test). There a savepoint stands for each commit, so that undoing goes
back to the last "commit" and not further, as a rollback after a commit does in
production; the tests then see exactly what a crash would have kept.

Bookkeeping that other jobs may write at the same time (a run's end and report,
the pull's time) is committed with :func:`commit_retrying`: a concurrent update
refused by PostgreSQL is undone and the (local, so safe to redo) writes are made
again, instead of leaving the job half-ended.
"""
import logging
import random
import time

from odoo import modules, sql_db, tools
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

SAVEPOINT = "mailchimp_sync_commit"
COMMIT_ATTEMPTS = 5


def commits_allowed():
    """Whether this process may commit: not while tests run (see the module's docstring)."""
    return not tools.config["test_enable"] and not modules.module.current_test


def commit_if_allowed(env):
    """Commit a finished batch so that a crash loses nothing; in tests, a savepoint stands for the commit."""
    if commits_allowed():
        env.cr.commit()  # pylint: disable=invalid-commit
    else:
        env.cr.flush()
        env.cr.execute(f"SAVEPOINT {SAVEPOINT}")


def undo_since_commit(env):
    """Undo what followed the last commit (in tests: the last savepoint) and forget the cached values."""
    if commits_allowed():
        env.cr.rollback()
    else:
        env.cr.clear()
        env.cr.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")


def undo_request(env):
    """Undo the whole transaction of a request that holds nothing else yet (a webhook delivery applied alone:
    no savepoint taken for it) and forget the cached values. In tests, the request's test cursor goes back to
    where the request began."""
    env.cr.rollback()


def keep_transaction_time(env, now):
    """Give the cursor the transaction's time a query of ours already read (``now() AT TIME ZONE 'UTC'``), so
    that Odoo's first write of the transaction does not ask PostgreSQL for it again (``Cursor.now()``: one
    query per transaction). The value is the one Odoo would read: PostgreSQL's ``now()`` is the transaction's
    start whichever statement reads it. Only a real cursor that has not read it yet takes it (a test cursor
    has its own clock)."""
    if isinstance(env.cr, sql_db.Cursor) and env.cr._now is None:
        env.cr._now = now  # pylint: disable=protected-access  # Cursor.now() keeps it here until the commit


def commit_retrying(env, write, what, attempts=COMMIT_ATTEMPTS):
    """Make ``write()`` and commit it; on a concurrency error (serialization failure, deadlock, lock not
    available) undo since the last commit and do it again, up to ``attempts`` times, waiting a little more
    each time. Returns what ``write`` returned.

    Only for local writes that are safe to redo: ``write`` must never call a remote service. ``what`` names
    the work in the log ("serialization failure … retried" is what an operator, or the load bench, counts).
    """
    attempt = 1
    while True:
        try:
            result = write()
            commit_if_allowed(env)
            return result
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            undo_since_commit(env)
            if attempt >= attempts:
                raise
            _logger.info("Mailchimp %s: serialization failure (%s), retried (%s/%s)",
                         what, type(error).__name__, attempt, attempts - 1)
            time.sleep(random.uniform(0.05, 0.25) * attempt)
            attempt += 1


def describe_failure(error):
    """An unexpected error of long work in one line for the user: its kind and its message."""
    return f"{type(error).__name__}: {error}".strip()
