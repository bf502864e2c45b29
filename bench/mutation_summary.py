"""Per-module scores of the last mutation run (`make mutation`), read from mutmut 3's files.

Run: .venv/bin/python bench/mutation_summary.py   (after `.venv/bin/mutmut run`; the last line
printed is a JSON summary)

mutmut 3 writes, beside each mutated module under ``mutants/``, a ``<module>.py.meta`` JSON file
whose ``exit_code_by_key`` maps every mutant's name to the exit code of the tests run against it.
The codes mean what ``mutmut.stats.status_by_exit_code`` says: 1 or 3 killed (a test failed),
0 survived, 5 or 33 no test reaches it, 34 skipped, 36 and the CPU-limit signals a timeout (the
tests never finished: counted as caught), 37 caught by a type checker, None not run yet.

The score of a module is the share of its mutants caught: killed plus timed out, over all.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    2: "interrupted",
    None: "not checked",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "caught by type check",
    -11: "segfault",
    -9: "segfault",
}
CAUGHT = ("killed", "timeout", "caught by type check")


def statuses(meta_file: Path) -> Counter[str]:
    """How many of one module's mutants ended in each status."""
    exit_codes = json.loads(meta_file.read_text(encoding="utf-8"))["exit_code_by_key"]
    return Counter(STATUS_BY_EXIT_CODE.get(code, "suspicious") for code in exit_codes.values())


@dataclass(frozen=True)
class ModuleScore:
    """One mutated module's mutants by status."""

    module: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def caught(self) -> int:
        return sum(self.counts[status] for status in CAUGHT)

    @property
    def score(self) -> float:
        return round(100 * self.caught / self.total, 1) if self.total else 100.0

    def line(self) -> str:
        others = ", ".join(
            f"{n} {status}" for status, n in sorted(self.counts.items()) if status != "killed"
        )
        return f"{self.module:34} {self.caught:>4}/{self.total:<4} caught {self.score:>5.1f}%" + (
            f"  ({others})" if others else ""
        )

    def as_json(self) -> dict[str, object]:
        return {
            "caught": self.caught,
            "total": self.total,
            "score": self.score,
            **{status.replace(" ", "_"): n for status, n in sorted(self.counts.items())},
        }


def summarise(mutants: Path) -> list[ModuleScore]:
    """Each mutated module (its path in the project) with its mutants by status."""
    return [
        ModuleScore(
            meta_file.relative_to(mutants).as_posix().removesuffix(".meta"), statuses(meta_file)
        )
        for meta_file in sorted(mutants.rglob("*.py.meta"))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description="Per-module scores of the last mutmut run.")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's folder")
    parser.add_argument(
        "--fail-under", type=float, default=None, help="exit 1 if a module scores below this %%"
    )
    args = parser.parse_args()
    modules = summarise(args.mutants)
    if not modules:
        print(f"no mutmut results under {args.mutants}/ (run `mutmut run` first)", file=sys.stderr)
        return 2
    for module in modules:
        print(module.line())
    caught = sum(module.caught for module in modules)
    total = sum(module.total for module in modules)
    summary = {
        "modules": {module.module: module.as_json() for module in modules},
        "caught": caught,
        "total": total,
        "score": round(100 * caught / total, 1) if total else 100.0,
    }
    print(json.dumps(summary))
    if args.fail_under is not None and any(m.score < args.fail_under for m in modules):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
