"""The journal's rules: what a worker does with a failure and with an operation it finds running."""
from datetime import datetime, timezone

import pytest

from mailchimp_sync.remote_operations import (
    FAILED,
    MAX_ATTEMPTS,
    OUTCOME_DONE,
    OUTCOME_REDO,
    OUTCOME_UNKNOWN,
    QUEUED,
    REPLICATE,
    SCHEDULE,
    SEGMENT_CHANGE,
    SEND,
    SMS_CONTACT_ADD,
    SMS_CONTACT_DELETE,
    UNSCHEDULE,
    WEBHOOK_DELETE,
    WEBHOOK_REGISTER,
    after_unknown_failure,
    campaign_outcome,
    open_key,
    presence_outcome,
    campaign_made_since,
    refused,
    replica_made,
)

STARTED = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


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
    (UNSCHEDULE, "save", OUTCOME_DONE), (UNSCHEDULE, "paused", OUTCOME_DONE),
    (UNSCHEDULE, "schedule", OUTCOME_REDO), (UNSCHEDULE, "sent", OUTCOME_UNKNOWN),
    (UNSCHEDULE, "sending", OUTCOME_UNKNOWN),
])
def test_a_campaign_found_running_is_resolved_by_its_status_in_mailchimp(kind, status, expected):
    assert campaign_outcome(kind, status) == expected


def test_an_operation_not_made_is_tried_again_a_few_times_then_fails():
    assert after_unknown_failure(1) == QUEUED
    assert after_unknown_failure(MAX_ATTEMPTS - 1) == QUEUED
    assert after_unknown_failure(MAX_ATTEMPTS) == FAILED


@pytest.mark.parametrize("kind", [SMS_CONTACT_ADD, WEBHOOK_REGISTER, SEGMENT_CHANGE, REPLICATE])
def test_an_add_found_running_is_done_when_the_service_has_it_and_made_again_when_not(kind):
    assert presence_outcome(kind, present=True) == OUTCOME_DONE
    assert presence_outcome(kind, present=False) == OUTCOME_REDO


@pytest.mark.parametrize("kind", [SMS_CONTACT_DELETE, WEBHOOK_DELETE])
def test_a_removal_found_running_is_done_when_the_service_no_longer_has_it(kind):
    assert presence_outcome(kind, present=False) == OUTCOME_DONE
    assert presence_outcome(kind, present=True) == OUTCOME_REDO


def test_a_kind_that_neither_adds_nor_removes_has_no_presence_rule():
    with pytest.raises(ValueError, match="neither adds nor removes"):
        presence_outcome(SEND, present=True)


def copy_document(title, create_time):
    return {"id": "c1", "settings": {"title": title}, "create_time": create_time}


def test_a_replicate_found_running_finds_the_copy_mailchimp_made_since_it_started():
    made = [copy_document("Spring (copy 01)", "2026-12-07T09:00:02+00:00")]
    assert replica_made(made, "Spring", STARTED)


def test_an_older_copy_or_another_campaign_is_not_taken_for_the_replicate_found_running():
    older = copy_document("Spring (copy 01)", "2026-12-06T09:00:00+00:00")
    other = copy_document("Summer (copy 01)", "2026-12-07T09:00:02+00:00")
    undated = copy_document("Spring (copy 02)", None)
    assert not replica_made([older, other, undated], "Spring", STARTED)


def test_a_copy_dated_a_little_before_the_start_counts_since_clocks_differ():
    skewed = copy_document("Spring (copy 03)", "2026-12-07T08:58:00+00:00")
    assert replica_made([skewed], "Spring", STARTED)


def test_a_create_whose_answer_was_lost_finds_the_campaign_it_made_by_title_and_time():
    mine = copy_document("Autumn offer", "2026-12-07T09:00:01+00:00")
    older_namesake = copy_document("Autumn offer", "2026-11-30T09:00:00+00:00")
    other = copy_document("Winter offer", "2026-12-07T09:00:01+00:00")
    assert campaign_made_since([older_namesake, other, mine], STARTED, title="Autumn offer") is mine
    assert campaign_made_since([older_namesake, other], STARTED, title="Autumn offer") is None
