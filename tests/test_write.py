"""The append writer: every old byte kept, atomic, refuses rather than guesses."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.files import atomic, write
from tui.core.files.load import load_text
from tui.core.files.read import decode
from tui.core.files.write import (
    ReadOnlyError,
    WriteError,
    append_event,
    appended_bytes,
    file_digest,
    load_with_digest,
    render_event,
    suggest_id,
    write_atomically,
)
from tui.core.timeline.dates import PartialDate
from tui.core.timeline.event import Action, Event, Source, Status
from tui.core.timeline.model import validate_event

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "write"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.glob("*.toml") if p.name != "inline-events.toml")
BOM = b"\xef\xbb\xbf"


def make_event(**changes: Any) -> Event:
    data: dict[str, Any] = {
        "id": "ru-2025-calls-restricted",
        "date": date(2025, 8, 13),
        "title": 'Calls on "WhatsApp" and Telegram restricted',
        "country": "RU",
        "authority": ["Roskomnadzor"],
        "platforms": ["WhatsApp", "Telegram"],
        "action": "restrict",
        "tags": ["calls", "a\\n[[events]]"],
        "summary": 'Line one with a backslash \\ and "quotes".\n[[events]]\nLine three…\n',
        "sources": [
            {"publisher": "Reuters", "url": "https://www.reuters.com/a", "date": "2025-08"},
            {"publisher": "Meduza", "url": "https://meduza.io/b", "title": "Headline"},
        ],
        "related": ["ru-2018-telegram-block"],
    }
    data.update(changes)
    return validate_event(data)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def leftovers(folder: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != keep)


# --------------------------------------------------------------------------------------------
# Rendering


def test_render_event_writes_the_documented_table() -> None:
    text = render_event(make_event())
    assert text == (
        "[[events]]\n"
        'id = "ru-2025-calls-restricted"\n'
        "date = 2025-08-13\n"
        'title = "Calls on \\"WhatsApp\\" and Telegram restricted"\n'
        'country = "RU"\n'
        'authority = ["Roskomnadzor"]\n'
        'platforms = ["WhatsApp", "Telegram"]\n'
        'action = "restrict"\n'
        'tags = ["calls", "a\\\\n[[events]]"]\n'
        'summary = """\n'
        'Line one with a backslash \\\\ and \\"quotes\\".\n'
        "[[events]]\n"
        "Line three…\n"
        '"""\n'
        'related = ["ru-2018-telegram-block"]\n'
        "\n"
        "[[events.sources]]\n"
        'publisher = "Reuters"\n'
        'url = "https://www.reuters.com/a"\n'
        'date = "2025-08"\n'
        "\n"
        "[[events.sources]]\n"
        'publisher = "Meduza"\n'
        'url = "https://meduza.io/b"\n'
        'title = "Headline"\n'
    )


def test_render_omits_empty_fields_and_a_derived_status() -> None:
    event = make_event(authority=[], platforms=[], tags=[], related=[], status="ongoing")
    text = render_event(event)
    for key in ("authority", "platforms", "tags", "related", "status", "end_date"):
        assert f"\n{key} =" not in text
    # "ended" is not what a lasting measure without an end derives to: it must be written.
    assert 'status = "ended"' in render_event(make_event(status="ended"))
    assert 'status = "unknown"' in render_event(make_event(status="unknown"))
    ended = make_event(end_date="2025-09", status="ended")
    assert "status" not in render_event(ended)
    assert 'end_date = "2025-09"' in render_event(ended)


def test_render_keeps_each_date_precision() -> None:
    text = render_event(make_event(date="2018", end_date=date(2019, 1, 2)))
    assert 'date = "2018"\nend_date = 2019-01-02\n' in text


