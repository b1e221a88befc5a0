"""A prototype for issue #17: the timeline held by sqlite3 instead of Python objects.

Not shipped (it lives under benchmarks/): ``benchmarks/engines.py`` measures it against the
engine in ``tui/core`` and docs/performance.md ("Engine re-decision") reports the outcome.

    store = open(path)               # builds or reuses the database that is also the cache
    kept = store.filter(parse("country:RU telegram"))   # rowids, in date order
    events = store.rows(kept[:50])   # records read on demand
    store.facet_counts(query, "tag")
    store.reload()                   # after an edit: only the changed chunks are parsed again

The database: one file per timeline path in the cache folder; ``PRAGMA user_version`` is the
schema version, and ``meta`` holds the digest of the validating code and of the file. The file
is cut into chunks at ``[[events]]`` headers chosen by their own bytes (content-defined: an edit
moves no other chunk's boundary), each chunk's digest in ``chunks``. Events live in ``events``
(rowid = chunk id << 20 | position in the chunk), repeated facets in ``ev_platform``, ``ev_tag``
and ``ev_authority``; each event's search text (the fields free text searches, casefolded, as
``tui.core.query.textindex`` prepares them) in ``texts``, scanned with ``instr`` until the FTS5
trigram index (``fts``, external content) is built, after the rows are filterable.

Writes: a first build goes to a temporary database renamed into place (nobody ever opens a half
built file, and two processes building at once each rename a complete one: the last wins); a
reload changes the database in place in one ``BEGIN IMMEDIATE`` transaction, sqlite's own lock,
and checks again inside it whether another process did the same reload already. A database that
fails to open, has another ``user_version`` or code digest, or raises ``DatabaseError`` while
checked, is deleted and rebuilt. (sqlite checks its structure, not every byte of every record:
a flipped bit inside a text value goes unnoticed without a checksum VFS; the marshal cache of
today's engine has a CRC per block.)

Any chunk that does not parse or validate, or a duplicate id or dangling link, sends the whole
file through ``tui.core.files.load`` (the careful path): its TimelineError keeps every line and
column; a file that loads there after all is stored as one chunk.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import multiprocessing
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tui.core.query.edit import selected
from tui.core.query.language import Query, normalize
from tui.core.query.textindex import FS, prepare_texts
from tui.core.time.span import FOREVER, OPEN_STATUSES
from tui.core.timeline.countries import country_name
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Source, Status, TimelineInfo

SCHEMA_VERSION = 2
_HEADER = b"\n[[events]]"
_CUT_MASK = 0x7F  # a header starts a chunk when the CRC of its first bytes ends in 7 zero bits
# The first chunk holds at least this many events: a first screen, read before the rest.
_FIRST_EVENTS = 300
_CUT_PROBE = 96  # bytes after the header that decide: the id line and a little more
_POS_BITS = 20
_CODE = ("timeline/model.py", "timeline/dates.py", "timeline/countries.py", "timeline/event.py")
_MULTI = {"platform": "platforms", "tag": "tags", "authority": "authority"}
_SINGLE = {"country", "action", "status"}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, seq INTEGER, digest BLOB, first_line INTEGER,
                     size INTEGER, newlines INTEGER);
CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT, s_day INTEGER, s_prec INTEGER,
                     s_end INTEGER, span_end INTEGER, force_end INTEGER, status TEXT,
                     action TEXT, country TEXT, title TEXT, line INTEGER, record BLOB);
CREATE TABLE texts (rowid INTEGER PRIMARY KEY, text TEXT);
CREATE TABLE ev_platform (event INTEGER, key TEXT, display TEXT);
CREATE TABLE ev_tag (event INTEGER, key TEXT, display TEXT);
CREATE TABLE ev_authority (event INTEGER, key TEXT, display TEXT);
CREATE TABLE ev_related (event INTEGER, other TEXT);
"""
TABLES = ("events", "texts", "ev_platform", "ev_tag", "ev_authority", "ev_related")
INDEXES = """
CREATE INDEX IF NOT EXISTS events_order ON events (s_day, s_prec, s_end, id, country, action,
                                                  status, span_end, force_end);
CREATE INDEX IF NOT EXISTS events_id ON events (id);
CREATE INDEX IF NOT EXISTS ev_platform_key ON ev_platform (key, event);
CREATE INDEX IF NOT EXISTS ev_tag_key ON ev_tag (key, event);
CREATE INDEX IF NOT EXISTS ev_authority_event ON ev_authority (event);
CREATE INDEX IF NOT EXISTS ev_platform_event ON ev_platform (event);
CREATE INDEX IF NOT EXISTS ev_tag_event ON ev_tag (event);
CREATE INDEX IF NOT EXISTS ev_related_event ON ev_related (event);
"""
FTS = (
    "CREATE VIRTUAL TABLE fts USING fts5(text, content='texts', content_rowid='rowid', "
    "tokenize='trigram case_sensitive 1', detail='none')"
)


