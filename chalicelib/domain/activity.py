"""Activity counters: one number per member, event and ISO week (China time), e.g. w2026_48_bookings.

Scoring reads rolling windows from these; every area records its events under its own names.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import categories

_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ACTIVITY_ZONE = ZoneInfo("Asia/Shanghai")

# Booking events (the booking area's vocabulary).
BOOKED = "bookings"
CANCELLED = "cancellations"
CHECKED_IN = "checkins"
NO_SHOW = "no_shows"
WAITLIST_JOINED = "waitlist_joins"
WAITLIST_OFFERED = "waitlist_offers"
WAITLIST_LAPSED = "waitlist_lapses"
WAITLIST_LEFT = "waitlist_leaves"

# Each login or token refresh (the app coming back to the foreground after the 15-minute access token).
APP_OPENED = "app_opens"

# Service request (case) events: filed per category (request_filed), then its moves and what follows.
REQUEST_REJECTED = "request_rejected"
REQUEST_WITHDRAWN = "request_withdrawn"
REQUEST_RESOLVED = "request_resolved"
REQUEST_RATED = "request_ratings"
REQUEST_ESCALATED = "request_escalations"
REQUEST_ATTACHMENT_ADDED = "request_attachments"
REQUEST_COMMENT_SENT = "request_comments_sent"
REQUEST_COMMENT_RECEIVED = "request_comments_received"

# Staff reached out to the member about their scores (not a scoring feature).
OUTREACH_RECEIVED = "outreach_received"

# Employer counters, kept under the subject `employer#<id>` in the same table (labour-risk features).
EMPLOYER_RIGHTS_REQUEST = "rights_requests"  # a rights-protection request naming the employer
EMPLOYER_MEMBER_JOINED = "members_joined"  # one of its workers became a union member
EMPLOYER_MEMBER_LEFT = "members_left"  # one of its workers left the union or let membership lapse


def request_filed(category: str) -> str:
    """The event that counts filed requests of a service category, e.g. requests_hardship_aid."""
    return f"requests_{category}"


def request_moved(status: str) -> str:
    """The event that counts requests reaching `status`, e.g. request_rejected."""
    return f"request_{status}"


EMPLOYER_PREFIX = "employer#"


def employer_subject(employer_id: str) -> str:
    """The activity-table key under which an employer's weekly counters are kept."""
    return f"{EMPLOYER_PREFIX}{employer_id}"


def is_employer(subject_id: str) -> bool:
    """An employer's counters (`employer#<id>`), not a member's."""
    return subject_id.startswith(EMPLOYER_PREFIX)


def week_counter(event: str, at: datetime) -> str:
    """The attribute that counts `event` in the ISO week of `at`: w<year>_<week>_<event>."""
    if not _EVENT.match(event):
        raise ValueError(f"activity event names are lower_snake_case: {event!r}")
    year, week, _ = at.astimezone(ACTIVITY_ZONE).isocalendar()
    return f"w{year}_{week:02d}_{event}"


# --- compacted history ------------------------------------------------------------------------
# Every event is first counted live (ADD on w<year>_<week>_<event>, inside the transaction of the change
# it belongs to). Once a week has closed, batch scoring folds the live counters of the events below into
# one binary attribute `h` and removes the folded counters. Scoring reads `h` plus whatever is still live,
# so it never needs ~90 separate attributes per member.
# Layout of `h` (format 2): a header (format, flags, number of events, week serial of the newest week),
# then (events + 1) rows of HISTORY_WEEKS uint16 little-endian cells, event-major: cell k of an event's row
# is its count over the k + 1 newest weeks together (cumulative from the newest week back) modulo 2**16;
# the last row counts the same way the weeks in which any of the events happened (active weeks). A
# window's sum is then one cell (two when the window starts before the newest week), not a sum over
# weeks; weekly counts, at most HISTORY_MAX each, come back exactly as the difference of neighbouring
# cells. A history in which an event counted 2**16 or more over its weeks is flagged HISTORY_WIDE: readers
# add its weeks up instead.
# Format 1 (written before) had plain weekly counts of the events only, and the newest week in a separate
# `hw`; it is still read, and a run rewrites it in format 2 the first time it scans it.
SERVICE_EVENT_CATEGORIES: tuple[str, ...] = categories.COUNTED
MEMBER_HISTORY_EVENTS: tuple[str, ...] = (
    APP_OPENED,
    BOOKED,
    CHECKED_IN,
    NO_SHOW,
    CANCELLED,
    WAITLIST_JOINED,
    *(request_filed(c) for c in SERVICE_EVENT_CATEGORIES),
    REQUEST_REJECTED,
    REQUEST_WITHDRAWN,
    REQUEST_RESOLVED,
    REQUEST_RATED,
)
EMPLOYER_HISTORY_EVENTS: tuple[str, ...] = (EMPLOYER_RIGHTS_REQUEST, EMPLOYER_MEMBER_JOINED, EMPLOYER_MEMBER_LEFT)
HISTORY_WEEKS = 26
HISTORY_MAX = 65535  # a uint16 cell saturates instead of wrapping
HISTORY_FORMAT = 2
HISTORY_HEADER = struct.Struct("<BBHi")  # format, flags, events, newest week serial
HISTORY_WIDE = 1  # flag: an event's cumulative count passed 2**16 (cells wrapped)
_COUNTER = re.compile(r"^w(\d{4})_(\d{2})_([a-z][a-z0-9_]*)$")


