"""Today's date, where the team is: a Beijing team's day starts at 00:00 Beijing time, not UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def today(timezone: str | None = None) -> dt.date:
    """The date now in `timezone` (an IANA name); the machine's local date without one."""
    if timezone is None:
        return dt.date.today()
    return dt.datetime.now(ZoneInfo(timezone)).date()