class Invalid(Exception):
    """The fast path gives up: the careful path (tui.core.files.load) takes over."""


def db_path(path: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(os.environ.get("POLICY_TUI_SQLITE", Path(base) / "policy-tui-sqlite"))
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:20]
    return folder / f"{name}.db"


def code_digest() -> str:
    here = Path(__file__).resolve()
    tui_core = Path(__import__("tui.core").core.__file__).resolve().parent
    digest = hashlib.blake2b(here.read_bytes(), digest_size=16)
    for name in _CODE:
        digest.update((tui_core / name).read_bytes())
    return digest.hexdigest()


# -- chunks -------------------------------------------------------------------------------------


_BLOCK = 16 << 20
_FIRST_BLOCK = 1 << 20


def split(path: Path) -> tuple[str, list[int]]:
    """The file's SHA-256 and where its chunks start: at some plain ``[[events]]`` lines, chosen
    by the bytes that follow them (an edit moves no other chunk's boundary)."""
    sha = hashlib.sha256()
    with path.open("rb") as file:
        starts = list(_scan(file, sha))
    if not starts:
        raise Invalid("no plain [[events]] header")
    return sha.hexdigest(), starts


def _scan(file: Any, sha: Any) -> Iterator[int]:
    """``split``'s chunk starts, each as soon as it is found, ``sha`` fed all the bytes read.
    Read in blocks, the first one small: the whole file is never in memory, and the first
    chunk is known after its first megabyte or so."""
    seen, count, size = 0, 0, _FIRST_BLOCK
    base, buf = 0, b""
    while True:
        block = file.read(size)
        size = _BLOCK
        sha.update(block)
        buf += block
        pos = 0
        while True:
            found = buf.find(_HEADER, pos)
            if found < 0 or (block and found + 1 + _CUT_PROBE > len(buf)):
                break
            seen += 1
            past_first = seen > _FIRST_EVENTS or count > 1
            if not count or (past_first and _cuts(buf, found)):
                count += 1
                yield base + found + 1
            pos = found + 1
        if not block:
            return
        keep = found if found >= 0 else max(pos, len(buf) - len(_HEADER))
        buf, base = buf[keep:], base + keep


def _cuts(buf: bytes, found: int) -> bool:
    """Whether the header after ``buf[found]`` (a newline) starts a chunk."""
    return zlib.crc32(buf[found + 1 : found + 1 + _CUT_PROBE]) & _CUT_MASK == 0


def _starts(region: bytes) -> list[int]:
    """Chunk starts in ``region``, which starts with a header: as ``split`` cuts a file."""
    starts = [0]
    found = region.find(_HEADER)
    while found >= 0:
        if _cuts(region, found):
            starts.append(found + 1)
        found = region.find(_HEADER, found + 1)
    return starts


def _read(file: Any, start: int, end: int) -> bytes:
    file.seek(start)
    return bytes(file.read(end - start))


def _digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _ymd(day: PartialDate | None) -> tuple[int, int | None, int | None] | None:
    return None if day is None else (day.year, day.month, day.day)


