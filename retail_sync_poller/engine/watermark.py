# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Watermark arithmetic of a polled source, in plain Python.

A watermark is the highest value of the source's watermark column read so far: a
number (a transaction id) or a date and time (an updated-at). It is kept as text
(``encode``/``decode``) and compared in its own type.

A poll reads rows past ``bound`` = the watermark minus the overlap window (ids or
seconds), so a row committed late, whose value is a little behind rows already
read, is still picked up; the inbox absorbs the rows read twice by their event id.
A poll that came back full (a backlog) continues right after its last row: the
overlap is re-read by the first poll that catches up, which is enough as long as
a late commit never lags the source's head by more than the overlap.
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

NUMBER = "number"
DATETIME = "datetime"

_DSN_PASSWORD = re.compile(r"(?P<head>://[^:/@\s]*:)(?P<password>[^@\s]*)(?P<tail>@)")
_KEYWORD_PASSWORD = re.compile(
    r"(?i)(?P<head>\b(?:password|pwd)\s*=\s*)(?P<password>[^;&\s]+)"
)


def mask_dsn(text):
    """``text`` with every password of a DSN in it replaced by ***: the URL form
    (``postgresql://user:secret@host/db``) and the keyword form (ODBC's
    ``PWD=secret;``, ``?password=secret``)."""
    if not text:
        return text
    text = _DSN_PASSWORD.sub(r"\g<head>***\g<tail>", str(text))
    return _KEYWORD_PASSWORD.sub(r"\g<head>***", text)


def mask_secret(text, secret):
    """``text`` masked as a DSN, and without ``secret`` anywhere in it."""
    text = mask_dsn(text)
    if text and secret:
        text = text.replace(secret, "***")
    return text


def parse_datetime(value):
    """A naive UTC datetime from a datetime, a date or ISO text; ValueError."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
    else:
        raise ValueError(f"{type(value).__name__} is not a date and time")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def parse_number(value):
    if isinstance(value, bool):
        raise ValueError("a boolean is not a watermark")
    if isinstance(value, int):
        return value
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return int(number) if number == number.to_integral_value() else number


def parse(kind, value):
    """The watermark ``value`` of a row (or decoded text) in its ``kind``."""
    if value is None or value == "":
        raise ValueError("the watermark column is empty")
    return parse_datetime(value) if kind == DATETIME else parse_number(value)


def encode(kind, value):
    if value is None:
        return False
    if kind == DATETIME:
        return value.isoformat(sep=" ")
    return str(value)


def decode(kind, text):
    if not text:
        return None
    return parse(kind, text)


def bound(kind, watermark, overlap, continuing=False):
    """The value rows are read past: the watermark minus the overlap, or the
    watermark itself when a full poll is being continued. None: from the start."""
    if watermark is None:
        return None
    if continuing or not overlap:
        return watermark
    if kind == DATETIME:
        return watermark - timedelta(seconds=float(overlap))
    step = Decimal(str(overlap))
    result = Decimal(str(watermark)) - step
    return int(result) if result == result.to_integral_value() else result


def remember(history, now, before, window, keep=2):
    """The history of polls, ``[[unix time, watermark text before the poll]]``,
    with this poll added: the entries of the last ``window`` seconds, and at least
    the last ``keep`` (after an outage, the poll before it)."""
    history = [list(entry) for entry in (history or [])] + [[now, before or ""]]
    recent = [entry for entry in history if entry[0] >= now - window]
    return history[-max(keep, len(recent)) :]


def bound_in_time(kind, history, now, window):
    """The lowest watermark the poller had in the last ``window`` seconds (or
    at its previous polls): a row whose transaction id was taken then and that
    committed since is past it, however many rows committed meanwhile (a burst
    after an outage). None when the history says nothing."""
    if not window or not history:
        return None
    values = [decode(kind, text) for _when, text in history if text]
    return min(values) if values else None


def trim_ties(values, limit):
    """How many rows of a read to take. A read asks for ``limit`` + 1 rows: when
    the extra row shares the watermark of the last row taken, the batch was cut
    among rows of equal watermark, and those rows are left for the next poll (it
    reads past the previous value), unless every row of the batch shares it.
    ``values`` are the rows' parsed watermarks, in order."""
    if len(values) <= limit:
        return len(values)
    last = values[limit - 1]
    if values[limit] != last:
        return limit
    keep = limit
    while keep and values[keep - 1] == last:
        keep -= 1
    return keep or limit


def lag(kind, ours, theirs):
    """How far our watermark is behind the source's highest: ids, or seconds."""
    if ours is None or theirs is None:
        return None
    if kind == DATETIME:
        return max((theirs - ours).total_seconds(), 0.0)
    return max(float(Decimal(str(theirs)) - Decimal(str(ours))), 0.0)


def jsonable(value):
    """A row value as the mapping's JMESPath sees it: numbers stay numbers
    (decimals as exact text, for the decimal transform), dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def row_document(row):
    return {str(key): jsonable(value) for key, value in row.items()}