def history_events(subject_id: str) -> tuple[str, ...]:
    return EMPLOYER_HISTORY_EVENTS if is_employer(subject_id) else MEMBER_HISTORY_EVENTS


def history_size(events: tuple[str, ...]) -> int:
    """Bytes of a format-2 history of `events`."""
    return HISTORY_HEADER.size + (len(events) + 1) * HISTORY_WEEKS * 2


def is_legacy_history(blob: bytes | None, events: tuple[str, ...]) -> bool:
    """A format-1 history (event rows only; its newest week in `hw`)."""
    return blob is not None and len(blob) == len(events) * HISTORY_WEEKS * 2


def week_serial(year: int, week: int) -> int:
    """A number per ISO week, consecutive across years (the Monday's ordinal // 7)."""
    return date.fromisocalendar(year, week, 1).toordinal() // 7


def week_serial_of(at: datetime) -> int:
    year, week, _ = at.astimezone(ACTIVITY_ZONE).isocalendar()
    return week_serial(year, week)


def serial_to_week(serial: int) -> tuple[int, int]:
    year, week, _ = date.fromordinal(serial * 7 + 1).isocalendar()  # Mondays' ordinals are 1 mod 7
    return year, week


def parse_counter(name: str) -> tuple[int, str] | None:
    """(week serial, event) of a live counter attribute name, else None."""
    m = _COUNTER.match(name)
    return (week_serial(int(m.group(1)), int(m.group(2))), m.group(3)) if m else None


def _cells(data: bytes) -> array:
    cells = array("H")
    cells.frombytes(data)
    if sys.byteorder == "big":
        cells.byteswap()
    return cells


def read_history(
    blob: bytes | None, events: tuple[str, ...], hw: int | None = None
) -> tuple[int | None, list[list[int]]]:
    """(newest week serial, events x HISTORY_WEEKS weekly counts oldest week first) of a stored history,
    either format (`hw`: the separate newest week of format 1); (None, zeros) without one."""
    if not blob:
        return None, [[0] * HISTORY_WEEKS for _ in events]
    blob = bytes(blob)
    if is_legacy_history(blob, events):
        cells = _cells(blob)
        return (int(hw) if hw is not None else None), [
            list(cells[i * HISTORY_WEEKS : (i + 1) * HISTORY_WEEKS]) for i in range(len(events))
        ]
    if len(blob) != history_size(events):
        raise ValueError(f"activity history of {len(events)} events must be {history_size(events)} bytes")
    fmt, _, count, newest = HISTORY_HEADER.unpack_from(blob)
    if (fmt, count) != (HISTORY_FORMAT, len(events)):
        raise ValueError(f"activity history format {fmt} of {count} events is not {HISTORY_FORMAT} of {len(events)}")
    cells = _cells(blob[HISTORY_HEADER.size :])
    weekly = []
    for i in range(len(events)):
        row = cells[i * HISTORY_WEEKS : (i + 1) * HISTORY_WEEKS]
        newest_first = [(row[k] - (row[k - 1] if k else 0)) & 0xFFFF for k in range(HISTORY_WEEKS)]
        weekly.append(newest_first[::-1])
    return newest, weekly


def unpack_history(blob: bytes | None, events: tuple[str, ...]) -> list[list[int]]:
    """events x HISTORY_WEEKS weekly counts (oldest week first); zeros without a history."""
    return read_history(blob, events)[1]