def event_rows(events: Iterable[tuple[int, Event, int | None]]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for every table from (rowid, event, line)."""
    out: dict[str, list[tuple[Any, ...]]] = {
        "events": [], "texts": [], "ev_platform": [], "ev_tag": [], "ev_authority": [],
        "ev_related": [],
    }  # fmt: skip
    texts: list[str] = []
    for rowid, e, line in events:
        start, last = e.date.start.toordinal(), e.date.end.toordinal()
        end = e.end_date.end.toordinal() if e.end_date is not None else None
        is_open = e.status in OPEN_STATUSES
        span_end = end if end is not None else (FOREVER if is_open else last)
        force_end = end if end is not None else (FOREVER if is_open else -1)
        record = (
            e.id, _ymd(e.date), _ymd(e.end_date), e.status.value, e.title, e.country,
            e.authority, e.platforms, e.action.value, e.tags, e.summary,
            tuple((s.publisher, s.url, s.title, _ymd(s.date)) for s in e.sources), e.related,
        )  # fmt: skip
        head = [e.title, e.summary, *(s.title for s in e.sources if s.title)]
        tail = ["", e.id, *(part for s in e.sources for part in (s.publisher, s.url))]
        values = [country_name(e.country) or e.country, *e.tags, *e.authority, *e.platforms]
        texts.append(FS.join(head + tail + values))
        out["events"].append(
            (rowid, e.id, start, int(e.date.precision), end if end is not None else last,
             span_end, force_end, e.status.value, e.action.value, e.country, e.title, line,
             marshal.dumps(record))
        )  # fmt: skip
        for field, column in _MULTI.items():
            table = out[f"ev_{field}"]
            for value in dict.fromkeys(getattr(e, column)):
                table.append((rowid, normalize(field, value), value))
        out["ev_related"] += ((rowid, other) for other in e.related)
    out["texts"] = list(zip((row[0] for row in out["events"]), prepare_texts(texts), strict=True))
    return out


def insert(conn: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows["events"])
    conn.executemany("INSERT INTO texts VALUES (?,?)", rows["texts"])
    for table in ("ev_platform", "ev_tag", "ev_authority"):
        conn.executemany(f"INSERT INTO {table} VALUES (?,?,?)", rows[table])
    conn.executemany("INSERT INTO ev_related VALUES (?,?)", rows["ev_related"])


def parse_chunk(text: str, chunk_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """One chunk's text -> its rows, validated by the project's own model; Invalid if not."""
    from pydantic import ValidationError

    from tui.core.files.load import _header_lines
    from tui.core.files.toml10 import parse as _parse_chunk
    from tui.core.timeline.model import EventModel, to_event

    if "\x00" in text:
        raise Invalid("NUL")
    data = _parse_chunk(text)
    if data is None or set(data) != {"events"} or not isinstance(data["events"], list):
        raise Invalid("chunk does not parse as events only")
    raw = data["events"]
    try:
        events = [to_event(EventModel.model_validate(item)) for item in raw]
    except ValidationError as exc:
        raise Invalid(str(exc)) from None
    # Lines relative to the chunk's first line: a chunk kept by a reload moves as a whole.
    counted = _header_lines(text, len(raw))
    lines = counted[0] if counted is not None else [None] * len(events)
    base = chunk_id << _POS_BITS
    return event_rows(
        (base + i, e, line) for i, (e, line) in enumerate(zip(events, lines, strict=True))
    )


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


Task = tuple[int, int, int]  # chunk id, start, end


def _worker(args: tuple[str, str, list[Task], str]) -> list[tuple[int, bytes, int]] | None:
    """Parse and validate chunks, writing rows into ``db`` (its own, or the shared one).
    Returns each chunk's (id, digest, newlines), or None when one fails."""
    source, db, tasks, mode = args
    conn = _connect(db)
    if mode == "attach":
        conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        conn.execute("BEGIN")
    done = []
    with Path(source).open("rb") as file:
        for chunk_id, start, end in tasks:
            data = _read(file, start, end)
            try:
                rows = parse_chunk(data.decode("utf-8"), chunk_id)
            except (Invalid, UnicodeDecodeError):
                return None
            if mode == "shared":
                conn.execute("BEGIN IMMEDIATE")
            insert(conn, rows)
            if mode == "shared":
                conn.execute("COMMIT")
            done.append((chunk_id, _digest(data), data.count(b"\n")))
    if mode == "attach":
        conn.execute("COMMIT")
    conn.close()
    return done


# -- the store ----------------------------------------------------------------------------------


class Store:
    """An opened timeline database."""

    def __init__(self, path: Path, db: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.db = db
        self.conn = conn
        self.today = date.today()
        self.fts_ready = _has_fts(conn)
        self._lock = threading.Lock()
        self._kept: tuple[str, tuple[Any, ...]] | None = None

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM events").fetchone()[0])

    def info(self) -> TimelineInfo:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'info'").fetchone()
        return TimelineInfo(*marshal.loads(row[0]))

    def line(self, rowid: int) -> int | None:
        """The 1-based line of the event's ``[[events]]`` header."""
        sql = (
            "SELECT c.first_line + e.line FROM events e JOIN chunks c ON c.id = e.rowid >> ? "
            "WHERE e.rowid = ?"
        )
        with self._lock:
            row = self.conn.execute(sql, (_POS_BITS, rowid)).fetchone()
        return None if row is None else row[0]

    # queries
    def filter(self, query: Query) -> list[int]:
        where, params = self.where(query)
        sql = f"SELECT rowid FROM events WHERE {where} ORDER BY s_day, s_prec, s_end, id"
        with self._lock:
            return [r for (r,) in self.conn.execute(sql, params)]

    def page(self, query: Query, offset: int = 0, limit: int = 50) -> tuple[int, list[Event]]:
        """How many events the query keeps, and ``limit`` of them from ``offset`` in date
        order: a screen read on demand, without the list of all kept rowids."""
        where, params = self.where(query)
        order = "ORDER BY s_day, s_prec, s_end, id LIMIT ? OFFSET ?"
        with self._lock:
            count = self.conn.execute(f"SELECT count(*) FROM events WHERE {where}", params)
            total = int(count.fetchone()[0])
            sql = f"SELECT record FROM events WHERE {where} {order}"
            rows = self.conn.execute(sql, [*params, limit, offset]).fetchall()
        return total, [_event(r) for (r,) in rows]

    def first(self, count: int = 50) -> list[Event]:
        """The first ``count`` events in date order (a first screen, no filter)."""
        sql = "SELECT record FROM events ORDER BY s_day, s_prec, s_end, id LIMIT ?"
        with self._lock:
            return [_event(r) for (r,) in self.conn.execute(sql, (count,))]

    def rows(self, rowids: Sequence[int]) -> list[Event]:
        """The events of ``rowids``, in that order (the rows on screen, the detail)."""
        marks = ",".join("?" * len(rowids))
        with self._lock:
            found = dict(
                self.conn.execute(
                    f"SELECT rowid, record FROM events WHERE rowid IN ({marks})", rowids
                )
            )
        return [_event(found[r]) for r in rowids]

    def facet_counts(self, query: Query, facet: str) -> list[tuple[str, int]]:
        """(value, count) on the query without the facet's own terms, as ``Index`` gives
        them: by count, then value; selected values listed even at 0."""
        where, params = self.where(query.without_facet(facet))
        if facet in _SINGLE:
            sql = f"SELECT {facet}, count(*) FROM temp.kept GROUP BY {facet}"
        else:  # the spelling of the value's first event, as the Index shows it
            sql = (
                f"SELECT display, count(*), min(event) FROM ev_{facet} WHERE event IN "
                "(SELECT event FROM temp.kept) GROUP BY key"
            )
        with self._lock:
            self._keep(where, params)
            counts = {row[0]: row[1] for row in self.conn.execute(sql)}
            listed = {normalize(facet, value) for value in counts}
            for value in sorted(selected(query, facet)):
                key = normalize(facet, value)
                if key not in listed:
                    listed.add(key)
                    counts[self._spelling(facet, key) or value] = 0
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))

    def _spelling(self, facet: str, key: str) -> str | None:
        if facet in _SINGLE:
            sql = f"SELECT {facet} FROM events WHERE {facet} = ? LIMIT 1"
        else:
            sql = f"SELECT display FROM ev_{facet} WHERE key = ? ORDER BY event LIMIT 1"
        row = self.conn.execute(sql, (key,)).fetchone()
        return None if row is None else str(row[0])

    def _keep(self, where: str, params: list[Any]) -> None:
        """The events a WHERE clause keeps, in ``temp.kept``: the five facets of one query
        mostly share their base, which is then evaluated once."""
        key = (where, tuple(params))
        if key != self._kept:
            self.conn.execute("DROP TABLE IF EXISTS temp.kept")
            self.conn.execute(
                "CREATE TEMP TABLE kept AS SELECT rowid AS event, country, action, status "
                f"FROM events WHERE {where}",
                params,
            )
            self._kept = key

    def where(self, query: Query) -> tuple[str, list[Any]]:
        """The query as a WHERE clause over ``events``: the common subset of the language."""
        clauses: list[str] = []
        params: list[Any] = []
        for term in query.terms:
            ors = []
            for index, value in enumerate(term.values):
                sql, args = self._value(
                    term.field, value, term.dates[index] if term.dates else None
                )
                ors.append(sql)
                params += args
            clause = "(" + " OR ".join(ors) + ")"
            clauses.append(f"NOT {clause}" if term.negated else clause)
        return (" AND ".join(clauses) or "1"), params

    def _value(
        self, field: str | None, value: str, day: PartialDate | None
    ) -> tuple[str, list[Any]]:
        key = normalize(field, value)
        if field is None:
            pattern = "*" + "".join(f"[{c}]" if c in "*?[" else c for c in key) + "*"
            if self.fts_ready and len(key) >= 3:
                return "rowid IN (SELECT rowid FROM fts WHERE text GLOB ?)", [pattern]
            return "rowid IN (SELECT rowid FROM texts WHERE instr(text, ?))", [key]
        if field in _SINGLE:
            return f"{field} = ?", [key]
        if field in ("platform", "tag"):
            return f"rowid IN (SELECT event FROM ev_{field} WHERE key = ?)", [key]
        if field == "authority":
            return "rowid IN (SELECT event FROM ev_authority WHERE instr(key, ?) > 0)", [key]
        if field == "id":
            if key.endswith("*"):
                return "id GLOB ?", [key[:-1].replace("[", "[[]").replace("*", "[*]") + "*"]
            return "id = ?", [key]
        first, last = (self.today, self.today) if day is None else (day.start, day.end)
        lo, hi = first.toordinal(), last.toordinal()
        if field == "before":
            return "s_day < ?", [lo]
        if field == "after":
            return "s_day >= ?", [lo]
        ends = "force_end" if field == "asof" else "span_end"
        return f"({ends} >= ? AND s_day <= ?)", [lo, hi]

    # the search index, after the rows
    def build_search(self) -> None:
        """The FTS5 trigram index over the search texts; free text scans them until then."""
        conn = _connect(self.db)
        conn.execute("BEGIN IMMEDIATE")
        if not _has_fts(conn):
            conn.execute(FTS)
            conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        conn.execute("COMMIT")
        conn.close()
        self.fts_ready = True

    def reload(self) -> int:
        """Bring the database up to the file's bytes; the number of chunks parsed again.

        The old chunks are matched from the start of the file and from its end, by size and
        digest, until one differs; only the bytes between are cut and parsed again."""
        conn, path = self.conn, self.path
        with self._lock, path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
            size = file.seek(0, os.SEEK_END)
            conn.execute("BEGIN IMMEDIATE")
            try:
                if _meta(conn, "digest") == digest:  # another process reloaded it already
                    conn.execute("COMMIT")
                    return 0
                parsed = self._replace_middle(file, size)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'digest'", (digest,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return parsed

    def _replace_middle(self, file: Any, size: int) -> int:
        conn = self.conn
        head = (-1, _meta(conn, "head_digest"), _meta(conn, "head_size"), 0)
        sql = "SELECT id, digest, size, newlines FROM chunks ORDER BY seq"
        pieces = [head, *conn.execute(sql)]
        front, lo = 0, 0
        while front < len(pieces) and _same(file, lo, pieces[front], lo, size):
            lo, front = lo + pieces[front][2], front + 1
        back, hi = len(pieces), size
        while back > max(front, 1) and _same(
            file, hi - pieces[back - 1][2], pieces[back - 1], lo, hi
        ):
            hi, back = hi - pieces[back - 1][2], back - 1
        # The bytes between must be whole [[events]] tables: else the neighbours go too.
        while front > 0 and not (lo > 0 and _read(file, lo - 1, lo - 1 + len(_HEADER)) == _HEADER):
            front -= 1
            lo -= pieces[front][2]
        while back < len(pieces) and _read(file, hi - 1, hi) != b"\n":
            hi, back = hi + pieces[back][2], back + 1
        region = _read(file, lo, hi)
        fts = _has_fts(conn)
        new: list[tuple[int, int, bytes, int, int]] = []  # id, digest, size, newlines
        if region:
            starts = [0] if front > 0 else []
            if front == 0:  # the head changed: check it again, cut where split would
                first = region.find(_HEADER) + 1
                if first == 0 and back < len(pieces):
                    first = len(region)  # all head: the kept chunks follow
                elif first == 0:
                    raise Invalid("no plain [[events]] header")
                head_bytes = region[:first]
                _check_head(head_bytes.removeprefix(b"\xef\xbb\xbf"), str(self.path), conn)
                conn.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [("head_digest", _digest(head_bytes)), ("head_size", first)],
                )
                starts = [first]
            starts = starts[:1] + [starts[0] + s for s in _starts(region[starts[0] :])[1:]]
            next_id = 1 + (conn.execute("SELECT max(id) FROM chunks").fetchone()[0] or 0)
            bounds = [*starts, len(region)] if starts[0] < len(region) else []
            for start, end in itertools.pairwise(bounds):
                data = region[start:end]
                rows = parse_chunk(data.decode("utf-8"), next_id)
                insert(conn, rows)
                if fts:
                    conn.executemany("INSERT INTO fts(rowid, text) VALUES (?, ?)", rows["texts"])
                new.append((next_id, _digest(data), len(data), data.count(b"\n")))
                next_id += 1
        for cid, *_ in pieces[max(front, 1) : back]:
            _drop_chunk(conn, cid, fts)
        kept = [p for p in pieces[1:front]] + new + [p for p in pieces[back:]]
        head_lines = 1 + _read(file, 0, int(_meta(conn, "head_size"))).count(b"\n")
        rows, line = [], head_lines
        for seq, (cid, chunk_digest, chunk_size, newlines) in enumerate(kept):
            rows.append((cid, seq, chunk_digest, line, chunk_size, newlines))
            line += newlines
        conn.execute("DELETE FROM chunks")
        conn.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?)", rows)
        _check_links(conn)
        return len(new)


