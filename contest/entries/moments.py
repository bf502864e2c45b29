"""A moment inside a sentence, written as the language the sentence is shown in writes it."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from contest.i18n import DEFAULT_LOCALE, Message, current_locale, written_date


class WrittenMoment(Message):
    """A day (and time) already in the zone it is read in: as a ``str`` and in English, as
    the site writes English dates (``04 Jul 2019``, ``15 May 2026 18:00``); in Chinese, as the
    locale writes them (``2019年7月4日``), decided where it is shown. A parameter of ``N_``."""

    local: datetime
    with_time: bool

    def __new__(cls, local: datetime, english: str, *, with_time: bool = False) -> WrittenMoment:
        self = cast(WrittenMoment, super().__new__(cls, english))
        self.local, self.with_time = local, with_time
        return self

    def translated(self) -> str:
        locale = current_locale.get()
        if locale == DEFAULT_LOCALE:
            return str.__str__(self)
        return written_date(self.local, locale, with_year=True, with_time=self.with_time)
