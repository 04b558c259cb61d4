"""A local, stateful stand-in for the Mailchimp Marketing API v3 (standard library only).

    from standins.mailchimp import StandinServer
    with StandinServer(seed="demo_seed.json") as srv:
        ...  # point the SDK at srv.base_url with srv.api_key

See :class:`StandinServer`, :mod:`.store` (state and test helpers),
:mod:`.control` (``/_standin`` routes) and :mod:`.seed` (seed format).
"""

from pathlib import Path

from .server import LoggedRequest, StandinServer
from .webhooks import WebhookDelivery

DEMO_SEED = Path(__file__).with_name("demo_seed.json")

__all__ = ["DEMO_SEED", "LoggedRequest", "StandinServer", "WebhookDelivery"]