def _same(file: Any, start: int, piece: tuple[Any, ...], lo: int, hi: int) -> bool:
    """Whether the bytes at ``start`` (kept within lo..hi) are the old chunk ``piece``."""
    _, digest, size, _ = piece
    inside = lo <= start and start + size <= hi
    return inside and _digest(_read(file, start, start + size)) == digest


def _drop_chunk(conn: sqlite3.Connection, cid: int, fts: bool) -> None:
    lo, hi = cid << _POS_BITS, ((cid + 1) << _POS_BITS) - 1
    if fts:
        conn.execute(
            "INSERT INTO fts(fts, rowid, text) SELECT 'delete', rowid, text FROM texts "
            "WHERE rowid BETWEEN ? AND ?",
            (lo, hi),
        )
    for table in ("ev_platform", "ev_tag", "ev_authority", "ev_related"):
        conn.execute(f"DELETE FROM {table} WHERE event BETWEEN ? AND ?", (lo, hi))
    conn.execute("DELETE FROM texts WHERE rowid BETWEEN ? AND ?", (lo, hi))
    conn.execute("DELETE FROM events WHERE rowid BETWEEN ? AND ?", (lo, hi))


def _has_fts(conn: sqlite3.Connection) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE name = 'fts'"
    return conn.execute(sql).fetchone() is not None


