"""The state of the SerwerSMS stand-in: accounts, groups, contacts, blacklist, armed gateway errors.

Every action answers as the HTTPS API v2 does (api-facts, part 2): a dict on
success, :class:`GatewayError` (sent as HTTP 200 with ``{"error": {...}}``) on
failure. Thread-safe: one lock around every action.
"""
import math
import re
import threading
from dataclasses import dataclass, field

DEFAULT_TOKEN = "standin-serwersms-token-0123456789"
DEFAULT_USER = ("api_user", "api-password")
MAX_LIMIT = 500
_PHONE_INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PHONE_POLISH = re.compile(r"^(?:48)?([0-9]{9})$")

ERRORS = {  # code: (type, message) as the gateway's documentation lists them
    1000: ("InvalidAction", "Not specified action to execute"),
    1001: ("InvalidUser", "Incorrect login or password"),
    1002: ("InvalidRole", "The user does not have permission to use the API"),
    1004: ("InvalidID", "Invalid parameter ID"),
    1005: ("InvalidRole", "No permission"),
    2000: ("ValidationRequiredError", "Missing required parameters"),
    2001: ("ValidationPhoneError", "Invalid phone number"),
}


class GatewayError(Exception):
    """An error the gateway answers with HTTP 200 and ``{"error": {code, type, message}}``."""

    def __init__(self, code, message=None, error_type=None):
        default_type, default_message = ERRORS.get(code, ("Error", "Error"))
        self.code = code
        self.type = error_type or default_type
        self.message = message or default_message
        super().__init__(self.message)

    def as_body(self):
        return {"error": {"code": self.code, "type": self.type, "message": self.message}}


@dataclass
class ArmedError:
    """A gateway error for the next ``times`` calls of ``action`` (None: every action)."""

    code: int
    action: str | None = None
    times: int = 1
    message: str | None = None


