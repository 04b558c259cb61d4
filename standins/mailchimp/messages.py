"""Request/response values passed between the HTTP layer, the API and batches."""

import json
from dataclasses import dataclass, field

from . import errors, util


@dataclass
class ApiRequest:
    method: str
    path: str
    query: dict
    raw_body: bytes = b""
    headers: dict = field(default_factory=dict)

    def json(self):
        """Parsed body; empty or ``null`` (the SDK's "no body") is ``{}``."""
        text = self.raw_body.decode("utf-8", "replace").strip()
        if not text:
            return {}
        try:
            body = json.loads(text)
        except ValueError:
            raise errors.json_parse_error() from None
        return {} if body is None else body

    def flag(self, name):
        return util.parse_bool(self.query.get(name))


@dataclass
class ApiResponse:
    status: int
    payload: object = None
    headers: dict = field(default_factory=dict)