def _meta(conn: sqlite3.Connection, key: str) -> Any:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _check_links(conn: sqlite3.Connection) -> None:
    """Ids unique across chunks and every related id known, as the loader demands."""
    if conn.execute("SELECT 1 FROM events GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone():
        raise Invalid("duplicate id")
    dangling = "SELECT 1 FROM ev_related WHERE other NOT IN (SELECT id FROM events) LIMIT 1"
    if conn.execute(dangling).fetchone():
        raise Invalid("dangling related id")


def _check_head(head: bytes, name: str, conn: sqlite3.Connection) -> None:
    """The text before the first event: [timeline] and [views], checked by the loader."""
    from tui.core.files.problems import Checker
    from tui.core.files.toml10 import parse as _parse_chunk

    text = head.decode("utf-8").removeprefix("\ufeff")
    data = _parse_chunk(text)
    if data is None or "events" in data or any(k not in ("timeline", "views") for k in data):
        raise Invalid("head")
    checker = Checker(text, name)
    info = checker.info(data.get("timeline"))
    views = checker.views(data.get("views"))
    if checker.problems:
        raise Invalid("head problems")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('info', ?)", (marshal.dumps(tuple(info)),))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('views', ?)", (marshal.dumps(views),))


_STATUS = {s.value: s for s in Status}
_ACTION = {a.value: a for a in Action}


