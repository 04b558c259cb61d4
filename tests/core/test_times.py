from datetime import datetime, timezone

import pytest

from mailchimp_sync.times import parse_mailchimp_time, parse_mailchimp_time_naive


@pytest.mark.parametrize("value, expected", [
    ("2015-10-21T15:41:36+00:00", datetime(2015, 10, 21, 15, 41, 36)),
    ("2015-10-21T17:41:36+02:00", datetime(2015, 10, 21, 15, 41, 36)),  # another zone, read as UTC
    ("2015-10-21T15:41:36Z", datetime(2015, 10, 21, 15, 41, 36)),
    ("2015-10-21 15:41:36", datetime(2015, 10, 21, 15, 41, 36)),  # no zone: Mailchimp's UTC
])
def test_a_mailchimp_time_is_read_as_utc(value, expected):
    assert parse_mailchimp_time(value) == expected.replace(tzinfo=timezone.utc)
    assert parse_mailchimp_time_naive(value) == expected


@pytest.mark.parametrize("value", [None, "", "yesterday", 42])
def test_an_absent_or_odd_time_is_none(value):
    assert parse_mailchimp_time(value) is None
    assert parse_mailchimp_time_naive(value) is None