@dataclass
class Store:
    tokens: list = field(default_factory=lambda: [DEFAULT_TOKEN])
    users: dict = field(default_factory=lambda: dict([DEFAULT_USER]))
    groups: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    blacklist: set = field(default_factory=set)
    armed: list = field(default_factory=list)
    next_id: int = 1
    lock: threading.RLock = field(default_factory=threading.RLock)

    # ------------------------------------------------------------ plumbing

    def handle(self, action, body, authorization):
        """The answer of ``action`` (e.g. ``contacts/import``) to ``body``; raises :class:`GatewayError`."""
        with self.lock:
            self._authenticate(body, authorization)
            self._raise_armed(action)
            handler = ACTIONS.get(action)
            if handler is None:
                raise GatewayError(1000)
            return handler(self, body)

    def _authenticate(self, body, authorization):
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip() in self.tokens:
            return
        username, password = body.get("username"), body.get("password")
        if username and self.users.get(username) == password:
            return
        raise GatewayError(1001)

    def _raise_armed(self, action):
        for armed in self.armed:
            if armed.action in (None, action):
                armed.times -= 1
                if armed.times <= 0:
                    self.armed.remove(armed)
                raise GatewayError(armed.code, armed.message)

    def arm_error(self, code, action=None, times=1, message=None):
        with self.lock:
            self.armed.append(ArmedError(int(code), action, int(times), message))

    def _new_id(self):
        self.next_id += 1
        return self.next_id

    def snapshot(self):
        """Groups with their contacts, for tests and the control route."""
        with self.lock:
            return {"groups": [{**group, "contacts": self._group_contacts(group["id"])}
                               for group in self.groups.values()],
                    "blacklist": sorted(self.blacklist)}

    def _group_contacts(self, group_id):
        return [dict(contact) for contact in self.contacts.values() if contact["group_id"] == group_id]

    def group_by_name(self, name):
        with self.lock:
            return next((group for group in self.groups.values() if group["name"] == name), None)

    def contacts_of(self, group_id):
        with self.lock:
            return self._group_contacts(group_id)

    # ------------------------------------------------------------ validation

    def _phone(self, value):
        """The number as the gateway stores it (+48 added to a Polish one), or None when it refuses it."""
        text = re.sub(r"[\s\-()]", "", str(value or ""))
        polish = _PHONE_POLISH.match(text)
        if polish:
            text = f"+48{polish.group(1)}"
        if not _PHONE_INTERNATIONAL.match(text) or text in self.blacklist:
            return None
        return text

    @staticmethod
    def _required(body, *names):
        if any(body.get(name) in (None, "", []) for name in names):
            raise GatewayError(2000)

    def _group(self, group_id):
        group = self.groups.get(_int(group_id))
        if group is None:
            raise GatewayError(1004)
        return group

    def _contact(self, contact_id):
        contact = self.contacts.get(_int(contact_id))
        if contact is None:
            raise GatewayError(1004)
        return contact

    def _store_contact(self, group, values, phone, contact_id=None):
        contact_id = contact_id or self._new_id()
        self.contacts[contact_id] = {
            "id": contact_id, "phone": phone, "email": str(values.get("email") or ""),
            "first_name": str(values.get("first_name") or ""), "last_name": str(values.get("last_name") or ""),
            "company": str(values.get("company") or ""), "blacklist": False,
            "group_id": group["id"], "group_name": group["name"],
        }
        return contact_id

    # ------------------------------------------------------------ actions

    def account_limits(self, body):
        return {"items": [{"type": "eco", "chars_limit": 160, "value": 10000},
                          {"type": "full", "chars_limit": 918, "value": 5000}]}

    def groups_add(self, body):
        self._required(body, "name")
        group_id = self._new_id()
        self.groups[group_id] = {"id": group_id, "name": str(body["name"])}
        return {"success": True, "id": group_id}

    def groups_index(self, body):
        search = str(body.get("search") or "")
        items = [{**group, "count": len(self._group_contacts(group["id"]))}
                 for group in self.groups.values() if search.lower() in group["name"].lower()]
        return _page(items, body)

    def groups_view(self, body):
        group = self._group(body.get("id"))
        return {**group, "count": len(self._group_contacts(group["id"]))}

    def groups_delete(self, body):
        group = self._group(body.get("id"))
        for contact in self._group_contacts(group["id"]):
            del self.contacts[contact["id"]]
        del self.groups[group["id"]]
        return {"success": True}

    def contacts_add(self, body):
        self._required(body, "group_id", "phone")
        group = self._group(body["group_id"])
        phone = self._phone(body["phone"])
        if phone is None:
            raise GatewayError(2001)
        return {"success": True, "id": self._store_contact(group, body, phone)}

    def contacts_edit(self, body):
        self._required(body, "id", "group_id", "phone")
        contact = self._contact(body["id"])
        group = self._group(body["group_id"])
        phone = self._phone(body["phone"])
        if phone is None:
            raise GatewayError(2001)
        self._store_contact(group, body, phone, contact_id=contact["id"])
        return {"success": True, "id": contact["id"]}

    def contacts_delete(self, body):
        contact = self._contact(body.get("id"))
        del self.contacts[contact["id"]]
        return {"success": True}

    def contacts_view(self, body):
        return dict(self._contact(body.get("id")))

    def contacts_index(self, body):
        search = str(body.get("search") or "").lower()
        items = [contact for contact in self.contacts.values()
                 if (not body.get("group_id") or contact["group_id"] == _int(body["group_id"]))
                 and (not search or any(search in str(contact[key]).lower()
                                        for key in ("phone", "email", "first_name", "last_name")))]
        return _page(sorted(items, key=lambda contact: contact["id"]), body)

    def contacts_import(self, body):
        """Contacts into the group named ``group_name`` (created if missing); bad or blacklisted numbers fail."""
        self._required(body, "group_name", "contact")
        if not isinstance(body["contact"], list):
            raise GatewayError(1006, "Incorrect data format", "InvalidData")
        group = next((group for group in self.groups.values() if group["name"] == body["group_name"]), None)
        if group is None:
            group = self.groups[self.groups_add({"name": body["group_name"]})["id"]]
        correct = failed = 0
        for values in body["contact"]:
            phone = self._phone(values.get("phone")) if isinstance(values, dict) else None
            if phone is None:
                failed += 1
                continue
            self._store_contact(group, values, phone)
            correct += 1
        return {"success": True, "id": self._new_id(), "correct": correct, "failed": failed}


ACTIONS = {
    "account/limits": Store.account_limits,
    "groups/add": Store.groups_add,
    "groups/index": Store.groups_index,
    "groups/view": Store.groups_view,
    "groups/delete": Store.groups_delete,
    "contacts/add": Store.contacts_add,
    "contacts/edit": Store.contacts_edit,
    "contacts/delete": Store.contacts_delete,
    "contacts/view": Store.contacts_view,
    "contacts/index": Store.contacts_index,
    "contacts/import": Store.contacts_import,
}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise GatewayError(1004) from None


def _page(items, body):
    limit = max(1, min(_int(body.get("limit") or MAX_LIMIT), MAX_LIMIT))
    page = max(1, _int(body.get("page") or 1))
    start = (page - 1) * limit
    return {"paging": {"page": page, "count": math.ceil(len(items) / limit)}, "items": items[start:start + limit]}
