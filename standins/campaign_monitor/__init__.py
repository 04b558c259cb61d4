"""A local, stateful stand-in for the Campaign Monitor API v3.3 (standard library only).

    from standins.campaign_monitor import CampaignMonitorStandinServer
    with CampaignMonitorStandinServer(demo=True) as cm:
        ...  # CampaignMonitorCredentials.from_key(cm.api_key, cm.client_id, base_url=cm.base_url)

One client (``GET /clients/{id}.json``), its lists, ``listsforemail``,
subscribers in the five states (Active, Unsubscribed, Unconfirmed, Bounced,
Deleted) with their campaign history (opens and clicks), add with
``Resubscribe`` and ``ConsentToTrack``, unsubscribe, delete; errors as
``{"Code", "Message"}``; HTTP faults (``cm.faults.add(status=503)``,
``drop=True``, ``delay=…``); control routes under ``/_standin`` (``GET
/state``, ``POST``/``DELETE /faults``, ``POST /subscribers``).
"""
from .demo import seed_demo
from .server import CampaignMonitorStandinServer
from .store import DEFAULT_API_KEY, DEFAULT_CLIENT_ID, STATES, ApiError

__all__ = ["DEFAULT_API_KEY", "DEFAULT_CLIENT_ID", "STATES", "ApiError", "CampaignMonitorStandinServer", "seed_demo"]