def pack_history(counts: list[list[int]], newest: int) -> bytes:
    """A format-2 history of weekly counts (events x HISTORY_WEEKS, oldest week first; saturated at
    HISTORY_MAX): the header, each event's cumulative row and that of the active weeks."""
    rows = [[min(max(int(v), 0), HISTORY_MAX) for v in row] for row in counts]
    active = [1 if any(week) else 0 for week in zip(*rows, strict=True)] if rows else [0] * HISTORY_WEEKS
    wide = any(sum(row) > 0xFFFF for row in rows)
    cells = array("H")
    for row in (*rows, active):
        running = 0
        for v in reversed(row):  # newest week first
            running += v
            cells.append(running & 0xFFFF)
    if sys.byteorder == "big":
        cells.byteswap()
    return HISTORY_HEADER.pack(HISTORY_FORMAT, HISTORY_WIDE if wide else 0, len(counts), newest) + cells.tobytes()


def fold(
    subject_id: str, blob: bytes | None, hw: int | None, live: dict[str, int], until: int
) -> tuple[bytes, int, list[str]] | None:
    """Fold the live counters of history events for weeks <= `until` into the history (`hw`: the newest
    week of a format-1 history, which is rewritten in format 2 even with nothing to fold).

    Returns (new blob, new newest week, names of the counters folded in), or None when there is
    nothing to do. Counts older than the HISTORY_WEEKS weeks ending at the new newest week drop out.
    """
    events = history_events(subject_id)
    index = {e: i for i, e in enumerate(events)}
    ripe = [
        (name, parsed) for name in live if (parsed := parse_counter(name)) and parsed[0] <= until and parsed[1] in index
    ]
    legacy = is_legacy_history(blob, events)
    if not ripe and not legacy:
        return None
    newest, old = read_history(blob, events, hw)
    if newest is None:  # no history yet (or a format-1 one that lost its `hw`)
        new_newest = until
    else:
        new_newest = max(newest, until) if ripe else newest
    counts = [[0] * HISTORY_WEEKS for _ in events]
    if newest is not None:
        shift = new_newest - newest
        for i in range(len(events)):
            for j in range(HISTORY_WEEKS):
                k = j - shift
                if 0 <= k < HISTORY_WEEKS:
                    counts[i][k] = old[i][j]
    folded = []
    for name, (week, event) in ripe:
        k = HISTORY_WEEKS - 1 - (new_newest - week)
        if k >= 0:
            counts[index[event]][k] += int(live[name])
        folded.append(name)
    return pack_history(counts, new_newest), new_newest, folded


def compacted(record: dict[str, object], until: int) -> dict[str, object]:
    """A plain activity record (attribute -> value) with its ripe counters folded into `h` (format 2)."""
    subject = str(record["member_id"])
    live = {k: int(v) for k, v in record.items() if isinstance(v, int) and parse_counter(k)}
    hw = record.get("hw")
    done = fold(subject, record.get("h"), int(hw) if hw is not None else None, live, until)  # type: ignore[arg-type,call-overload]
    if done is None:
        return dict(record)
    blob, _, folded = done
    out = {k: v for k, v in record.items() if k not in folded and k != "hw"}
    out["h"] = blob
    return out


def expanded(record: dict[str, object]) -> dict[str, object]:
    """A plain activity record with its compacted history written back out as live-style counters
    (`w<year>_<week>_<event>`): for readers that reason about weeks by name (data export, retraining)."""
    out = {k: v for k, v in record.items() if k not in ("h", "hw")}
    if record.get("h") is None:
        return out
    subject = str(record["member_id"])
    events = history_events(subject)
    hw = record.get("hw")
    newest, history = read_history(record["h"], events, int(hw) if hw is not None else None)  # type: ignore[arg-type,call-overload]
    if newest is None:
        return out
    for event, weeks in zip(events, history, strict=True):
        for j, count in enumerate(weeks):
            if count:
                year, week = serial_to_week(newest - (HISTORY_WEEKS - 1 - j))
                name = f"w{year}_{week:02d}_{event}"
                out[name] = int(out.get(name, 0)) + count  # type: ignore[call-overload]
    return out


