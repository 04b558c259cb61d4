"""``/batches``: batch operations, run on submission, results as a gzipped tar of JSON.

Operations run synchronously when the batch is submitted, but the POST answers
``status: "pending"`` and only later GETs report ``"finished"``, so clients
exercise their polling loop. ``response_body_url`` points at
``/_standin/batch-results/<id>.tar.gz`` (no auth, like Mailchimp's S3 link).
"""

import io
import json
import tarfile
import threading
from dataclasses import dataclass, field

from . import errors, util
from .messages import ApiRequest

RESULTS_PREFIX = "/_standin/batch-results/"


@dataclass
class Batch:
    id: str
    submitted_at: object
    completed_at: object
    results: list = field(default_factory=list)
    polled: bool = False

    @property
    def errored(self):
        return sum(1 for result in self.results if result["status_code"] >= 400)


class Batches:
    """Batch resources of one stand-in; ``execute(request)`` runs a single operation."""

    def __init__(self, store, execute):
        self.store = store
        self._execute = execute
        self._batches = {}
        self._lock = threading.Lock()

    def submit(self, body):
        operations = body.get("operations") if isinstance(body, dict) else None
        if not isinstance(operations, list):
            raise errors.field_error("operations", "Schema describes array, NULL found instead")
        batch = Batch(self.store.new_hex_id(), self.store.now(), None)
        batch.results = [self._run(operation) for operation in operations]
        batch.completed_at = self.store.now()
        with self._lock:
            self._batches[batch.id] = batch
        return self.document(batch, finished=False)

    def _run(self, operation):
        operation = operation if isinstance(operation, dict) else {}
        body = operation.get("body") or ""
        if not isinstance(body, str):
            body = json.dumps(body)
        path = str(operation.get("path", ""))
        path = path[len("/3.0"):] if path.startswith("/3.0/") else path
        request = ApiRequest(str(operation.get("method", "GET")).upper(), path,
                             {k: str(v) for k, v in (operation.get("params") or {}).items()},
                             body.encode("utf-8"))
        try:
            response = self._execute(request)
            status, payload = response.status, response.payload
        except errors.ApiError as problem:
            status, payload = problem.status, problem.to_problem()
        return {"status_code": status, "operation_id": operation.get("operation_id"),
                "response": "" if payload is None else json.dumps(payload)}

    def get(self, batch_id):
        with self._lock:
            return errors.found(self._batches.get(batch_id))

    def status(self, batch_id):
        batch = self.get(batch_id)
        batch.polled = True
        return self.document(batch, finished=True)

    def collection(self, query):
        with self._lock:
            batches = list(self._batches.values())
        return self.store.page_document("batches", batches, query, lambda b: self.document(b, finished=b.polled),
                                        "/batches")

    def delete(self, batch_id):
        self.get(batch_id)
        with self._lock:
            del self._batches[batch_id]

    def document(self, batch, finished):
        return {
            "id": batch.id,
            "status": "finished" if finished else "pending",
            "total_operations": len(batch.results),
            "finished_operations": len(batch.results) if finished else 0,
            "errored_operations": batch.errored if finished else 0,
            "submitted_at": util.iso(batch.submitted_at),
            "completed_at": util.iso(batch.completed_at) if finished else "",
            "response_body_url": (f"{self.store.root_url}{RESULTS_PREFIX}{batch.id}.tar.gz"
                                  if finished else ""),
            "_links": [self.store.link("self", f"/batches/{batch.id}")],
        }

    def results_archive(self, batch_id):
        """The ``.tar.gz`` Mailchimp links to: one JSON file holding the result array."""
        batch = self.get(batch_id)
        content = json.dumps(batch.results).encode("utf-8")
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            info = tarfile.TarInfo(f"{batch.id}/{batch.id}.json")
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        return buffer.getvalue()
