"""The mass-change guard: when a run's removals are held back, and who leaves grouped by cause."""
import pytest

from mailchimp_sync.mass_change import (
    CUSTOMER_GONE,
    DEFAULT_MINIMUM,
    DEFAULT_SHARE_PERCENT,
    RemovalCause,
    group_by_cause,
    holds_back,
    removal_cause,
)


@pytest.mark.parametrize(("removals", "subscribed", "held"), [
    (0, 1000, False),
    (19, 50, False),  # over 10 % but fewer than 20: a small audience is not blocked
    (20, 1000, False),  # 2 %
    (100, 1000, False),  # exactly 10 % is not more than 10 %
    (101, 1000, True),
    (340, 400, True),
    (20, 100, True),
    (25, 0, True),  # nobody known as subscribed yet: any 20 removals are too many
])
def test_removals_are_held_when_more_than_the_share_and_at_least_the_minimum(removals, subscribed, held):
    assert holds_back(removals, subscribed, DEFAULT_SHARE_PERCENT, DEFAULT_MINIMUM) is held


def test_the_settings_move_the_threshold():
    assert holds_back(5, 20, 20, 5)
    assert not holds_back(4, 20, 20, 5)
    assert holds_back(1, 1, 50, 0)


def test_causes_name_the_customers_tags_when_their_group_was_unlinked():
    assert removal_cause("no_mapped_group", 7, ["Retail", "Prospects", "Retail"]) == \
        RemovalCause("no_mapped_group", ("Prospects", "Retail"))
    assert removal_cause("not_opted_in", 7, ["Retail"]) == RemovalCause("not_opted_in")
    assert removal_cause("archived", None) == RemovalCause(CUSTOMER_GONE)


def test_removals_are_grouped_by_cause_most_common_first():
    retail = removal_cause("no_mapped_group", 1, ["Retail"])
    causes = [retail] * 340 + [removal_cause("not_opted_in", 2)] * 3 + [removal_cause("archived", None)] * 3
    assert group_by_cause(causes) == [
        (retail, 340), (RemovalCause(CUSTOMER_GONE), 3), (RemovalCause("not_opted_in"), 3)]
