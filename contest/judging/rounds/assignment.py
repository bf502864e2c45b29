"""Who judges what in a round: quorum, balance, conflicts, reassignment. Pure functions.

Each entry of a round is seen by `quorum` of the round's jurors, assigned up front so every juror
knows their workload. A juror never gets an entry they are barred from: the caller passes a
declared conflict and an entry's own author alike as a (juror, entry) pair in `barred`.

The assignment is built in two steps, because 20,000 entries by 30 jurors must take well under
a second or two in plain Python:

1. Greedy: the most constrained entries first (fewest eligible jurors), each to the least
   loaded of its eligible jurors, ties broken by a seeded random draw so that panels mix (a
   fixed tie order would give the same three jurors the same entries over and over) and the
   result is reproducible. Without bars this already leaves loads within one of each other.
2. Evening out: while some juror has at least two tasks more than another juror who could be
   handed work through a chain of moves (juror A gives an entry to B, B gives another to C, ...,
   each to a juror eligible for it and not on it yet), apply that chain. When no such chain is
   left the loads are as even as the bars allow: the lowest possible maximum, the highest
   possible minimum, indeed the lexicographically least sorted load vector ("decreasingly
   minimal", Frank & Murota, Discrete decreasing minimization, Math. Programming 2022). Step 1
   leaves little or nothing to do here, so this costs nothing at scale.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

_NOBODY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Assignment:
    """The tasks of a round (or of late entries added to it), and the entries left short."""

    tasks: tuple[tuple[int, int], ...]  # (entry_id, juror_id); each entry's tasks in a row
    short: dict[int, int]  # entry -> jurors it lacks (fewer eligible than the quorum)
    jurors: tuple[int, ...]  # the round's jurors, so that `load` can name those given nothing

    def load(self) -> dict[int, int]:
        """Tasks per juror in this assignment (not counting any earlier load), 0 included."""
        counts = dict.fromkeys(self.jurors, 0)
        for _, juror in self.tasks:
            counts[juror] += 1
        return counts


@dataclass(frozen=True)
class Reassignment:
    """Where a leaving juror's unfinished entries go, and those nobody left may take."""

    moves: tuple[tuple[int, int], ...]  # (entry_id, new juror_id)
    stuck: tuple[int, ...]  # entries every remaining juror is barred from or already on


def assign(
    entries: Sequence[int],
    jurors: Sequence[int],
    quorum: int,
    *,
    barred: Collection[tuple[int, int]] = (),
    load: Mapping[int, int] | None = None,
    seed: int = 0,
) -> Assignment:
    """Give every entry min(quorum, eligible jurors) distinct jurors, loads as even as can be.

    `barred` holds (juror_id, entry_id) pairs that must never meet (conflicts, authorship);
    `load` the tasks jurors already have, when late entries join a running round, so that the
    new tasks go first to those with the least. Tasks come out in the order of `entries`.
    """
    if quorum < 1:
        raise ValueError(f"quorum must be at least 1, got {quorum}")
    _require_unique(entries, "entry")
    _require_unique(jurors, "juror")
    bars = _bars_by_entry(barred, entries, jurors)
    earlier = load or {}
    loads = {juror: earlier.get(juror, 0) for juror in jurors}
    rng = random.Random(seed)  # noqa: S311 - tie-breaks that must replay, not secrets
    panels = _assign_greedily(entries, jurors, quorum, bars, loads, rng)
    _Evener(panels, bars, loads).even_out()
    return Assignment(
        tasks=tuple((entry, juror) for entry in entries for juror in sorted(panels[entry])),
        short={
            entry: quorum - len(panels[entry]) for entry in entries if len(panels[entry]) < quorum
        },
        jurors=tuple(jurors),
    )


def reassign(
    entries: Sequence[int],
    leaving: int,
    jurors: Sequence[int],
    *,
    assigned: Mapping[int, Collection[int]],
    load: Mapping[int, int],
    barred: Collection[tuple[int, int]] = (),
    seed: int = 0,
) -> Reassignment:
    """Hand a leaving juror's unfinished `entries` to the remaining jurors, one each.

    It is the same problem as assigning with a quorum of one, where a juror already on the
    entry (`assigned`) counts as barred from it and `load` is what the others already carry.
    The leaving juror is never a candidate, even if still listed in `jurors`.
    """
    remaining = [juror for juror in jurors if juror != leaving]
    already_on = {(juror, entry) for entry in entries for juror in assigned.get(entry, ())}
    result = assign(entries, remaining, 1, barred={*barred, *already_on}, load=load, seed=seed)
    return Reassignment(
        moves=result.tasks, stuck=tuple(entry for entry in entries if entry in result.short)
    )


def queue_positions(
    tasks: Iterable[tuple[int, int]], *, seed: int, start: Mapping[int, int] | None = None
) -> dict[tuple[int, int], int]:
    """Each juror's own order of their tasks: (entry, juror) -> position 0, 1, ... per juror.

    A seeded shuffle per juror, so jurors do not all see the same photo first and a juror's
    order depends only on the seed and their own entries (not on the order tasks are given in).
    With `start`, a juror's positions begin at start[juror]: late tasks go after the queue.
    """
    queues: dict[int, list[int]] = {}
    for entry, juror in tasks:
        queues.setdefault(juror, []).append(entry)
    positions: dict[tuple[int, int], int] = {}
    first_of = start or {}
    for juror, queue in queues.items():
        _require_unique(queue, f"entry of juror {juror}'s tasks")
        queue.sort()
        random.Random(f"{seed}/{juror}").shuffle(queue)  # noqa: S311 - an order, not a secret
        for position, entry in enumerate(queue, start=first_of.get(juror, 0)):
            positions[(entry, juror)] = position
    return positions


