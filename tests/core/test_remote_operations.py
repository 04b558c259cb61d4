"""The journal's rules: what a worker does with a failure and with an operation it finds running."""
import pytest

from mailchimp_sync.remote_operations import (
    FAILED,
    MAX_ATTEMPTS,
    OUTCOME_DONE,
    OUTCOME_REDO,
    OUTCOME_UNKNOWN,
    QUEUED,
    SCHEDULE,
    SEND,
    after_unknown_failure,
    campaign_outcome,
    open_key,
    refused,
)


def test_one_open_key_per_kind_and_target():
    assert open_key(SEND, 7) == open_key(SEND, 7)
    assert open_key(SEND, 7) != open_key(SCHEDULE, 7)
    assert open_key(SEND, 7) != open_key(SEND, 8)


@pytest.mark.parametrize(("status", "expected"), [(400, True), (404, True), (429, True), (500, False),
                                                  (503, False), (None, False)])
def test_only_an_answer_that_refused_proves_nothing_happened(status, expected):
    assert refused(status) is expected


@pytest.mark.parametrize(("kind", "status", "expected"), [
    (SEND, "sent", OUTCOME_DONE), (SEND, "sending", OUTCOME_DONE),
    (SEND, "save", OUTCOME_REDO), (SEND, "paused", OUTCOME_REDO),
    (SEND, "schedule", OUTCOME_UNKNOWN), (SEND, "canceled", OUTCOME_UNKNOWN),
    (SCHEDULE, "schedule", OUTCOME_DONE), (SCHEDULE, "sent", OUTCOME_DONE),
    (SCHEDULE, "save", OUTCOME_REDO), (SCHEDULE, "archived", OUTCOME_UNKNOWN),
])
def test_a_campaign_found_running_is_resolved_by_its_status_in_mailchimp(kind, status, expected):
    assert campaign_outcome(kind, status) == expected


def test_an_operation_not_made_is_tried_again_a_few_times_then_fails():
    assert after_unknown_failure(1) == QUEUED
    assert after_unknown_failure(MAX_ATTEMPTS - 1) == QUEUED
    assert after_unknown_failure(MAX_ATTEMPTS) == FAILED
