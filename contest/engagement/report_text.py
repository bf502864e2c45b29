"""The engagement report in words: sentences a librarian would write, made from the figures.

Every sentence is a whole Message (its plural forms from the catalog), so the report reads
naturally in each language with the same figures; numbers, percentages and lengths of time are
written by Babel in the reader's locale (``contest.i18n``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from babel.units import format_unit

from contest import i18n
from contest.engagement.figures import Engagement, Winner
from contest.i18n import N_, Message, Nn_, current_locale
from contest.judging.award_labels import listed

NO_DATA = N_("no data yet")


def counted(items: Sequence[str]) -> str:
    """Counted phrases in a list: ``3 students, 1 staff member and 1 alumnus`` (the last joined
    apart, so Chinese can space the number: ``3 位學生、1 位教職員及 1 位校友``)."""
    if len(items) <= 1:
        return listed(items)
    head: str = items[0]
    for item in items[1:-1]:
        head = N_("%(first)s, %(then)s", first=head, then=item)
    return N_("%(first)s and %(counted)s", first=head, counted=items[-1])


def _affiliation(name: str, count: int) -> Message:
    """A group of participants in a sentence: ``12 students``, ``1 staff member``."""
    n = i18n.number(count)
    if name == "student":
        return Nn_("%(count)s student", "%(count)s students", count, count=n)
    if name == "staff":
        return Nn_("%(count)s staff member", "%(count)s staff", count, count=n)
    if name == "alumni":
        return Nn_("%(count)s alumnus", "%(count)s alumni", count, count=n)
    return Nn_("%(count)s other participant", "%(count)s others", count, count=n)


def entries(count: int) -> Message:
    """``1 entry``, ``1,204 entries`` (``1,204 件作品``)."""
    return Nn_("%(count)s entry", "%(count)s entries", count, count=i18n.number(count))


def likes(count: int) -> Message:
    """``1 like``, ``57 likes``."""
    return Nn_("%(count)s like", "%(count)s likes", count, count=i18n.number(count))


def times(count: int) -> Message:
    """How many times something happened: ``1 time``, ``3 times`` (``3 次``)."""
    return Nn_("%(count)s time", "%(count)s times", count, count=i18n.number(count))


def percent(share: float | None, decimals: int = 0) -> str:
    """A share as the reader's locale writes a percentage (``67%``, or ``17.4%`` with one
    decimal), or "no data yet"."""
    return NO_DATA if share is None else i18n.percent(share, digits=decimals)


def share_of(share: float | None, part: int, whole: int) -> str:
    """A share with one decimal and what it is made of: ``17.4% (16 of 92)``."""
    if share is None:
        return NO_DATA
    return N_(
        "%(share)s (%(part)s of %(whole)s)",
        share=percent(share, 1),
        part=i18n.number(part),
        whole=i18n.number(whole),
    )


#: The units a length of time is written in, largest first, with their length in minutes.
TIME_UNITS = (("duration-day", 1440), ("duration-hour", 60), ("duration-minute", 1))


def duration(span: timedelta | None) -> str:
    """A length of time in its two largest units, as the reader's locale writes them (Babel's
    units): ``1 day 3 hours``, ``45 minutes``, ``23 小時 30 分鐘``; or "no data yet"."""
    if span is None:
        return NO_DATA
    locale = current_locale.get()
    left = int(span.total_seconds() // 60)
    words: list[str] = []
    for unit, size in TIME_UNITS:
        amount, left = divmod(left, size)
        if amount:
            words.append(format_unit(amount, unit, length="long", locale=locale))
    if not words:
        return N_("under a minute")
    if len(words) == 1:
        return words[0]
    return N_("%(larger)s %(smaller)s", larger=words[0], smaller=words[1])


def _who(e: Engagement) -> Message:
    people = e.participants
    groups = [
        _affiliation(group.name, group.count) for group in people.by_affiliation if group.count
    ]
    who = Nn_(
        "%(count)s participant",
        "%(count)s participants",
        people.total,
        count=i18n.number(people.total),
    )
    if groups:
        return N_(
            "%(entries)s from %(participants)s, %(groups)s.",
            entries=entries(e.entries.total),
            participants=who,
            groups=counted(groups),
        )
    return N_(
        "%(entries)s from %(participants)s.", entries=entries(e.entries.total), participants=who
    )


def _statuses(e: Engagement) -> Message:
    counts = e.entries
    parts: list[str] = [
        Nn_(
            "%(count)s was approved",
            "%(count)s were approved",
            counts.approved,
            count=i18n.number(counts.approved),
        )
    ]
    if counts.pending:
        parts.append(
            Nn_(
                "%(count)s is awaiting review",
                "%(count)s are awaiting review",
                counts.pending,
                count=i18n.number(counts.pending),
            )
        )
    if counts.rejected:
        parts.append(
            Nn_(
                "%(count)s was rejected",
                "%(count)s were rejected",
                counts.rejected,
                count=i18n.number(counts.rejected),
            )
        )
    if counts.withdrawn:
        parts.append(
            Nn_(
                "%(count)s was withdrawn",
                "%(count)s were withdrawn",
                counts.withdrawn,
                count=i18n.number(counts.withdrawn),
            )
        )
    return N_("Of these, %(parts)s.", parts=counted(parts))


def _album_likes(e: Engagement) -> Message:
    public = e.public
    voters = Nn_(
        "%(count)s voter", "%(count)s voters", public.voters, count=i18n.number(public.voters)
    )
    if not public.likes:
        if e.outside_network:
            return N_("The album has no likes on this site yet.")
        return N_("The album has no likes yet.")
    if e.outside_network:
        return N_(
            "The album received %(likes)s on this site from %(voters)s.",
            likes=likes(public.likes),
            voters=voters,
        )
    return N_(
        "The album received %(likes)s from %(voters)s.", likes=likes(public.likes), voters=voters
    )


def _public(e: Engagement) -> list[str]:
    public = e.public
    sentences: list[str] = []
    if e.outside_network:
        sentences.append(
            N_(
                "People's Choice counts likes on %(network)s: the latest reading of each photo,"
                " typed in by organizers, decides; likes on this site do not count.",
                network=e.outside_network,
            )
        )
    sentences.append(_album_likes(e))
    if public.picks:
        picked = len(public.picked_entries)
        sentences.append(
            Nn_(
                "The library picked %(count)s favourite.",
                "The library picked %(count)s favourites.",
                picked,
                count=i18n.number(picked),
            )
        )
    if public.views or public.shares:
        busiest = max(public.networks, key=lambda n: n.clicks, default=None)
        if busiest is not None and busiest.clicks:
            sentences.append(
                N_(
                    "Entries were viewed %(views)s and shared %(shares)s, most often on"
                    " %(network)s (%(clicks)s).",
                    views=times(public.views),
                    shares=times(public.shares),
                    network=busiest.network,
                    clicks=i18n.number(busiest.clicks),
                )
            )
        else:
            sentences.append(
                N_(
                    "Entries were viewed %(views)s and shared %(shares)s.",
                    views=times(public.views),
                    shares=times(public.shares),
                )
            )
    if public.top_hashtags:
        tag = public.top_hashtags[0]
        sentences.append(
            N_(
                "Besides #%(official)s, the most used hashtag was #%(tag)s (%(entries)s).",
                official=public.official_hashtag,
                tag=tag.name,
                entries=entries(tag.count),
            )
        )
    return sentences


def _favourite_likes(e: Engagement, favourite: Winner) -> Message:
    """The likes People's Choice counted: ``57 likes on Instagram`` or ``12 likes``."""
    if e.outside_network:
        count = favourite.outside_likes or 0
        return Nn_(
            "%(count)s like on %(network)s",
            "%(count)s likes on %(network)s",
            count,
            count=i18n.number(count),
            network=e.outside_network,
        )
    return likes(favourite.likes)


