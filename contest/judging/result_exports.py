"""The results as rows for the CSV and JSON downloads (emails only in the organizers' copy)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from contest.judging.results import Results


def export_rows(results: Results, *, with_emails: bool) -> list[dict[str, Any]]:
    """One row per approved entry: author, every judge's score per criterion, scores, award
    (judged in rounds: "rank" is the last round's place, "raw_mean" and "standardised_final"
    its yes count or average, and "round_reached" the last round each photo was in)."""
    award_by_entry: dict[int, list[str]] = defaultdict(list)
    for award in results.awards:
        if award.entry_id is not None:
            award_by_entry[award.entry_id].append(award.label)
    rows = []
    for standing in results.standings:
        entry, result = standing.entry, standing.result
        row: dict[str, Any] = {
            "rank": result.rank,
            "entry_id": entry["id"],
            "title": entry["title"],
            "author": entry["author_name"],
            "department": entry["author_department"],
        }
        if with_emails:
            row["email"] = entry["author_email"]
        for judge in results.judges:
            for criterion in results.criteria:
                value = standing.scores.get(judge["id"], {}).get(criterion["id"])
                row[f"{judge['display_name']} (#{judge['id']}) · {criterion['name']}"] = value
        row |= {
            "judges": result.judges,
            "raw_mean": rounded(result.raw_mean),
            "standardised_final": rounded(result.final),
            "disagreement": rounded(result.disagreement),
            "ranked": result.ranked,
            **(
                {"round_reached": results.rounds.reached.get(entry["id"])}
                if results.rounds is not None
                else {}
            ),
            "likes": standing.likes,
            "award": "; ".join(award_by_entry.get(entry["id"], [])),
        }
        rows.append(row)
    return rows


def rounded(value: float | None) -> float | None:
    """A figure as exported: four decimals (None stays None)."""
    return None if value is None else round(value, 4)
