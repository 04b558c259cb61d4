"""A tiny loopback stand-in of Fake News: two lists, one token, every request logged."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "fake-news-token"
LIST_PATH = re.compile(r"^/lists/(?P<list_id>[\w-]+)/(?P<email>[^/]+)$")


class FakeNewsStandin:
    def __init__(self):
        self.lists = {"fn-daily": "Daily fakes", "fn-weekly": "Weekly fakes"}
        self.subscribed = set()  # (list id, email)
        self.request_log = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method, path, query, body):
        """(status, document) for one request."""
        if path == "/me":
            return 200, {"name": "Fake News Ltd"}
        if path == "/lists" and method == "GET":
            email = query.get("email", [""])[0].lower()
            return 200, {"lists": [{"id": list_id, "name": name,
                                    "status": "in" if (list_id, email) in self.subscribed else "out"}
                                   for list_id, name in self.lists.items()]}
        match = LIST_PATH.match(path)
        if match and method == "PUT" and match["list_id"] in self.lists:
            key = (match["list_id"], unquote(match["email"]).lower())
            (self.subscribed.add if body.get("subscribed") else self.subscribed.discard)(key)
            return 200, {"status": "in" if body.get("subscribed") else "out"}
        return 404, {"error": "not found"}

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                standin.request_log.append((self.command, url.path))
                if self.headers.get("Authorization") != f"Token {TOKEN}":
                    status, document = 401, {"error": "bad token"}
                else:
                    status, document = standin.answer(self.command, url.path, parse_qs(url.query), body)
                data = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = _serve

            def log_message(self, *args):
                pass

        return Handler
