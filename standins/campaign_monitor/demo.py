"""Demo data of the Campaign Monitor stand-in: four lists and the Odoo demo customers in every state.

Histories are dated back from ``anchor`` (the demo's day), newest first as
Campaign Monitor returns them.
"""
from datetime import UTC, datetime, timedelta

DEMO_LISTS = (
    ("a1b2c3d4e5f60718293a4b5c6d7e8f90", "Monthly newsletter"),
    ("b2c3d4e5f60718293a4b5c6d7e8f90a1", "Product updates"),
    ("c3d4e5f60718293a4b5c6d7e8f90a1b2", "Events and webinars"),
    ("d3e4f5a60718293a4b5c6d7e8f90a1b2", "Partners only"),
)
CAMPAIGNS = (  # (id, name, days before the anchor)
    ("fc0ce7105baeaf97f47c99be31d02a91", "November newsletter", 3),
    ("e1a2b3c4d5e6f708192a3b4c5d6e7f80", "Autumn sale: 20 % off", 12),
    ("d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f", "October newsletter", 33),
    ("c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e", "New desk range", 48),
)
# address: {list index: state}, and (campaign index, opened, clicked) received
DEMO_SUBSCRIBERS = {
    "wood.corner26@example.com": ({0: "Active", 1: "Unsubscribed", 2: "Unconfirmed"},
                                  ((0, True, True), (1, True, False), (2, False, False), (3, True, True))),
    "deco_addict@yourcompany.example.com": ({0: "Active", 3: "Bounced"}, ((0, True, False), (2, True, False))),
    "gemini_furniture@fake.geminifurniture.com": ({1: "Deleted", 2: "Active"}, ((1, False, False),)),
    "azure.Interior24@example.com": ({0: "Unsubscribed"}, ()),
}


def seed_demo(store, anchor=None):
    """Fill ``store`` with the demo lists and subscribers."""
    anchor = anchor or datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    for list_id, name in DEMO_LISTS:
        store.add_list(list_id, name)
    for email, (states, received) in DEMO_SUBSCRIBERS.items():
        history = [history_entry(CAMPAIGNS[index], anchor, opened, clicked) for index, opened, clicked in received]
        for list_index, state in states.items():
            store.put_subscriber(DEMO_LISTS[list_index][0], email, state, history=history)


def history_entry(campaign, anchor, opened, clicked):
    """One campaign of a subscriber's history with its ``Open`` and ``Click`` actions."""
    campaign_id, name, days = campaign
    sent = anchor - timedelta(days=days)
    actions = []
    if clicked:
        actions.append(_action("Click", sent + timedelta(hours=2), "https://example.com/offer"))
    if opened:
        actions.append(_action("Open", sent + timedelta(hours=1)))
    return {"ID": campaign_id, "Type": "Campaign", "Name": name, "Actions": actions}


def _action(event, moment, detail=""):
    return {"Event": event, "Date": moment.strftime("%Y-%m-%d %H:%M:%S"), "IPAddress": "192.0.2.10",
            "Detail": detail}
