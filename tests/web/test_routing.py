"""The router finds a named route's URL by name, as Starlette's full scan would."""

from starlette.routing import Mount, Route, Router

from contest.app import create_app
from contest.config import Config
from contest.web.routing import IndexedRouter
from tests.conftest import Site


def test_every_named_route_builds_the_url_a_full_scan_builds(config: Config) -> None:
    router = create_app(config).router
    assert isinstance(router, IndexedRouter)
    scan = Router(router.routes)
    named = [route for route in router.routes if isinstance(route, Route) and route.name]
    assert len(named) > 50
    for route in named:
        params = {
            name: "7" if convertor.regex == "[0-9]+" else "x"
            for name, convertor in route.param_convertors.items()
        }
        assert router.url_path_for(route.name, **params) == scan.url_path_for(route.name, **params)


def test_a_mount_and_a_route_inside_it_are_found_as_before() -> None:
    async def endpoint() -> None: ...

    inner = Route("/file", endpoint, name="file")
    router = IndexedRouter([Mount("/static", routes=[inner], name="static")])
    assert router.url_path_for("static", path="/a.css") == "/static/a.css"
    assert router.url_path_for("static:file") == "/static/file"


def test_a_like_by_get_is_still_405_and_an_unknown_path_404(site: Site) -> None:
    assert site.client.get("/entries/1/like").status_code == 405
    assert site.client.get("/no-such-place").status_code == 404
