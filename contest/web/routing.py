"""A router that finds a named route at once when building URLs.

Starlette's router tries every route in turn, and each miss raises and catches an exception;
a gallery page builds about thirty URLs, which made URL building its single largest cost
(bench/web.py --only earns measures the gallery with and without this router). Dispatch is
Starlette's own.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Mount, NoMatchFound, Route, Router


class IndexedRouter(Router):
    """Router whose ``url_path_for`` looks the route up by name before falling back."""

    def _index(self) -> dict[str, BaseRoute]:
        index: dict[str, BaseRoute] | None = getattr(self, "_by_name", None)
        if index is None:
            index = {
                route.name: route
                for route in self.routes
                if isinstance(route, Route | Mount) and route.name
            }
            self._by_name = index
        return index

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """The path of a named route, found by name (unnamed or nested routes as before)."""
        route = self._index().get(name)
        if route is not None:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        return super().url_path_for(name, **path_params)
