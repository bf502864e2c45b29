"""A judging round as the rest of the code reads it, and the vocabulary of rounds.

Plain values, no database: ``setup`` builds rounds from what an organizer chose, ``juror``
and ``closing`` read them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.core.clock import from_db
from contest.i18n import N_, Message

KINDS = {
    "yes_no": N_("Yes or no: keep the photo or drop it (one key per decision)"),
    "rating": N_("Rating: 1 to 5 stars, or a score per criterion of the contest's rubric"),
    "ranking": N_("Ranking: each juror puts the round's photos in order"),
}
#: How a rating round rates (``rounds.scale``); the other kinds have none.
SCALES = {
    "stars": N_("1 to 5 stars per photo"),
    "rubric": N_("The contest's rubric: a score per criterion, combined by their weights"),
}
#: A rating round's kind in words, by its scale (a juror's list of rounds says it).
RATING_KINDS = {
    "stars": N_("Rating: 1 to 5 stars"),
    "rubric": N_("Rating: a score per criterion of the contest's rubric"),
}
#: What a juror may flag a photo for; organizers see the flags.
FLAGS = {
    "copyright": N_("Copyright: not the entrant's own work"),
    "out_of_scope": N_("Out of scope: not what the contest asks for"),
    "duplicate": N_("Duplicate of another entry"),
}
#: What a decision of each kind may be.
DECISIONS: dict[str, tuple[float, ...]] = {
    "yes_no": (0.0, 1.0),
    "rating": (1.0, 2.0, 3.0, 4.0, 5.0),
}
MAX_DIRECTIONS = 4000
MAX_FLAG_NOTE = 300
#: A ranking round's photos: each juror orders all of them, so they must stay few.
MAX_RANKED = 100


@dataclass(frozen=True)
class AdvanceRule:
    """How the organizer advances: ``threshold`` (at least ``value``) or ``top`` (the best
    ``value``, with the photos tied at the cut if ``with_ties``)."""

    how: str
    value: float
    with_ties: bool = False

    def stored(self) -> str:
        """The rule as the round keeps it (worded when shown, in the reader's language)."""
        return json.dumps({"how": self.how, "value": self.value, "with_ties": self.with_ties})

    @classmethod
    def from_stored(cls, text: str) -> AdvanceRule:
        """A rule the round kept."""
        fields = json.loads(text)
        return cls(str(fields["how"]), float(fields["value"]), bool(fields["with_ties"]))

    def worded(self, kind: str, scale: str | None = None) -> Message:
        """The rule as a page says it (a rubric round's threshold is a score, not stars)."""
        count = int(self.value)
        if self.how == "top" and self.with_ties:
            return N_("the top %(count)d, with the photos tied at the cut", count=count)
        if self.how == "top":
            return N_("the top %(count)d, without the photos tied at the cut", count=count)
        if kind == "yes_no":
            return N_("at least %(count)d yes", count=count)
        if scale == "rubric":
            return N_("an average score of at least %(score)s", score=f"{self.value:g}")
        return N_("at least %(stars)s stars on average", stars=f"{self.value:g}")

    def in_english(self, kind: str, scale: str | None = None) -> str:
        """The rule as the audit log says it (the log is kept in one language)."""
        if self.how == "top":
            ties = "with" if self.with_ties else "without"
            return f"top {int(self.value)}, {ties} the photos tied at the cut"
        if scale == "rubric":
            return f"an average score of at least {self.value:g}"
        unit = "yes" if kind == "yes_no" else "stars on average"
        return f"at least {self.value:g} {unit}"


@dataclass(frozen=True)
class Round:
    """One round of a contest's judging."""

    id: int
    contest_id: int
    number: int
    kind: str
    quorum: int
    opens_at: datetime
    closes_at: datetime
    directions: str
    show_description: bool
    status: str
    advanced_by: str | None
    closed_at: datetime | None
    #: A rating round's ``stars`` or ``rubric``; None for the other kinds.
    scale: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Round:
        """A round from its ``rounds`` row."""
        return cls(
            id=int(row["id"]),
            contest_id=int(row["contest_id"]),
            number=int(row["number"]),
            kind=str(row["kind"]),
            quorum=int(row["quorum"]),
            opens_at=from_db(row["opens_at"]),
            closes_at=from_db(row["closes_at"]),
            directions=str(row["directions"]),
            show_description=bool(row["show_description"]),
            status=str(row["status"]),
            advanced_by=row["advanced_by"],
            closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
            scale=row["scale"],
        )

    @property
    def advanced(self) -> Message | None:
        """How the round advanced its photos, in the reader's language; None if it did not."""
        if not self.advanced_by:
            return None
        return AdvanceRule.from_stored(self.advanced_by).worded(self.kind, self.scale)

    @property
    def kind_words(self) -> Message:
        """What kind of round it is, in words (a rating round's by its scale)."""
        if self.kind == "rating" and self.scale in RATING_KINDS:
            return RATING_KINDS[self.scale]
        return KINDS[self.kind]

    @property
    def by_rubric(self) -> bool:
        """Whether jurors score each criterion of the contest's rubric (not stars)."""
        return self.scale == "rubric"

    @property
    def is_open(self) -> bool:
        """Whether jurors may still decide (until the organizer closes it)."""
        return self.status == "open"

    def accepts_decisions(self, now: datetime) -> bool:
        """Whether a juror's decision counts now: open, and within its dates."""
        return self.is_open and self.opens_at <= now


@dataclass(frozen=True)
class Progress:
    """How far a juror (or everyone) has got in a round."""

    decided: int
    total: int

    @property
    def remaining(self) -> int:
        """Tasks still to decide."""
        return self.total - self.decided

    @property
    def percent(self) -> int:
        """Decided, as a whole percentage (100 for a juror with nothing to do)."""
        return 100 if not self.total else self.decided * 100 // self.total