def _winners(e: Engagement) -> list[str]:
    champion, favourite = e.winner("champion"), e.winner("peoples_choice")
    sentences: list[str] = []
    if champion is not None:
        if e.outside_network:
            sentences.append(
                N_(
                    "The winning entry, “%(title)s”, received %(likes)s on this site.",
                    title=champion.title,
                    likes=likes(champion.likes),
                )
            )
        else:
            sentences.append(
                N_(
                    "The winning entry, “%(title)s”, received %(likes)s.",
                    title=champion.title,
                    likes=likes(champion.likes),
                )
            )
    if favourite is not None:
        if champion is not None and favourite.entry_id == champion.entry_id:
            sentences.append(N_("It also won People's Choice."))
        else:
            sentences.append(
                N_(
                    "People's Choice went to “%(title)s” with %(likes)s.",
                    title=favourite.title,
                    likes=_favourite_likes(e, favourite),
                )
            )
    return sentences


def _replies(e: Engagement) -> list[str]:
    replies = e.replies
    if not replies.entries:
        return []
    sentences: list[str] = []
    if replies.share_within_day is not None:
        figures = {
            "share": percent(replies.share_within_day, 1),
            "part": i18n.number(replies.answered_within_day),
            "whole": i18n.number(replies.day_passed),
        }
        if replies.median_first_reply is not None:
            sentences.append(
                N_(
                    "Organizers replied to %(share)s of entries within 24 hours of submission"
                    " (%(part)s of %(whole)s); the median first reply came %(median)s after"
                    " approval.",
                    median=duration(replies.median_first_reply),
                    **figures,
                )
            )
        else:
            sentences.append(
                N_(
                    "Organizers replied to %(share)s of entries within 24 hours of submission"
                    " (%(part)s of %(whole)s).",
                    **figures,
                )
            )
    if replies.in_first_day:
        sentences.append(
            Nn_(
                "%(count)s entry is still inside its first 24 hours (%(answered)s already"
                " answered).",
                "%(count)s entries are still inside their first 24 hours (%(answered)s already"
                " answered).",
                replies.in_first_day,
                count=i18n.number(replies.in_first_day),
                answered=i18n.number(replies.in_first_day_answered),
            )
        )
    if replies.waiting:
        sentences.append(
            Nn_(
                "%(count)s entry is still waiting for a reply.",
                "%(count)s entries are still waiting for a reply.",
                replies.waiting,
                count=i18n.number(replies.waiting),
            )
        )
    else:
        sentences.append(N_("Every entry has had a reply."))
    return sentences


