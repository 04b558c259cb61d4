"""A contact collection kept in Mailchimp as a static segment: who is in it, what to add and remove, in batches.

:func:`plan_collection` sorts the collection's customers: a subscribed member
eligible by the sync's rules is in the segment, an eligible one who is not a
subscribed member yet is pushed first, everyone else is left out with every
reason (a collection never subscribes anybody by itself).
:func:`segment_batches` turns the segment's current addresses into the wanted
ones. Mailchimp compares addresses case-insensitively (the subscriber hash is
the MD5 of the lower-cased address), so the difference is computed on
lower-cased addresses and sent with the address as Odoo has it.
"""
from dataclasses import dataclass

from .const import STATUS_SUBSCRIBED
from .eligibility import check_eligibility

SEGMENT_BATCH_LIMIT = 500  # members_to_add / members_to_remove per call (api-facts 1.10)


@dataclass(frozen=True)
class SegmentBatch:
    """The body of one ``POST /lists/{id}/segments/{segment_id}``."""

    members_to_add: tuple
    members_to_remove: tuple

    def body(self):
        return {"members_to_add": list(self.members_to_add), "members_to_remove": list(self.members_to_remove)}


def segment_batches(wanted, current, limit=SEGMENT_BATCH_LIMIT):
    """The batches that turn the segment's ``current`` addresses into ``wanted``.

    Each batch adds and removes at most ``limit`` addresses; the result is empty
    when nothing changes. Addresses are kept in the order given (the add order
    the user sees in Mailchimp's activity).
    """
    wanted_by_key = {email.lower(): email for email in wanted}
    current_by_key = {email.lower(): email for email in current}
    to_add = [email for key, email in wanted_by_key.items() if key not in current_by_key]
    to_remove = [email for key, email in current_by_key.items() if key not in wanted_by_key]
    count = max(len(to_add), len(to_remove))
    return [
        SegmentBatch(tuple(to_add[start:start + limit]), tuple(to_remove[start:start + limit]))
        for start in range(0, count, limit)
    ]


# Why an eligible customer is left out once pushed (codes; the Odoo layer words them, the first with the status).
NOT_SUBSCRIBED = "not_subscribed"
NOT_A_MEMBER = "not_a_member"


@dataclass(frozen=True)
class CollectionPlan:
    """Who of a collection is in its segment, who must be pushed first, and who is left out and why."""

    wanted: tuple  # addresses of the segment
    to_push: tuple  # partner ids: eligible, not a subscribed member yet
    left_out: tuple  # (partner id, reason codes, Mailchimp status or None)


def plan_collection(partners, members, *, pushed=False):
    """Sort a collection's customers (:class:`PartnerData`) with their members ``{partner id: (email, status)}``.

    A customer who is not eligible by the rules of the sync is left out with
    every reason; an eligible one who is not a subscribed member is to be pushed
    first, or left out once ``pushed`` (Mailchimp kept it unsubscribed, pending…).
    A collection never subscribes anybody by itself.
    """
    wanted, to_push, left_out = [], [], []
    for partner in partners:
        eligibility = check_eligibility(partner)
        email, status = members.get(partner.partner_id, (None, None))
        if not eligibility.eligible:
            left_out.append((partner.partner_id, eligibility.reasons, None))
        elif status == STATUS_SUBSCRIBED:
            wanted.append(email)
        elif not pushed:
            to_push.append(partner.partner_id)
        else:
            left_out.append((partner.partner_id, (NOT_SUBSCRIBED,) if status else (NOT_A_MEMBER,), status))
    return CollectionPlan(tuple(wanted), tuple(to_push), tuple(left_out))