def test_text_with_a_carriage_return_is_written_with_escapes() -> None:
    # The model rejects a bare \r today; should it ever pass, tomli-w would fold CRLF to LF
    # inside a multi-line string and change the text, so the writer escapes instead.
    event = make_event()._replace(summary="one\r\ntwo\n")
    assert 'summary = "one\\r\\ntwo\\n"' in render_event(event)


def test_long_lists_fall_back_to_one_item_per_line() -> None:
    names = [f"Authority number {n} with a long name" for n in range(5)]
    text = render_event(make_event(authority=names))
    assert 'authority = [\n    "Authority number 0 with a long name",\n' in text


def _with_base(table: str) -> str:
    base = (FIXTURES / "lf.toml").read_text(encoding="utf-8")
    return base + "\n" + table


# --------------------------------------------------------------------------------------------
# Appending to byte-exact fixtures


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_append_keeps_every_old_byte_and_loads_back(name: str, tmp_path: Path) -> None:
    path = copy_fixture(name, tmp_path)
    old = path.read_bytes()
    before, digest = load_with_digest(path)
    assert digest == file_digest(old)
    event = make_event()

    new_digest = append_event(path, event, digest)

    new = path.read_bytes()
    assert new_digest == file_digest(new)
    assert new.startswith(old), "the old bytes must be an exact prefix"
    added = new[len(old) :]
    crlf = b"\r\n" in old
    if crlf:
        assert b"\n" not in added.replace(b"\r\n", b""), "appended text must use CRLF"
    else:
        assert b"\r" not in added
    nl = b"\r\n" if crlf else b"\n"
    # The old last line is ended, then exactly one blank line (unless one was there already).
    if old.endswith(nl + nl):
        assert added.startswith(b"[[events]]")
    elif old.endswith(b"\n"):
        assert added.startswith(nl + b"[[events]]")
    else:
        assert added.startswith(nl + nl + b"[[events]]")
    assert new.startswith(BOM) == old.startswith(BOM)

    after = load_text(decode(new, name), name)
    assert after.get(event.id) == event
    assert [e for e in after.events if e.id != event.id] == before.events
    assert after.info == before.info and after.views == before.views
    # The app highlights the new event by its line: the header must be found in the text.
    header_line = decode(new, name).splitlines()[after.lines[event.id] - 1]
    assert header_line == "[[events]]"
    assert after.lines[event.id] == before_line_count(old) + 1 + (0 if old.endswith(nl + nl) else 1)
    assert leftovers(tmp_path, path) == []


def before_line_count(old: bytes) -> int:
    """Lines of the old file once its last line is ended."""
    return old.count(b"\n") + (0 if old.endswith(b"\n") else 1)


def test_trailing_comment_is_never_glued_to_the_new_table(tmp_path: Path) -> None:
    path = copy_fixture("trailing-comment.toml", tmp_path)
    _, digest = load_with_digest(path)
    append_event(path, make_event(), digest)
    text = path.read_text(encoding="utf-8")
    assert "# the end, no newline after this comment\n\n[[events]]\n" in text


def test_two_appends_in_a_row(tmp_path: Path) -> None:
    path = copy_fixture("crlf-bom-trailing-comment.toml", tmp_path)
    _, digest = load_with_digest(path)
    digest = append_event(path, make_event(), digest)
    digest = append_event(path, make_event(id="ru-2025-second", related=[]), digest)
    timeline, loaded = load_with_digest(path)
    assert loaded == digest
    assert timeline.get("ru-2025-second") is not None and len(timeline) == 4
    data = path.read_bytes()
    assert data.startswith(BOM) and b"\n" not in data.replace(b"\r\n", b"")


def test_appended_bytes_is_pure_and_matches_the_file() -> None:
    old = (FIXTURES / "crlf.toml").read_bytes()
    event = make_event()
    expected = old + b"\r\n" + render_event(event).replace("\n", "\r\n").encode()
    assert appended_bytes(old, event) == expected


