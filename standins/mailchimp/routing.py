"""A tiny path router: ``/lists/{list_id}`` patterns, 404 vs 405 like Mailchimp."""

import re
import urllib.parse

from . import errors


class Router:
    def __init__(self):
        self._routes = []

    def route(self, method, pattern):
        """Decorator registering ``handler(api, request, **path_params)``."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "/?$")

        def register(handler):
            self._routes.append((regex, method, handler))
            return handler

        return register

    def resolve(self, method, path):
        """Return ``(handler, params)``; raise 404 for unknown paths, 405 for wrong methods."""
        allowed = set()
        for regex, route_method, handler in self._routes:
            match = regex.match(path)
            if match:
                if route_method == method:
                    params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
                    return handler, params
                allowed.add(route_method)
        if allowed:
            raise errors.method_not_allowed(allowed)
        raise errors.not_found()