def _day(ymd: Any) -> PartialDate | None:
    return None if ymd is None else PartialDate(*ymd)


def _event(blob: bytes) -> Event:
    r = marshal.loads(blob)
    sources = tuple(Source(p, u, t, _day(d)) for p, u, t, d in r[11])
    return Event(
        r[0], PartialDate(*r[1]), _day(r[2]), _STATUS[r[3]], r[4], r[5], r[6], r[7],
        _ACTION[r[8]], r[9], r[10], sources, r[12],
    )  # fmt: skip


# -- opening ------------------------------------------------------------------------------------


def open(
    path: Path | str,
    *,
    workers: int = 2,
    mode: str = "attach",
    on_first: Any = None,
) -> Store:
    """The store for ``path``: the database if it matches the file, else built (or reloaded).
    Raises TimelineError, with the loader's lines and columns, when the file has problems.
    ``on_first(store)`` is called once the first chunk's events can be read."""
    path = Path(path)
    db = db_path(path)
    conn = _trusted(db)
    if conn is not None:
        store = Store(path, db, conn)
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
        if _meta(conn, "digest") != digest:
            try:
                store.reload()
            except (Invalid, UnicodeDecodeError):
                conn.close()
                return _build(path, db, workers, mode, on_first)
        return store
    return _build(path, db, workers, mode, on_first)