def _judging(e: Engagement) -> list[str]:
    judging = e.judging
    if not judging.entries or not judging.reviews:
        return []
    return [
        Nn_(
            "%(complete)s of the %(entries)s has been scored by at least %(judges)s.",
            "%(complete)s of the %(entries)s have been scored by at least %(judges)s.",
            judging.complete,
            complete=i18n.number(judging.complete),
            entries=entries(judging.entries),
            judges=Nn_(
                "%(count)s judge",
                "%(count)s judges",
                judging.min_judges,
                count=i18n.number(judging.min_judges),
            ),
        )
    ]


def _first_time(first_time: int, total: int) -> Message:
    if total == 1:
        if first_time:
            return N_("The participant took part for the first time.")
        return N_("The participant came back.")
    if first_time == total:
        return Nn_(
            "All %(count)s participant took part for the first time.",
            "All %(count)s participants took part for the first time.",
            total,
            count=i18n.number(total),
        )
    return Nn_(
        "%(first)s of the %(count)s participant took part for the first time.",
        "%(first)s of the %(count)s participants took part for the first time.",
        total,
        first=i18n.number(first_time),
        count=i18n.number(total),
    )


def summary(e: Engagement) -> list[str]:
    """The report's opening, sentence by sentence (Messages: translated where shown)."""
    if not e.entries.total:
        return [N_("No entries yet: the figures fill in as photos arrive.")]
    sentences: list[str] = [_who(e), _statuses(e)]
    people = e.participants
    if people.earlier_contests and people.total:
        sentences.append(_first_time(people.first_time, people.total))
    return sentences + _public(e) + _winners(e) + _replies(e) + _judging(e)
