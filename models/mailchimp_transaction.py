"""The transactions of long work: commit a finished batch, undo what followed the last commit.

Every long job of the add-on (a sync run, a member import, an SMS group, the
webhook deliveries, the scheduled imports) works in batches and commits after
each one, so that a crash or a refused call loses only the batch under way and
the next run continues from there. They all commit and undo through these three
functions, and nowhere else; no button commits (buttons queue their work for the
scheduled jobs).

Why tests use savepoints: an Odoo test runs in one transaction that is rolled
back at its end, and it may not commit (a commit would leave its data behind for
the next test). There a savepoint stands for each commit, so that undoing goes
back to the last "commit" and not further, as a rollback after a commit does in
production; the tests then see exactly what a crash would have kept.
"""
from odoo import modules, tools

SAVEPOINT = "mailchimp_sync_commit"


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


def describe_failure(error):
    """An unexpected error of long work in one line for the user: its kind and its message."""
    return f"{type(error).__name__}: {error}".strip()