def _trusted(db: Path) -> sqlite3.Connection | None:
    """A connection to ``db`` if it is this schema and this code's, else None (deleted)."""
    if not db.exists():
        return None
    try:
        conn = _connect(f"file:{db}?mode=rw")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION and _meta(conn, "code") == code_digest():
            conn.execute("SELECT count(*) FROM chunks").fetchone()
            return conn
        conn.close()
    except sqlite3.DatabaseError:
        pass
    with contextlib.suppress(OSError):
        db.unlink()
    return None


def _build(path: Path, db: Path, workers: int, mode: str, on_first: Any) -> Store:
    tmp = db.with_name(f"{db.name}.{os.getpid()}.tmp")
    extra = [tmp.with_name(f"{tmp.name}-{k}") for k in range(workers)]
    # Forked before anything is read or imported: the workers share none of it.
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    try:
        conn = _connect(tmp)
        journal = "WAL" if mode == "shared" else "OFF"
        conn.executescript(f"PRAGMA journal_mode = {journal}; PRAGMA synchronous = OFF;" + SCHEMA)
        try:
            digest = _fill(path, conn, Store(path, tmp, conn), extra, workers, mode, on_first, pool)
        except (Invalid, UnicodeDecodeError):
            digest = _careful(path, conn)
        conn.executescript(INDEXES)
        conn.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("code", code_digest()), ("digest", digest), ("path", str(path))],
        )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        os.replace(tmp, db)
    finally:
        if pool is not None:
            pool.terminate()
        for leftover in (tmp, *extra, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return Store(path, db, _connect(db))


def _fill(
    path: Path,
    conn: sqlite3.Connection,
    store: Store,
    extra: list[Path],
    workers: int,
    mode: str,
    on_first: Any,
    pool: Any,
) -> str:
    # The first chunk is parsed here as soon as its end is found: the first screen needs only
    # it. The workers get the others once the whole file is cut.
    sha = hashlib.sha256()
    with path.open("rb") as scanned, path.open("rb") as file:
        found = _scan(scanned, sha)
        starts = list(itertools.islice(found, 2))
        if not starts:
            raise Invalid("no plain [[events]] header")
        head = _read(file, 0, starts[0])
        first = _read(file, starts[0], starts[1]) if len(starts) > 1 else file.read()
        conn.execute("BEGIN")
        _check_head(head.removeprefix(b"\xef\xbb\xbf"), str(path), conn)
        insert(conn, parse_chunk(first.decode("utf-8"), 0))
        conn.execute("COMMIT")
        if on_first is not None:
            on_first(store)
        starts += found
    digest = sha.hexdigest()
    bounds = [*starts, path.stat().st_size]
    tasks = [(cid, start, end) for cid, (start, end) in enumerate(itertools.pairwise(bounds))]
    dbs = [str(e) for e in extra] if mode == "attach" else [str(store.db)] * workers
    shares = [tasks[1 + k :: workers] for k in range(workers)]
    pending = None
    if pool is not None:
        pending = pool.map_async(
            _worker, [(str(path), dbs[k], shares[k], mode) for k in range(workers)]
        )
    if pending is None:
        results = [_worker((str(path), str(store.db), tasks[1:], "shared"))]
    else:
        results = pending.get()
    if any(r is None for r in results):
        raise Invalid("a chunk")
    if mode == "attach" and pool is not None:
        for k, name in enumerate(dbs):
            conn.execute(f"ATTACH DATABASE ? AS w{k}", (name,))
            conn.execute("BEGIN")
            for table in TABLES:
                conn.execute(f"INSERT INTO {table} SELECT * FROM w{k}.{table}")
            conn.execute("COMMIT")
            conn.execute(f"DETACH DATABASE w{k}")
    done = {cid: (d, n) for share in results if share for cid, d, n in share}
    done[0] = (_digest(first), first.count(b"\n"))
    line = head.count(b"\n") + 1
    chunks = []
    for cid, start, end in tasks:
        chunk_digest, newlines = done[cid]
        chunks.append((cid, cid, chunk_digest, line, end - start, newlines))
        line += newlines
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?)", chunks)
    head_meta = [("head_digest", _digest(head)), ("head_size", len(head))]
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", head_meta)
    conn.execute("COMMIT")
    conn.executescript("CREATE INDEX IF NOT EXISTS events_id ON events (id);")
    _check_links(conn)
    return digest