def _require_unique(ids: Sequence[int], kind: str) -> None:
    """Refuse a repeated id: a repeated juror would take two seats on one entry."""
    if len(set(ids)) != len(ids):
        repeated = sorted(value for value, count in Counter(ids).items() if count > 1)
        raise ValueError(f"each {kind} may be given only once; repeated: {repeated}")


def _bars_by_entry(
    barred: Collection[tuple[int, int]], entries: Sequence[int], jurors: Sequence[int]
) -> dict[int, frozenset[int]]:
    """entry -> the round's jurors barred from it; bars outside the round are ignored."""
    in_round_entries, in_round_jurors = set(entries), set(jurors)
    bars: dict[int, set[int]] = {}
    for juror, entry in barred:
        if juror in in_round_jurors and entry in in_round_entries:
            bars.setdefault(entry, set()).add(juror)
    return {entry: frozenset(barred_jurors) for entry, barred_jurors in bars.items()}


def _assign_greedily(
    entries: Sequence[int],
    jurors: Sequence[int],
    quorum: int,
    bars: Mapping[int, frozenset[int]],
    loads: dict[int, int],
    rng: random.Random,
) -> dict[int, set[int]]:
    """Step 1: most constrained entries first, each to its least loaded eligible jurors.

    A heap of (load, random tie-break, juror) gives the least loaded in O(log jurors); jurors
    barred from the entry are set aside and put back unchanged. `loads` is updated in place.
    """
    queue = [(loads[juror], rng.random(), juror) for juror in jurors]
    heapq.heapify(queue)
    panel_size = len(jurors)
    panels: dict[int, set[int]] = {}
    for entry in sorted(entries, key=lambda entry: panel_size - len(bars.get(entry, _NOBODY))):
        barred_here = bars.get(entry, _NOBODY)
        wanted = min(quorum, panel_size - len(barred_here))
        chosen: list[int] = []
        set_aside = []
        while len(chosen) < wanted:
            item = heapq.heappop(queue)
            if item[2] in barred_here:
                set_aside.append(item)
            else:
                chosen.append(item[2])
        for juror in chosen:
            loads[juror] += 1
            heapq.heappush(queue, (loads[juror], rng.random(), juror))
        for item in set_aside:
            heapq.heappush(queue, item)
        panels[entry] = set(chosen)
    return panels


class _Evener:
    """Step 2: move tasks along chains of eligible jurors until no chain evens the loads more.

    Only the tasks being assigned now move; the earlier load of a running round stays put.
    """

    def __init__(
        self,
        panels: dict[int, set[int]],
        bars: Mapping[int, frozenset[int]],
        loads: dict[int, int],
    ) -> None:
        self.panels = panels  # entry -> its jurors; updated in place
        self.bars = bars
        self.loads = loads  # juror -> earlier load plus tasks now; updated in place
        self.entries_of: dict[int, set[int]] = {juror: set() for juror in loads}
        for entry, panel in panels.items():
            for juror in panel:
                self.entries_of[juror].add(entry)

    def even_out(self) -> None:
        """Apply improving chains until there is none (each lowers the sum of squared loads)."""
        while self._apply_one_chain():
            pass

    def _apply_one_chain(self) -> bool:
        """Find a juror who can hand one task down to a juror with two or more fewer."""
        if not self.loads:
            return False
        lowest = min(self.loads.values())
        for giver in sorted(self.loads, key=self.loads.__getitem__, reverse=True):
            if self.loads[giver] - lowest < 2:
                return False
            routes = self._routes_from(giver)
            taker = min(routes, key=self.loads.__getitem__, default=None)
            if taker is not None and self.loads[giver] - self.loads[taker] >= 2:
                self._shift(giver, taker, routes)
                return True
        return False

    def _routes_from(self, giver: int) -> dict[int, tuple[int, int]]:
        """Breadth-first search: juror reached -> (juror handing them an entry, that entry).

        Each entry is scanned whole the first time it is met, so no route uses one entry twice
        (a later juror on it would only reach jurors reached already) and moving along a route
        keeps every panel free of repeats.
        """
        routes: dict[int, tuple[int, int]] = {}
        unreached = set(self.loads) - {giver}
        frontier = [giver]
        while frontier and unreached:
            next_frontier: list[int] = []
            for juror in frontier:
                for entry in self.entries_of[juror]:
                    reached = unreached - self.panels[entry] - self.bars.get(entry, _NOBODY)
                    for other in reached:
                        routes[other] = (juror, entry)
                    next_frontier.extend(reached)
                    unreached -= reached
                    if not unreached:
                        return routes
            frontier = next_frontier
        return routes

    def _shift(self, giver: int, taker: int, routes: Mapping[int, tuple[int, int]]) -> None:
        """Move each entry of the route one juror along: the giver loses one, the taker gains."""
        receiver = taker
        while receiver != giver:
            handing, entry = routes[receiver]
            self.panels[entry].remove(handing)
            self.panels[entry].add(receiver)
            self.entries_of[handing].remove(entry)
            self.entries_of[receiver].add(entry)
            receiver = handing
        self.loads[giver] -= 1
        self.loads[taker] += 1
