"""The sync runs' share of Mailchimp's 10 simultaneous connections per API key."""
from mailchimp_sync.connections import (
    CONNECTION_LIMIT,
    RESERVED,
    RUN_SLOTS,
    SYNC_LANES,
    batch_calls,
    concurrent_runs,
    run_lease,
)


def test_runs_together_never_lease_more_than_the_slots_left_by_the_one_off_calls():
    assert RUN_SLOTS + RESERVED == CONNECTION_LIMIT == 10
    for cron_threads in range(1, 9):
        for max_in_flight in range(1, 11):
            together = concurrent_runs(cron_threads) * run_lease(max_in_flight, cron_threads)
            assert together <= RUN_SLOTS, (cron_threads, max_in_flight)


def test_one_worker_keeps_its_accounts_calls_at_once_and_two_share_evenly():
    assert run_lease(4, cron_threads=1) == 5 and batch_calls(5) == 4
    assert run_lease(10, cron_threads=1) == RUN_SLOTS
    assert run_lease(10, cron_threads=2) == 4 and batch_calls(4) == 3
    assert run_lease(3, cron_threads=2) == 4
    assert run_lease(1, cron_threads=2) == 2 and batch_calls(2) == 1


def test_more_workers_than_lanes_run_no_more_at_once_than_the_lanes():
    assert concurrent_runs(16) == SYNC_LANES
    assert concurrent_runs(0) == 1  # no cron thread configured: a run started by hand is alone
    assert run_lease(10, cron_threads=16) == RUN_SLOTS // SYNC_LANES
