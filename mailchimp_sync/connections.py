"""Mailchimp's 10 simultaneous connections per API key, shared by the sync runs of several cron workers.

Mailchimp answers ``429 Too Many Requests`` ("You have exceeded the limit of 10
simultaneous connections") to an API key's eleventh request at once. Odoo syncs
several audiences at once (one per cron worker, :data:`SYNC_LANES` at most), and
each run keeps batch calls open in threads while its own thread makes single
calls (a member read before a re-subscription, a rename, an archive). So:

* the runs of an API key (of every account using it) lease their connections from
  :data:`RUN_SLOTS` slots held in PostgreSQL (``mailchimp_audience_sync.py``: one advisory lock per slot, so the
  count holds across threads and processes, and a dead worker's slots are freed
  with its connection); a run's lease counts its own thread too;
* :data:`RESERVED` connections stay for the one-off calls outside the runs (the
  hourly pull, the journal's worker, a button, the customer's panel); a 429 that
  still comes is retried by ``json_http`` after a pause;
* a run asks for :func:`run_lease` slots: its account's ``max_in_flight`` batch
  calls plus its own thread, but no more than an even share of the slots among
  the runs that can go at once (:func:`concurrent_runs`), so that a second
  worker's run starts at once instead of waiting for the first one's end.
"""

CONNECTION_LIMIT = 10  # Mailchimp's simultaneous connections per API key
RESERVED = 2  # left to one-off calls outside the sync runs
RUN_SLOTS = CONNECTION_LIMIT - RESERVED
SYNC_LANES = 4  # the sync's cron jobs: at most this many audiences are synced at once
MIN_LEASE = 2  # a run's own thread and one batch call


def concurrent_runs(cron_threads, lanes=SYNC_LANES):
    """How many runs can go at once: one per cron worker, at most one per lane (never fewer than one)."""
    return max(1, min(int(cron_threads or 0), lanes))


def run_lease(max_in_flight, cron_threads, lanes=SYNC_LANES):
    """The slots a run asks for: ``max_in_flight`` batch calls and its own thread, within its even share."""
    share = max(MIN_LEASE, RUN_SLOTS // concurrent_runs(cron_threads, lanes))
    return max(MIN_LEASE, min(int(max_in_flight or 1) + 1, share))


def batch_calls(lease):
    """The batch calls a run keeps open at once with ``lease`` slots (its own thread has one)."""
    return max(1, lease - 1)
