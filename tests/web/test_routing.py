"""Dispatch by first path segment finds the same route Starlette's full scan would."""

from starlette.routing import Match, Mount, Route

from contest.app import create_app
from contest.config import Config
from contest.web.routing import IndexedRouter
from tests.conftest import Site


def test_every_path_is_dispatched_to_the_route_a_full_scan_finds(config: Config) -> None:
    router = create_app(config).router
    assert isinstance(router, IndexedRouter)
    paths = ["/", "/entries/7/like", "/entries/7", "/contests/x/gallery", "/static/app.css"]
    paths += ["/manage", "/media/abc.jpg", "/nowhere", "/sign-in", "/vote/token"]
    for path in paths:
        scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
        full = [route for route in router.routes if route.matches(scope)[0] is Match.FULL]
        candidates = router._candidates(path)
        first = [route for route in candidates if route.matches(scope)[0] is Match.FULL]
        assert first[:1] == full[:1], path
        assert all(isinstance(route, Route | Mount) for route in candidates)


def test_a_route_under_a_parameter_is_tried_for_every_first_segment() -> None:
    async def endpoint() -> None: ...

    router = IndexedRouter(
        [Route("/a/x", endpoint, name="ax"), Route("/{slug}", endpoint, name="slug")]
    )
    assert [route.name for route in router._candidates("/a/x")] == ["ax", "slug"]  # type: ignore[attr-defined]
    assert [route.name for route in router._candidates("/b")] == ["slug"]  # type: ignore[attr-defined]


def test_a_like_by_get_is_still_405_and_an_unknown_path_404(site: Site) -> None:
    assert site.client.get("/entries/1/like").status_code == 405
    assert site.client.get("/no-such-place").status_code == 404
