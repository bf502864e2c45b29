"""A router that finds a named route at once when building URLs, and tries few on a request.

Starlette's router tries every route in turn, and each miss raises and catches an exception;
a gallery page builds about thirty URLs, which made URL building its single largest cost.
Dispatch, too, tried every route (about forty regular expressions for a like); now only the
routes that could match the path's first segment are tried, in their order.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route, Router
from starlette.types import Receive, Scope, Send


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

    def _candidates(self, path: str) -> list[BaseRoute]:
        """The routes that might match a path: those whose first segment is the path's, or is
        a parameter, in their original order."""
        index: tuple[dict[str, list[BaseRoute]], list[BaseRoute]] | None = getattr(
            self, "_by_segment", None
        )
        if index is None:
            segments = [_first_segment(route) for route in self.routes]
            buckets: dict[str, list[BaseRoute]] = {
                segment: [] for segment in segments if segment is not None
            }
            wild: list[BaseRoute] = []
            for route, segment in zip(self.routes, segments, strict=True):
                if segment is None:
                    wild.append(route)
                    for bucket in buckets.values():
                        bucket.append(route)
                else:
                    buckets[segment].append(route)
            index = self._by_segment = (buckets, wild)
        buckets, wild = index
        return buckets.get(path[1:].split("/", 1)[0], wild)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand a request to the first route that fully matches among the candidates; anything
        else (a partial match, a miss, lifespan) goes through Starlette's own dispatch."""
        if scope["type"] == "http" and not scope.get("root_path"):
            for route in self._candidates(scope["path"]):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
                if match is Match.PARTIAL:
                    break
        await super().app(scope, receive, send)


def _first_segment(route: BaseRoute) -> str | None:
    """A route's literal first path segment, or None when it is a parameter (or unknown)."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        return None
    segment = path[1:].split("/", 1)[0]
    return None if "{" in segment else segment