def test_file_mode_is_kept(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    path.chmod(0o640)
    _, digest = load_with_digest(path)
    append_event(path, make_event(), digest)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_owner_is_kept_when_saving_someone_elses_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    info = path.stat()
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(write.os, "getuid", lambda: info.st_uid + 1)
    monkeypatch.setattr(write.os, "chown", lambda p, u, g: calls.append((str(p), u, g)))
    _, digest = load_with_digest(path)
    append_event(path, make_event(), digest)
    assert len(calls) == 1 and calls[0][1:] == (info.st_uid, info.st_gid)
    assert Path(calls[0][0]).parent == tmp_path


def test_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = copy_fixture("lf.toml", tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    _, digest = load_with_digest(link)
    append_event(link, make_event(), digest)
    assert link.is_symlink()
    assert load_text(real.read_text()).get("ru-2025-calls-restricted") is not None


# --------------------------------------------------------------------------------------------
# Refusals: the file is untouched


def refused(path: Path, event: Event, digest: str, kind: str) -> WriteError:
    old = path.read_bytes()
    with pytest.raises(WriteError) as info:
        append_event(path, event, digest)
    assert path.read_bytes() == old
    assert leftovers(path.parent, path) == []
    assert info.value.kind == kind
    assert info.value.path == path
    assert str(path) in str(info.value)
    return info.value


def test_refuses_when_the_file_changed_since_it_was_loaded(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    path.write_bytes(path.read_bytes() + b"# edited elsewhere\n")
    error = refused(path, make_event(), digest, "changed")
    assert "changed on disk since it was loaded" in error.reason


def test_refuses_when_the_file_was_deleted(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    path.unlink()
    with pytest.raises(WriteError) as info:
        append_event(path, make_event(), digest)
    assert info.value.kind == "changed" and "no longer exists" in info.value.reason
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_file_that_does_not_load(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    path.write_bytes(path.read_bytes().replace(b'action = "ruling"', b'action = "rulling"'))
    error = refused(path, make_event(), file_digest(path.read_bytes()), "invalid")
    assert "does not load" in error.reason and "did you mean 'ruling'" in error.reason


def test_refuses_a_duplicate_id(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    error = refused(path, make_event(id="ru-2018-telegram-ruling", related=[]), digest, "duplicate")
    assert "'ru-2018-telegram-ruling' already exists" in error.reason


def test_refuses_an_event_whose_related_id_is_missing(tmp_path: Path) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    error = refused(path, make_event(related=["xx-1999-nothing"]), digest, "rejected")
    assert "no event has the id 'xx-1999-nothing'" in error.reason


def test_refuses_when_events_are_an_inline_array(tmp_path: Path) -> None:
    # [[events]] cannot extend a static array: the combined text fails to parse.
    path = copy_fixture("inline-events.toml", tmp_path)
    _, digest = load_with_digest(path)
    error = refused(path, make_event(related=[]), digest, "rejected")
    assert "would not load" in error.reason


def test_a_writer_bug_is_caught_before_the_file_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    real = write.render_event
    monkeypatch.setattr(write, "render_event", lambda e: real(e).replace("Line three", "Line 3"))
    error = refused(path, make_event(), digest, "rejected")
    assert "would not read back as entered" in error.reason


def test_a_save_by_an_editor_during_the_write_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    real_mkstemp = tempfile.mkstemp
    theirs = path.read_bytes() + b"# their save\n"

    def mkstemp_then_editor_saves(**kwargs: Any) -> tuple[int, str]:
        result = real_mkstemp(**kwargs)
        path.write_bytes(theirs)
        return result

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_editor_saves)
    with pytest.raises(WriteError) as info:
        append_event(path, make_event(), digest)
    assert info.value.kind == "changed"
    assert path.read_bytes() == theirs
    assert leftovers(tmp_path, path) == []


# --------------------------------------------------------------------------------------------
# Failure injection: the original stays byte-identical, no temp file is left


def _fail(exc: BaseException) -> Any:
    def raiser(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return raiser


class _FullDisk:
    """A file object whose write fails as on a full disk (still closes its descriptor)."""

    def __init__(self, fd: int, mode: str) -> None:
        self._file = open(fd, mode)  # noqa: SIM115 - closed by __exit__

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("target", "replacement", "reason"),
    [
        ("replace", _fail(OSError(errno.EXDEV, "Invalid cross-device link")), "cross-device"),
        ("replace", _fail(PermissionError(errno.EACCES, "Permission denied")), "permission denied"),
        ("fsync", _fail(OSError(errno.EIO, "Input/output error")), "input/output error"),
        ("fsync", _fail(OSError(errno.ENOSPC, "No space left")), "the disk is full"),
        ("fdopen", _FullDisk, "the disk is full"),
        ("chmod", _fail(PermissionError(errno.EPERM, "Not permitted")), "not permitted"),
        ("mkstemp", _fail(PermissionError(errno.EACCES, "Permission denied")), "permission"),
        ("mkstemp", _fail(OSError(errno.EROFS, "Read-only file system")), "read-only"),
    ],
)
def test_failed_writes_leave_the_file_byte_identical(
    target: str, replacement: Any, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("crlf-bom-trailing-comment.toml", tmp_path)
    path.chmod(0o640)
    old = path.read_bytes()
    _, digest = load_with_digest(path)
    owner = atomic.tempfile if target == "mkstemp" else atomic.os
    monkeypatch.setattr(owner, target, replacement)
    with pytest.raises(WriteError) as info:
        append_event(path, make_event(), digest)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path, path) == [], "the temporary file must be removed"
    assert info.value.kind == "io"
    assert reason in info.value.reason.lower()
    assert str(path) in str(info.value)
    # Nothing was lost: the same append works once the cause is gone.
    append_event(path, make_event(), digest)


def test_an_interrupt_during_the_write_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    old = path.read_bytes()
    _, digest = load_with_digest(path)
    monkeypatch.setattr(write.os, "fsync", _fail(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        append_event(path, make_event(), digest)
    assert path.read_bytes() == old
    assert leftovers(tmp_path, path) == []


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    monkeypatch.setattr(Path, "read_bytes", _fail(PermissionError(errno.EACCES, "denied")))
    with pytest.raises(WriteError) as info:
        append_event(path, make_event(), digest)
    assert info.value.kind == "unreadable" and "permission denied" in info.value.reason


def test_a_read_only_file_is_refused_even_for_root(tmp_path: Path) -> None:
    """An atomic write renames over the file, which needs only the folder: a 0444 file was
    replaced and "saved". The mode bits are checked explicitly (root passes os.access)."""
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    path.chmod(0o444)
    error = refused(path, make_event(), digest, "readonly")
    assert isinstance(error, ReadOnlyError)
    assert "read-only" in error.reason and f"'{path}'" in error.reason
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    # The same rule for every writer built on write.py.
    with pytest.raises(ReadOnlyError):
        write_atomically(path, b"x = 1\n")
    assert path.read_bytes() == (FIXTURES / "lf.toml").read_bytes()


def test_a_file_in_a_read_only_folder_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = copy_fixture("lf.toml", folder)
    _, digest = load_with_digest(path)
    folder.chmod(0o555)
    try:
        error = refused(path, make_event(), digest, "readonly")
        assert f"'{folder}'" in error.reason and f"'{path}'" in error.reason
        with pytest.raises(ReadOnlyError):
            write_atomically(folder / "new.json", b"{}")
        assert sorted(p.name for p in folder.iterdir()) == ["lf.toml"]
    finally:
        folder.chmod(0o755)


def test_a_file_the_user_may_not_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's 0644 file in a shared folder: os.replace would take it over."""
    path = copy_fixture("lf.toml", tmp_path)
    _, digest = load_with_digest(path)
    monkeypatch.setattr(atomic, "_writable_by_user", lambda p: Path(p) != path)
    error = refused(path, make_event(), digest, "readonly")
    assert "permission denied" in error.reason and f"'{path}'" in error.reason


def test_write_atomically_creates_keeps_the_mode_and_follows_links(tmp_path: Path) -> None:
    new = tmp_path / "new.json"
    write_atomically(new, b"one")
    assert new.read_bytes() == b"one"
    new.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(new)
    write_atomically(link, b"two")
    assert link.is_symlink() and new.read_bytes() == b"two"
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "new.json"]


def test_load_with_digest_words_failures_like_the_loader(tmp_path: Path) -> None:
    from tui.core.timeline.errors import TimelineError

    with pytest.raises(TimelineError) as info:
        load_with_digest(tmp_path / "missing.toml")
    assert info.value.unreadable and "no such file" in info.value.format()
    with pytest.raises(TimelineError) as info:
        load_with_digest(tmp_path)
    assert "is a folder" in info.value.format()


# --------------------------------------------------------------------------------------------
# Ids for new events


def test_suggest_id() -> None:
    assert suggest_id("RU", 2018, "Roskomnadzor starts blocking Telegram") == (
        "ru-2018-roskomnadzor-starts-blocking"
    )
    assert (
        suggest_id("TR", 2017, "Türkiye blocks the Wikipedia") == "tr-2017-turkiye-blocks-wikipedia"
    )
    taken = {"ru-2018-telegram-block", "ru-2018-telegram-block-2"}
    assert suggest_id("RU", 2018, "Telegram block", taken) == "ru-2018-telegram-block-3"
    assert suggest_id("", None, "") == "event"
    assert suggest_id("EU", 2024, "«Chat control» — vote!!") == "eu-2024-chat-control-vote"


@given(st.text(max_size=5), st.integers(1, 9999) | st.none(), st.text(max_size=40))
def test_suggested_ids_are_always_valid(country: str, year: int | None, title: str) -> None:
    from tui.core.timeline.rules import ID_PATTERN

    assert ID_PATTERN.fullmatch(suggest_id(country, year, title))


# --------------------------------------------------------------------------------------------
# Property: any valid event survives render + append + load unchanged

# Control characters are rejected by the model (tab and, in a summary, newline excepted).
TRICKY = [*"\"'\\\n\t#[]{}=,.", '"""', "'''", "\\u00e9", "\\n", "\\", "\\\n", "[[events]]"]
TRICKY += ["\u2028", "\u202e", "\ufeff", "\u00a0", "é", "日本", "🙂", "\n[[events]]\n", " "]
VISIBLE = st.sampled_from([*"a\"'\\#[]é日🙂", '"""', "[[events]]"])


def _texts(*, newlines: bool) -> st.SearchStrategy[str]:
    """Text that is never blank: tricky pieces and random unicode around a visible piece."""
    pieces = st.sampled_from(TRICKY) | st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), max_size=8
    )
    if not newlines:
        pieces = pieces.map(lambda s: s.replace("\n", " "))
    around = st.lists(pieces, max_size=4).map("".join)
    return st.tuples(around, VISIBLE, around).map("".join)


not_blank = _texts(newlines=True)
one_line = _texts(newlines=False)
ids = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,3}", fullmatch=True)
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_PRECISIONS = st.sampled_from(["year", "month", "day", "day-string"])


@st.composite
def partial_dates(draw: st.DrawFn, day: date | None = None) -> str | date:
    """A date written in one of the accepted forms, for ``day`` or a random day."""
    day = day if day is not None else draw(DAYS)
    precision = draw(_PRECISIONS)
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day if precision == "day" else day.isoformat()


sources = st.fixed_dictionaries(
    {
        "publisher": one_line,
        "url": st.builds(
            lambda scheme, host, rest: f"{scheme}://{host}{rest}",
            st.sampled_from(["http", "https", "HTTPS"]),
            st.from_regex(r"[a-z0-9.-]{1,20}", fullmatch=True),
            st.from_regex(r"(/[!-~]{0,20})?", fullmatch=True),
        ),
    },
    optional={"title": one_line, "date": partial_dates()},
)
FIXTURE_IDS = ["ru-2018-telegram-block", "ru-2018-telegram-ruling"]


# Built once rather than per example: hypothesis validates every new strategy object, which
# cost more than the draws. Only the dates depend on earlier draws.
_WORDS = st.lists(one_line, max_size=4, unique_by=str.casefold)
_FIELDS = st.fixed_dictionaries(
    {
        "id": ids.filter(lambda i: i not in FIXTURE_IDS),
        "title": one_line,
        "country": st.sampled_from(["RU", "BR", "IN", "EU", "US", "TR", "IR", "CN"]),
        "action": st.sampled_from(list(Action)),
        "summary": not_blank,
        "sources": st.lists(sources, min_size=1, max_size=3),
    },
    optional={
        "authority": _WORDS,
        "platforms": _WORDS,
        "tags": _WORDS,
        "related": st.lists(st.sampled_from(FIXTURE_IDS), unique=True),
    },
)
_STATUS = st.none() | st.sampled_from(list(Status))
_STATUS_WITH_END = st.none() | st.sampled_from([s for s in Status if s is not Status.ONGOING])


@st.composite
def events(draw: st.DrawFn) -> Event:
    start = draw(DAYS)
    data = {"date": draw(partial_dates(start)), **draw(_FIELDS)}
    if draw(st.booleans()):
        end = draw(st.dates(min_value=start, max_value=date(9999, 12, 31)))
        data["end_date"] = draw(partial_dates(end))
    status = draw(_STATUS_WITH_END if "end_date" in data else _STATUS)
    if status is not None:
        data["status"] = status
    return validate_event(data)


# Each example re-parses a fixture file (~90 ms); WRITE_EXAMPLES=4000 runs a deeper hunt.
@settings(max_examples=int(os.environ.get("WRITE_EXAMPLES", "80")), deadline=None)
@given(event=events(), name=st.sampled_from(FIXTURE_NAMES))
def test_any_valid_event_round_trips_through_the_file(event: Event, name: str) -> None:
    old = (FIXTURES / name).read_bytes()
    new = appended_bytes(old, event)
    assert new.startswith(old)
    after = load_text(decode(new, name), name)
    assert after.get(event.id) == event
    assert after.get(event.id).sources == event.sources


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_any_valid_event_is_saved_by_append_event(event: Event) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "timeline.toml"
        shutil.copyfile(FIXTURES / "crlf-bom-trailing-comment.toml", path)
        _, digest = load_with_digest(path)
        append_event(path, event, digest)
        timeline, _ = load_with_digest(path)
        assert timeline.get(event.id) == event
        assert os.listdir(folder) == ["timeline.toml"]


def test_partial_dates_render_as_the_loader_reads_them() -> None:
    for value in ("0001", "9999-12", date(1, 1, 1), date(9999, 12, 31)):
        parsed = PartialDate.parse(value)
        event = make_event(date=value, related=[], end_date=None)
        again = load_text(_with_base(render_event(event))).get(event.id)
        assert again is not None and again.date == parsed
    assert Source(publisher="p", url="https://e.org").title is None


def test_an_entry_written_in_parts_is_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "entry.bin"
    atomic.write_atomically(path, iter([b"one ", b"two"]), check=False, durable=False)
    assert path.read_bytes() == b"one two"

    def broken() -> Any:
        yield b"half of a new entry"
        raise ValueError("a part could not be made")

    with pytest.raises(ValueError):
        atomic.write_atomically(path, broken(), check=False, durable=False)
    assert path.read_bytes() == b"one two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.bin"]  # no temporary left
