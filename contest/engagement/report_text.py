"""The engagement report in words: sentences a librarian would write, made from the figures."""

from __future__ import annotations

from datetime import timedelta

from contest.engagement.figures import Engagement, Winner

#: How each affiliation is counted in a sentence: (one, many).
AFFILIATION_NOUNS = {
    "student": ("student", "students"),
    "staff": ("staff member", "staff"),
    "alumni": ("alumnus", "alumni"),
    "other": ("other participant", "others"),
}
NO_DATA = "no data yet"


def plural(count: int, one: str, many: str) -> str:
    """``1 entry``, ``2 entries``, ``1,204 entries``."""
    return f"{count:,} {one if count == 1 else many}"


def join_words(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def percent(share: float | None, decimals: int = 0) -> str:
    """A share as a percentage (``67%``, or ``17.4%`` with one decimal), or "no data yet"."""
    return NO_DATA if share is None else f"{share * 100:.{decimals}f}%"


def share_of(share: float | None, part: int, whole: int) -> str:
    """A share with one decimal and what it is made of: ``17.4% (16 of 92)``."""
    return NO_DATA if share is None else f"{percent(share, 1)} ({part:,} of {whole:,})"


def first_day(entries: int, answered: int) -> str:
    """Entries still inside their first 24 hours: ``3 entries in their first 24 hours, 1
    already answered``."""
    return (
        f"{plural(entries, 'entry', 'entries')} in {'its' if entries == 1 else 'their'}"
        f" first 24 hours, {answered:,} already answered"
    )


def duration(span: timedelta | None) -> str:
    """A length of time in its two largest units: ``1 day 3 hours``, ``45 minutes``."""
    if span is None:
        return NO_DATA
    minutes = int(span.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    units = [(days, "day", "days"), (hours, "hour", "hours"), (minutes, "minute", "minutes")]
    words = [plural(n, one, many) for n, one, many in units if n]
    return " ".join(words[:2]) if words else "under a minute"


def _who(e: Engagement) -> str:
    people = e.participants
    groups = [
        plural(group.count, *AFFILIATION_NOUNS[group.name])
        for group in people.by_affiliation
        if group.count
    ]
    text = f"{plural(e.entries.total, 'entry', 'entries')} from"
    text += f" {plural(people.total, 'participant', 'participants')}"
    return f"{text}, {join_words(groups)}." if groups else f"{text}."


def _statuses(e: Engagement) -> str:
    counts = e.entries

    def was(count: int) -> str:
        return "was" if count == 1 else "were"

    parts = [f"{counts.approved:,} {was(counts.approved)} approved"]
    if counts.pending:
        parts.append(f"{counts.pending:,} {'is' if counts.pending == 1 else 'are'} awaiting review")
    if counts.rejected:
        parts.append(f"{counts.rejected:,} {was(counts.rejected)} rejected")
    if counts.withdrawn:
        parts.append(f"{counts.withdrawn:,} {was(counts.withdrawn)} withdrawn")
    return f"Of these, {join_words(parts)}."


def _basis(e: Engagement) -> list[str]:
    if not e.outside_network:
        return []
    return [
        f"People's Choice counts likes on {e.outside_network}: the latest reading of each"
        " photo, typed in by organizers, decides; likes on this site do not count."
    ]


def _public(e: Engagement) -> list[str]:
    public = e.public
    sentences = _basis(e)
    here = " on this site" if e.outside_network else ""
    if public.likes:
        sentences.append(
            f"The album received {plural(public.likes, 'like', 'likes')}{here}"
            f" from {plural(public.voters, 'voter', 'voters')}."
        )
    else:
        sentences.append(f"The album has no likes{here} yet.")
    if public.picks:
        sentences.append(
            f"The library picked {plural(len(public.picked_entries), 'favourite', 'favourites')}."
        )
    if public.views or public.shares:
        text = (
            f"Entries were viewed {plural(public.views, 'time', 'times')}"
            f" and shared {plural(public.shares, 'time', 'times')}"
        )
        busiest = max(public.networks, key=lambda n: n.clicks, default=None)
        if busiest is not None and busiest.clicks:
            text += f", most often on {busiest.network} ({busiest.clicks:,})"
        sentences.append(text + ".")
    if public.top_hashtags:
        tag = public.top_hashtags[0]
        sentences.append(
            f"Besides #{public.official_hashtag}, the most used hashtag was #{tag.name}"
            f" ({plural(tag.count, 'entry', 'entries')})."
        )
    return sentences


def _favourite_likes(e: Engagement, favourite: Winner) -> str:
    """The likes People's Choice counted: ``57 likes on Instagram`` or ``12 likes``."""
    if e.outside_network:
        count = favourite.outside_likes or 0
        return f"{plural(count, 'like', 'likes')} on {e.outside_network}"
    return plural(favourite.likes, "like", "likes")


def _winners(e: Engagement) -> list[str]:
    champion, favourite = e.winner("champion"), e.winner("peoples_choice")
    sentences = []
    if champion is not None:
        sentences.append(
            f"The winning entry, “{champion.title}”,"
            f" received {plural(champion.likes, 'like', 'likes')}"
            f"{' on this site' if e.outside_network else ''}."
        )
    if favourite is not None:
        if champion is not None and favourite.entry_id == champion.entry_id:
            sentences.append("It also won People's Choice.")
        else:
            sentences.append(
                f"People's Choice went to “{favourite.title}”"
                f" with {_favourite_likes(e, favourite)}."
            )
    return sentences


def _replies(e: Engagement) -> list[str]:
    replies = e.replies
    if not replies.entries:
        return []
    sentences = []
    if replies.share_within_day is not None:
        text = (
            f"Organizers replied to {percent(replies.share_within_day, 1)} of entries within"
            f" 24 hours of submission ({replies.answered_within_day:,} of"
            f" {replies.day_passed:,})"
        )
        if replies.median_first_reply is not None:
            text += (
                f"; the median first reply came {duration(replies.median_first_reply)}"
                " after approval"
            )
        sentences.append(text + ".")
    if replies.in_first_day:
        verb = "is" if replies.in_first_day == 1 else "are"
        sentences.append(
            f"{plural(replies.in_first_day, 'entry', 'entries')} {verb} still inside"
            f" {'its' if replies.in_first_day == 1 else 'their'} first 24 hours"
            f" ({replies.in_first_day_answered:,} already answered)."
        )
    if replies.waiting:
        verb = "is" if replies.waiting == 1 else "are"
        sentences.append(
            f"{plural(replies.waiting, 'entry', 'entries')} {verb} still waiting for a reply."
        )
    else:
        sentences.append("Every entry has had a reply.")
    return sentences


def _judging(e: Engagement) -> list[str]:
    judging = e.judging
    if not judging.entries or not judging.reviews:
        return []
    verb = "has" if judging.complete == 1 else "have"
    return [
        f"{judging.complete:,} of the {plural(judging.entries, 'entry', 'entries')} {verb} been"
        f" scored by at least {plural(judging.min_judges, 'judge', 'judges')}."
    ]


def _first_time(first_time: int, total: int) -> str:
    if total == 1:
        return f"The participant {'took part for the first time' if first_time else 'came back'}."
    if first_time == total:
        return f"All {total:,} participants took part for the first time."
    return f"{first_time:,} of the {total:,} participants took part for the first time."


def summary(e: Engagement) -> list[str]:
    """The report's opening, sentence by sentence."""
    if not e.entries.total:
        return ["No entries yet: the figures fill in as photos arrive."]
    sentences = [_who(e), _statuses(e)]
    people = e.participants
    if people.earlier_contests and people.total:
        sentences.append(_first_time(people.first_time, people.total))
    return sentences + _public(e) + _winners(e) + _replies(e) + _judging(e)