def _careful(path: Path, conn: sqlite3.Connection) -> str:
    """The loader's own path: raises its TimelineError, or gives events stored as one chunk."""
    from tui.core.files.load import load_bytes

    data = path.read_bytes()
    timeline = load_bytes(data, str(path))  # raises TimelineError with every position
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("ROLLBACK")
    conn.execute("BEGIN")
    for table in (*TABLES, "chunks"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute(
        "INSERT OR REPLACE INTO meta VALUES ('info', ?)", (marshal.dumps(tuple(timeline.info)),)
    )
    conn.execute(
        "INSERT OR REPLACE INTO meta VALUES ('views', ?)", (marshal.dumps(timeline.views),)
    )
    # One chunk from the start, and a head no reload can match: a reload reads it all again.
    chunk = (_digest(data), len(data), data.count(b"\n"))
    conn.execute("INSERT INTO chunks VALUES (0, 0, ?, 1, ?, ?)", chunk)
    head_meta = [("head_digest", b""), ("head_size", 0)]
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", head_meta)
    lines = timeline.lines
    events = (
        (i, e, None if e.id not in lines else lines[e.id] - 1)
        for i, e in enumerate(timeline.events)
    )
    insert(conn, event_rows(events))
    conn.execute("COMMIT")
    return hashlib.sha256(data).hexdigest()


__all__ = ["Store", "open", "split"]
