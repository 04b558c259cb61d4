"""A local, stateful stand-in for the SerwerSMS.pl HTTPS API v2 (standard library only).

    from standins.serwersms import SmsStandinServer
    with SmsStandinServer() as gateway:
        ...  # SmsCredentials.from_token(gateway.token, base_url=gateway.base_url)

Groups, contacts (add, edit, delete, index, import by group name with
``correct``/``failed`` counts: invalid and blacklisted numbers fail), the
gateway's error format (HTTP 200 and ``{"error": {code, type, message}}``),
HTTP faults (``gateway.faults.add(status=503)``, ``drop=True``, ``delay=…``),
gateway errors (``gateway.store.arm_error(1001, action="contacts/import")``),
answers lost after the gateway acted (``gateway.lose_answer("contacts/import")``)
and control routes under ``/_standin`` (``GET /state``, ``GET /requests``,
``POST``/``DELETE /faults``, ``POST /errors``, ``POST /blacklist``).
"""
from .server import LoggedCall, SmsStandinServer
from .store import DEFAULT_TOKEN, DEFAULT_USER, GatewayError

__all__ = ["DEFAULT_TOKEN", "DEFAULT_USER", "GatewayError", "LoggedCall", "SmsStandinServer"]
