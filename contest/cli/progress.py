"""What long commands show on the terminal: a progress bar (rich) and their summary lines.

Only the command line uses this; the domain reports progress through a plain callback,
``on_progress(done, total)``, and knows nothing of the bar.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

Progress = Callable[[int, int], None]


@contextlib.contextmanager
def progress(label: str, *, quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on standard error while the block runs, fed by the callback yielded;
    none when quiet or when standard error is not a terminal (logs get the summary only)."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    from rich import progress

    columns = (
        progress.TextColumn("{task.description}"),
        progress.BarColumn(),
        progress.MofNCompleteColumn(),
        progress.TimeElapsedColumn(),
        progress.TimeRemainingColumn(),
    )
    with progress.Progress(*columns, console=console) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def say(quiet: bool, *lines: str) -> None:
    """Print the lines unless the command runs quietly."""
    if not quiet:
        for line in lines:
            print(line)


def warn(quiet: bool, line: str) -> None:
    """A warning: on standard output with the summary, on standard error when quiet."""
    print(line, file=sys.stderr if quiet else sys.stdout)
