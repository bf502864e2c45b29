import pytest

from contest.cache import TTLCache

pytestmark = pytest.mark.anyio


async def test_values_are_reused_until_they_are_too_old() -> None:
    moment = [0.0]
    loads = []

    async def load() -> int:
        loads.append(moment[0])
        return len(loads)

    cache = TTLCache(1.0, clock=lambda: moment[0])
    assert await cache.get("k", load) == 1
    moment[0] = 0.9
    assert await cache.get("k", load) == 1
    moment[0] = 1.0
    assert await cache.get("k", load) == 2
    assert await TTLCache(0).get("k", load) == 3  # zero seconds: always fresh
    cache.forget(lambda key: key == "k")
    assert await cache.get("k", load) == 4
