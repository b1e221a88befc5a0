"""The polling watcher: every way an editor saves, and never an exception."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tui.core.files import watch
from tui.core.files.watch import FileWatcher, read_state
from tui.core.files.write import file_digest

OLD = 1_500_000_000 * 10**9  # a moment long past: the file's stat can be trusted


def make(path: Path, text: str, *, old: bool = True) -> None:
    path.write_text(text)
    if old:
        os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def file(tmp_path: Path) -> Path:
    path = tmp_path / "timeline.toml"
    make(path, "one\n")
    return path


def test_nothing_changed(file: Path) -> None:
    watcher = FileWatcher(file)
    assert [watcher.poll() for _ in range(3)] == [False, False, False]
    assert watcher.state.digest == file_digest(b"one\n") and watcher.state.is_file


def test_modify_is_reported_once(file: Path) -> None:
    watcher = FileWatcher(file)
    file.write_text("two, longer\n")
    assert watcher.poll() is True
    assert watcher.poll() is False
    assert watcher.state.digest == file_digest(b"two, longer\n")


def test_same_size_same_mtime_rewrite_is_seen(file: Path) -> None:
    # An editor writing in place within one timestamp tick: size and mtime stay the same.
    watcher = FileWatcher(file)
    make(file, "owt\n")  # same length, mtime forced back to the old value
    assert watcher.poll() is True


def test_racy_file_is_rehashed_until_its_mtime_is_old(file: Path) -> None:
    make(file, "abc\n", old=False)
    watcher = FileWatcher(file)
    before = file.stat()
    file.write_text("xyz\n")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert watcher.poll() is True


def test_touch_with_the_same_content_is_not_a_change(file: Path) -> None:
    watcher = FileWatcher(file)
    os.utime(file)  # now
    assert watcher.poll() is False
    file.write_text("one\n")  # rewritten, identical
    assert watcher.poll() is False


def test_delete_then_recreate(file: Path) -> None:
    watcher = FileWatcher(file)
    file.unlink()
    assert watcher.poll() is True
    assert watcher.state.exists is False and watcher.state.digest is None
    assert watcher.poll() is False
    make(file, "one\n")  # the same content as before: still a change from "missing"
    assert watcher.poll() is True
    assert watcher.poll() is False


def test_rename_and_replace(file: Path, tmp_path: Path) -> None:
    watcher = FileWatcher(file)
    inode = file.stat().st_ino
    new = tmp_path / ".timeline.toml.swp"
    make(new, "saved by rename\n")
    os.replace(new, file)
    assert file.stat().st_ino != inode
    assert watcher.poll() is True
    assert watcher.poll() is False


def test_rename_and_replace_with_identical_content_is_not_a_change(
    file: Path, tmp_path: Path
) -> None:
    watcher = FileWatcher(file)
    new = tmp_path / "tmp"
    make(new, "one\n")
    os.replace(new, file)
    assert watcher.poll() is False
    assert watcher.state.inode == file.stat().st_ino


def test_editor_that_moves_the_file_away_then_writes_a_new_one(file: Path, tmp_path: Path) -> None:
    watcher = FileWatcher(file)
    os.rename(file, tmp_path / "timeline.toml~")
    assert watcher.poll() is True  # gone
    make(file, "one\nplus a line\n")
    assert watcher.poll() is True  # back, changed


def test_a_folder_in_its_place(file: Path) -> None:
    watcher = FileWatcher(file)
    file.unlink()
    file.mkdir()
    assert watcher.poll() is True
    assert watcher.state.exists and not watcher.state.is_file and watcher.state.digest is None
    assert watcher.poll() is False
    file.rmdir()
    make(file, "one\n")
    assert watcher.poll() is True


def test_unreadable_file(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where chmod 000 does not stop reading: inject the failure instead.
    watcher = FileWatcher(file)
    real = Path.open

    def denied(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == file:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(self, *args, **kwargs)

    file.write_text("changed while unreadable\n")
    monkeypatch.setattr(Path, "open", denied)  # (after writing: write_text opens it too)
    assert watcher.poll() is True
    assert watcher.state.exists and watcher.state.digest is None
    assert watcher.poll() is False
    monkeypatch.undo()
    os.utime(file)  # e.g. chmod back (ctime changes); the content differs from the last read
    assert watcher.poll() is True
    assert watcher.state.digest == file_digest(b"changed while unreadable\n")


def test_missing_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "later.toml"
    watcher = FileWatcher(path)
    assert watcher.poll() is False and watcher.state.exists is False
    make(path, "x\n")
    assert watcher.poll() is True


def test_a_path_under_a_file_or_with_a_nul_never_raises(file: Path) -> None:
    assert FileWatcher(file / "child").poll() is False
    assert FileWatcher(Path("bad\x00name")).poll() is False
    assert read_state(Path("bad\x00name")).exists is False


def test_loaded_digest_closes_the_gap_between_load_and_watch(file: Path) -> None:
    loaded = file_digest(b"one\n")
    file.write_text("saved before the watcher started\n")
    watcher = FileWatcher(file, digest=loaded)
    assert watcher.poll() is True
    assert watcher.poll() is False
    assert FileWatcher(file, digest=file_digest(file.read_bytes())).poll() is False


def test_poll_never_raises(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watcher = FileWatcher(file)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(watch.os, "stat", broken)
    assert watcher.poll() is False


def test_an_unchanged_file_is_not_read(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watcher = FileWatcher(file)
    reads: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    for _ in range(100):
        assert watcher.poll() is False
    assert reads == []


def test_polling_is_cheap(file: Path) -> None:
    watcher = FileWatcher(file)
    start = time.perf_counter()
    for _ in range(1000):
        watcher.poll()
    elapsed = time.perf_counter() - start
    # One stat per poll: tens of microseconds. The app polls about three times a second.
    assert elapsed < 1.0, f"1000 polls took {elapsed:.3f} s"


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096 + 5])
def test_the_streamed_digest_is_the_digest_of_the_bytes(tmp_path: Path, size: int) -> None:
    from tui.core.files.digest import stream_digest

    data = bytes(range(256)) * (size // 256 + 1)
    path = tmp_path / "data"
    path.write_bytes(data[:size])
    with path.open("rb") as stream:
        assert stream_digest(stream, chunk=4096) == file_digest(data[:size])
    with path.open("rb") as stream:
        assert stream_digest(stream) == file_digest(data[:size])


def test_hashing_a_small_file_takes_no_big_buffer(tmp_path: Path) -> None:
    import tracemalloc

    from tui.core.files.digest import stream_digest

    path = tmp_path / "small.toml"
    path.write_bytes(b"x" * 40_000)
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            digest = stream_digest(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest == file_digest(b"x" * 40_000)
    assert peak < 1_000_000  # not the 16 MiB chunk a big file is read in


# -- the two steps the app splits across threads: look (a stat), read (the bytes, hashed once) --


def counting_digests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each hash of the file the watcher makes: "whole" (the bytes) or "streamed"."""
    calls: list[str] = []
    real_whole, real_stream = watch.file_digest, watch.stream_digest

    def whole(data: bytes) -> str:
        calls.append("whole")
        return real_whole(data)

    def streamed(file: Any) -> str:
        calls.append("streamed")
        return real_stream(file)

    monkeypatch.setattr(watch, "file_digest", whole)
    monkeypatch.setattr(watch, "stream_digest", streamed)
    return calls