# --- profile mirror -----------------------------------------------------------------------------
# Batch scoring reads one table. The members-item fields that member features and run eligibility use
# are mirrored onto the member's activity item as one binary attribute `p`, written in the same
# transaction as every change of them (store.accounts, store.membership), so a Scan page of the
# activity table is all a segment reads and numpy decodes the page's mirrors at once.
# Layout (little-endian, fixed width): format version, flags, created_at as microseconds since the Unix
# epoch (UTC), then worker_group, city and membership_status as NUL-padded ASCII.
PROFILE_FIELD_LAYOUT: tuple[tuple[str, str], ...] = (
    ("version", "B"),
    ("flags", "B"),
    ("created_us", "q"),
    ("worker_group", "24s"),
    ("city", "24s"),
    ("membership_status", "8s"),
)
PROFILE_LAYOUT = "<" + "".join(code for _, code in PROFILE_FIELD_LAYOUT)
PROFILE_FORMAT_VERSION = 1
PROFILE_HAS_EMPLOYER, PROFILE_STAFF, PROFILE_ERASED = 1, 2, 4
PROFILE_TEXT_FIELDS: tuple[str, ...] = ("worker_group", "city", "membership_status")
# the members-item fields the mirror is built from (pack_profile's arguments)
MIRRORED_FIELDS: tuple[str, ...] = (
    "worker_group",
    "city",
    "employer_id",
    "membership_status",
    "created_at",
    "roles",
    "status",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_STAFF_ROLES = frozenset({"staff", "admin"})


def epoch_us(stamp: str) -> int:
    """Microseconds since the Unix epoch of a stored ISO stamp (`...Z` or with an offset)."""
    return (datetime.fromisoformat(stamp.replace("Z", "+00:00")) - _EPOCH) // timedelta(microseconds=1)


# The time of a subject's last event, also as 8 bytes (little-endian microseconds since the Unix epoch, UTC),
# set by every event next to the readable `last_event_at` stamp: batch scoring reads a Scan page's times
# with one numpy call instead of parsing a thousand stamps.
EVENT_TIME_FORMAT = "<q"


def pack_event_time(at_iso: str) -> bytes:
    """The `lt` attribute of an event at `at_iso` (a stored ISO stamp)."""
    return struct.pack(EVENT_TIME_FORMAT, epoch_us(at_iso))


def pack_profile(
    *,
    worker_group: str | None,
    city: str | None,
    employer_id: str | None,
    membership_status: str | None,
    created_at: str,
    roles: Iterable[str] | None = None,
    status: str | None = None,
) -> bytes:
    """The mirror of a member's profile for the activity item (see PROFILE_LAYOUT)."""
    flags = (
        (PROFILE_HAS_EMPLOYER if employer_id else 0)
        | (PROFILE_STAFF if _STAFF_ROLES & set(roles or ()) else 0)
        | (PROFILE_ERASED if status == "erased" else 0)
    )
    return struct.pack(
        PROFILE_LAYOUT,
        PROFILE_FORMAT_VERSION,
        flags,
        epoch_us(created_at),
        *(_code(v, width) for v, width in zip((worker_group, city, membership_status), _TEXT_WIDTHS, strict=True)),
    )


_TEXT_WIDTHS = tuple(int(code[:-1]) for name, code in PROFILE_FIELD_LAYOUT if name in PROFILE_TEXT_FIELDS)


def _code(value: str | None, width: int) -> bytes:
    """A vocabulary code as stored; a value that is not a short ASCII code is stored as unknown (empty),
    which features treat like any value outside their vocabulary."""
    try:
        raw = (value or "").encode("ascii")
    except UnicodeEncodeError:
        return b""
    return raw if len(raw) <= width else b""


def unpack_profile(blob: bytes) -> dict[str, object]:
    """The mirror's fields (for readers that take one item at a time; batch scoring decodes with numpy)."""
    version, flags, created, *texts = struct.unpack(PROFILE_LAYOUT, bytes(blob))
    if version != PROFILE_FORMAT_VERSION:
        raise ValueError(f"profile mirror format {version} is not {PROFILE_FORMAT_VERSION}")
    out: dict[str, object] = {
        f: (t.rstrip(b"\0").decode("ascii") or None) for f, t in zip(PROFILE_TEXT_FIELDS, texts, strict=True)
    }
    out.update(
        has_employer=bool(flags & PROFILE_HAS_EMPLOYER),
        staff=bool(flags & PROFILE_STAFF),
        erased=bool(flags & PROFILE_ERASED),
        created_us=created,
    )
    return out


def profile_flags(blob: bytes) -> int:
    """The flags byte of a profile mirror, read without unpacking the rest (batch eligibility)."""
    return blob[1]
