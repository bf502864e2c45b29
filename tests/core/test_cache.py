from collections.abc import Awaitable, Callable

import anyio
import pytest

from contest.core.cache import BytesCache, TTLCache

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


async def test_callers_waiting_on_a_load_share_it() -> None:
    loads = []
    release = anyio.Event()

    async def load() -> str:
        loads.append(1)
        await release.wait()
        return "rows"

    cache = TTLCache(1.0, clock=lambda: 0.0)
    answers: list[str] = []

    async def ask() -> None:
        answers.append(await cache.get("k", load))

    async with anyio.create_task_group() as tasks:
        for _ in range(5):
            tasks.start_soon(ask)
        await anyio.wait_all_tasks_blocked()
        release.set()
    assert answers == ["rows"] * 5 and len(loads) == 1


async def test_a_failed_load_is_not_kept_and_the_next_caller_tries_again() -> None:
    calls = []

    async def load() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database busy")
        return 7

    cache = TTLCache(1.0, clock=lambda: 0.0)
    with pytest.raises(RuntimeError):
        await cache.get("k", load)
    assert await cache.get("k", load) == 7 and len(calls) == 2


async def test_a_value_forgotten_while_loading_is_handed_over_but_not_kept() -> None:
    cache = TTLCache(1.0, clock=lambda: 0.0)
    values = iter([1, 2])

    async def load() -> int:
        cache.forget(lambda key: key == "k")  # a like lands while the rows are being read
        return next(values)

    assert await cache.get("k", load) == 1
    assert await cache.get("k", load) == 2


async def test_a_clock_that_runs_backwards_makes_values_old() -> None:
    moment = [100.0]
    cache = TTLCache(1.0, clock=lambda: moment[0])
    counter = iter(range(10))

    async def load() -> int:
        return next(counter)

    assert await cache.get("k", load) == 0
    moment[0] = 50.0
    assert await cache.get("k", load) == 1


async def test_past_max_keys_old_values_go_first_then_the_longest_kept() -> None:
    moment = [0.0]
    cache = TTLCache(10.0, clock=lambda: moment[0], max_keys=3)
    loaded: list[str] = []

    def loader(key: str) -> Callable[[], Awaitable[str]]:
        async def load() -> str:
            loaded.append(key)
            return key

        return load

    async def kept(*keys: str) -> bool:
        before = len(loaded)
        for key in keys:
            await cache.get(key, loader(key))
        return len(loaded) == before

    await kept("a", "b")
    moment[0] = 5.0
    await kept("c")
    moment[0] = 12.0  # a and b are now too old; c is not
    await kept("d")  # a and b are swept out
    assert await kept("c", "d")
    await kept("e", "f")  # full of fresh values when f comes: the longest kept (c) goes
    assert await kept("d", "e", "f") and not await kept("c")


def test_bytes_cache_keeps_to_its_budget_and_drops_on_request() -> None:
    cache = BytesCache(budget=10, largest=6)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    cache.put("huge", b"h" * 7)  # over the largest: never kept
    assert cache.get("a") == b"aaaa"  # a is now the more recently used
    cache.put("c", b"cccc")  # 12 bytes: b, the least recently used, goes
    assert (cache.get("b"), cache.get("huge")) == (None, None)
    cache.drop("a")
    assert cache.get("a") is None and cache.get("c") == b"cccc"


async def test_old_values_are_swept_out_even_when_there_is_room() -> None:
    moment = [0.0]
    cache = TTLCache(1.0, clock=lambda: moment[0])

    async def load() -> float:
        return moment[0]

    for key in ("a", "b"):
        await cache.get(key, load)
    moment[0] = 0.5
    await cache.get("c", load)
    assert len(cache) == 3
    moment[0] = 1.2  # a and b are too old now, and nobody asks for them again
    await cache.get("d", load)
    assert len(cache) == 2  # c and d


async def test_a_forgotten_value_is_loaded_again_but_stays_at_hand_as_stale() -> None:
    cache = TTLCache(1.0, clock=lambda: 0.0)
    counter = iter(range(10))

    async def load() -> int:
        return next(counter)

    assert await cache.get("k", load) == 0
    cache.forget(lambda key: key == "k")
    assert cache.stale("k") == 0 and cache.stale("other") is None
    assert await cache.get("k", load) == 1 and cache.stale("k") == 1


async def test_a_caller_after_a_forget_does_not_wait_on_the_load_begun_before_it() -> None:
    cache = TTLCache(1.0, clock=lambda: 0.0)
    release = anyio.Event()
    versions = iter(["before the like", "after the like"])
    answers: dict[str, str] = {}

    async def load() -> str:
        version = next(versions)
        if version == "before the like":
            await release.wait()
        return version

    async def ask(name: str) -> None:
        answers[name] = await cache.get("k", load)

    with anyio.fail_after(5):  # waiting on the early load would never end
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ask, "early")
            await anyio.wait_all_tasks_blocked()
            cache.forget(lambda key: key == "k")
            await ask("liker")  # loads afresh at once rather than waiting for the early load
            release.set()
    assert answers == {"early": "before the like", "liker": "after the like"}
    assert await cache.get("k", load) == "after the like"


async def test_forgetting_a_group_touches_that_group_alone() -> None:
    moment = [0.0]
    cache = TTLCache(10.0, clock=lambda: moment[0], max_keys=4)
    loads: list[tuple[object, ...]] = []

    def loader(key: tuple[object, ...]) -> Callable[[], Awaitable[int]]:
        async def load() -> int:
            loads.append(key)
            return len(loads)

        return load

    keys = [("gallery", 1, None), ("gallery", 1, "night"), ("gallery", 2, None)]
    for key in keys:
        await cache.get(key, loader(key))
    cache.forget_group(("gallery", 1))
    for key in keys:
        await cache.get(key, loader(key))
    assert loads == [*keys, keys[0], keys[1]]  # contest 2's page was not touched
    assert cache.stale(keys[0]) == 4
    # Past max_keys and after sweeps the index follows the values: nothing lingers in it.
    for index in range(10):
        moment[0] += 6
        await cache.get(("gallery", 3, index), loader(("gallery", 3, index)))
    cache.forget_group(("gallery", 1))  # its keys are long gone: nothing to do, nothing fails
    assert len(cache) <= 4 and set(cache._groups) == {("gallery", 3)}


async def test_a_group_forgotten_while_loading_is_handed_over_but_not_kept() -> None:
    cache = TTLCache(1.0, clock=lambda: 0.0)
    values = iter([1, 2])

    async def load() -> int:
        cache.forget_group(("gallery", 7))
        return next(values)

    assert await cache.get(("gallery", 7, None), load) == 1
    assert await cache.get(("gallery", 7, None), load) == 2