def test_look_only_stats_and_read_hashes_the_bytes_once(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher = FileWatcher(file)
    calls = counting_digests(monkeypatch)
    make(file, "two, longer\n")
    assert watcher.look() is True
    assert watcher.look() is True  # nothing read yet: it still asks for a read
    assert calls == [] and watcher.state.digest == file_digest(b"one\n")
    change = watcher.read()
    assert change.changed and change.data == b"two, longer\n"
    assert change.state.digest == file_digest(change.data) == watcher.state.digest
    assert calls == ["whole"]
    assert watcher.look() is False
    assert calls == ["whole"]


def test_a_touch_is_read_once_and_is_no_change(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watcher = FileWatcher(file)
    calls = counting_digests(monkeypatch)
    os.utime(file, ns=(OLD + 10**9, OLD + 10**9))  # a new mtime, old enough to be trusted
    assert watcher.look() is True
    change = watcher.read()
    assert not change.changed and change.data is None
    assert calls == ["whole"]
    assert watcher.look() is False


def test_a_read_asked_for_keeps_the_bytes_of_an_unchanged_file(file: Path) -> None:
    watcher = FileWatcher(file)
    change = watcher.read(always=True)
    assert not change.changed and change.data == b"one\n"
    assert change.state.digest == file_digest(b"one\n")


def test_a_racy_rewrite_comes_with_the_bytes_that_were_hashed(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(file, "abc\n", old=False)
    watcher = FileWatcher(file)
    before = os.stat(file)
    file.write_text("xyz\n")
    # A file system whose timestamps are coarser than the two writes: the stat as it was (a
    # rewrite here changes the ctime, which no call can set back).
    monkeypatch.setattr(watch.os, "stat", lambda path: before)
    monkeypatch.setattr(watch.os, "fstat", lambda fd: before)
    calls = counting_digests(monkeypatch)
    assert watcher.look() is True  # too fresh to trust
    change = watcher.read()
    assert change.changed and change.data == b"xyz\n"
    assert change.state.digest == file_digest(b"xyz\n")
    # Streamed first (most likely the same bytes), then read whole once they differ.
    assert calls == ["streamed", "whole"]


def test_a_racy_look_that_finds_the_same_bytes_holds_none(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(file, "abc\n", old=False)
    watcher = FileWatcher(file)
    calls = counting_digests(monkeypatch)
    assert watcher.look() is True
    change = watcher.read()
    assert not change.changed and change.data is None
    assert calls == ["streamed"]


def test_a_missing_file_is_read_as_a_change_without_bytes(file: Path) -> None:
    watcher = FileWatcher(file)
    file.unlink()
    assert watcher.look() is True
    change = watcher.read()
    assert change.changed and change.data is None and not change.state.exists


def test_the_loaded_digest_makes_the_first_read_a_change_with_bytes(file: Path) -> None:
    watcher = FileWatcher(file, digest=file_digest(b"loaded before a save\n"))
    assert watcher.look() is True
    change = watcher.read()
    assert change.changed and change.data == b"one\n"
    assert watcher.look() is False


def test_look_and_read_never_raise(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watcher = FileWatcher(file)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(watch.os, "stat", broken)
    assert watcher.look() is False
    change = watcher.read()
    assert not change.changed and change.data is None


def test_fresh_timestamps_alone_may_wait_but_a_new_stat_may_not(file: Path) -> None:
    make(file, "abc\n", old=False)
    watcher = FileWatcher(file)
    assert watcher.look() is True  # too fresh to trust
    assert watcher.look(racy=False) is False  # (the app defers those while a reload is made)
    file.write_text("a new stat\n")
    assert watcher.look(racy=False) is True
    assert watcher.read().changed
    assert watcher.look() is True  # still fresh: read again on a later look
