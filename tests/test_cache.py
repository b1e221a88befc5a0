"""The cache of validated timelines: the same timeline as the loader's, never a stale one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import run_python

from tui.core import tuning
from tui.core.files import cache
from tui.core.files.load import load_bytes, load_timeline
from tui.core.timeline.errors import TimelineError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FILES = [
    ROOT / "timeline.toml",
    FIXTURES / "app" / "timeline.toml",
    FIXTURES / "app" / "hostile.toml",
]


def copy(tmp_path: Path, source: Path, name: str = "timeline.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    return path


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.parent.name + "/" + p.name)
def test_a_cached_timeline_is_the_loaded_one(tmp_path: Path, source: Path) -> None:
    path = copy(tmp_path, source)
    loaded = load_timeline(path)
    first, digest = cache.load_cached(path)  # a miss: loads and stores
    assert cache.entry(path, digest) is not None
    second, again = cache.load_cached(path)  # a hit
    assert again == digest
    for got in (first, second):
        assert got == loaded  # info, events (every field), views, path, lines
        assert [e.id for e in got.events] == [e.id for e in loaded.events]
        assert got.get(loaded.events[-1].id) == loaded.events[-1]


def test_the_head_is_the_first_events_in_date_order(tmp_path: Path) -> None:
    events = "".join(
        f'[[events]]\nid = "e-{n}"\ndate = {2000 + (n * 7) % 23}-01-0{1 + n % 9}\n'
        f'title = "T{n}"\ncountry = "RU"\naction = "fine"\nsummary = "S"\n'
        f'[[events.sources]]\npublisher = "P"\nurl = "https://example.org/{n}"\n\n'
        for n in range(tuning.HEAD_EVENTS + 50)
    )
    path = tmp_path / "t.toml"
    path.write_text(events)
    timeline, digest = cache.load_cached(path)
    found = cache.entry(path, digest)
    assert found is not None
    head = found.head()
    assert head is not None
    assert head.events == timeline.events[: tuning.HEAD_EVENTS]
    assert found.timeline() == timeline


def test_an_edited_file_is_never_answered_from_the_old_entry(tmp_path: Path) -> None:
    path = copy(tmp_path, ROOT / "timeline.toml")
    before, _ = cache.load_cached(path)
    stat = path.stat()
    text = path.read_text()
    title = before.events[0].title
    # Same size, same modification time: only the content tells.
    path.write_text(text.replace(title, title[::-1], 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    after, _ = cache.load_cached(path)
    assert after == load_timeline(path)
    assert after.get(before.events[0].id).title == title[::-1]


def test_a_file_with_problems_is_reported_and_not_cached(tmp_path: Path) -> None:
    path = copy(tmp_path, ROOT / "timeline.toml")
    path.write_text(path.read_text() + '\n[[events]]\nid = "broken"\ndate = "April 2018"\n')
    with pytest.raises(TimelineError) as caught:
        cache.load_cached(path)
    assert "event 'broken'" in caught.value.format()
    entry = cache.entry_path(path)
    assert entry is not None and not entry.exists()


def test_a_missing_file_is_the_loaders_message(tmp_path: Path) -> None:
    with pytest.raises(TimelineError) as caught:
        cache.load_cached(tmp_path / "nope.toml")
    assert caught.value.unreadable and "no such file" in caught.value.format()


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # cut short
        lambda blob: blob[:-40] + bytes(40),  # zeros at the end
        lambda blob: blob[:80] + b"\xff" * 64 + blob[144:],  # garbage in the head
        lambda blob: b"",  # empty
        lambda blob: blob.replace(b"cache", b"cachf", 1),  # another format
    ],
)
def test_a_damaged_entry_is_a_miss_not_an_error(tmp_path: Path, damage: object) -> None:
    path = copy(tmp_path, FIXTURES / "app" / "timeline.toml")
    loaded, _ = cache.load_cached(path)
    entry = cache.entry_path(path)
    assert entry is not None
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    again, _ = cache.load_cached(path)
    assert again == loaded


def test_other_code_never_reads_an_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy(tmp_path, ROOT / "timeline.toml")
    _, digest = cache.load_cached(path)
    assert cache.entry(path, digest) is not None
    monkeypatch.setattr(cache, "_code", lambda: b"another version of the loader" + bytes(3))
    assert cache.entry(path, digest) is None


@pytest.mark.parametrize("package", ["toml_rs", "pycountry"])
def test_another_build_of_the_parser_or_the_country_list_is_other_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    import importlib.machinery
    import importlib.util

    (tmp_path / "databases").mkdir()
    built = tmp_path / ("_toml_rs.so" if package == "toml_rs" else "databases/iso3166-1.json")
    built.write_bytes(b"one build")
    find_spec = importlib.util.find_spec

    def here(name: str, *args: object) -> object:
        origin = str(tmp_path / "__init__.py")
        return (
            importlib.machinery.ModuleSpec(name, None, origin=origin)
            if name == package
            else find_spec(name)
        )

    monkeypatch.setattr(importlib.util, "find_spec", here)
    before = cache._code.__wrapped__()
    built.write_bytes(b"another build")
    assert cache._code.__wrapped__() != before


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_VAR, "off")
    path = copy(tmp_path, ROOT / "timeline.toml")
    timeline, _ = cache.load_cached(path)
    assert len(timeline.events) > 0
    assert cache.entry_path(path) is None
    assert not any(tmp_path.rglob("*.bin"))


def test_an_unwritable_cache_folder_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    path = copy(tmp_path, ROOT / "timeline.toml")
    first, _ = cache.load_cached(path)
    second, _ = cache.load_cached(path)
    assert first == second == load_bytes(path.read_bytes(), str(path))


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "policy-tui"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "policy-tui"


def test_a_hit_needs_neither_the_parser_nor_pydantic(tmp_path: Path) -> None:
    path = copy(tmp_path, ROOT / "timeline.toml")
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from tui.core.files.cache import load_cached\n"
        f"timeline, _ = load_cached(Path({str(path)!r}))\n"
        "print(json.dumps([len(timeline.events), "
        "[m for m in ('pydantic', 'toml_rs', 'tomllib', 'tui.core.files.load')"
        " if m in sys.modules]]))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
        )
        for _ in range(2)  # the first writes the entry (with the same code as the second)
    ]
    (first, imported_first), (count, imported) = (json.loads(r.stdout) for r in runs)
    assert first == count == len(load_timeline(path).events)
    assert "tui.core.files.load" in imported_first  # a miss: the loader ran
    assert imported == []


def test_no_damaged_byte_anywhere_gives_other_data(tmp_path: Path) -> None:
    path = copy(tmp_path, FIXTURES / "app" / "timeline.toml")
    loaded, digest = cache.load_cached(path)
    entry = cache.entry_path(path)
    assert entry is not None
    good = entry.read_bytes()
    for offset in range(0, len(good), max(1, len(good) // 97)):
        entry.write_bytes(good[:offset] + bytes([good[offset] ^ 0x20]) + good[offset + 1 :])
        found = cache.entry(path, digest)
        head = None if found is None else found.head()
        assert head is None or head.events == loaded.events[: len(head.events)], offset
        again, _ = cache.load_cached(path)
        assert again == loaded, offset


def test_half_written_entries_of_killed_runs_are_removed(tmp_path: Path) -> None:
    path = copy(tmp_path, ROOT / "timeline.toml")
    folder = cache.cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    old, fresh = folder / ".entry-old", folder / ".entry-fresh"
    old_now, fresh_now = folder / ".0123.bin.abc.tmp", folder / ".0123.bin.def.tmp"
    for half in (old, fresh, old_now, fresh_now):
        half.write_bytes(b"half")
    os.utime(old, (0, 0))
    os.utime(old_now, (0, 0))
    cache.load_cached(path)
    assert not old.exists() and fresh.exists()
    assert not old_now.exists() and fresh_now.exists()


def test_the_prefetch_finds_the_entry_and_its_head(tmp_path: Path) -> None:
    path = copy(tmp_path, FIXTURES / "app" / "timeline.toml")
    timeline, digest = cache.load_cached(path)
    found = cache.Prefetch(path).wait()
    assert found.digest == digest  # streamed, yet the writer's digest of the bytes
    assert found.entry is not None and found.head is not None
    assert found.head.events == timeline.events[: tuning.HEAD_EVENTS]
    assert found.entry.timeline() == timeline
    missing = cache.Prefetch(tmp_path / "nope.toml").wait()
    assert missing.digest is None and missing.entry is None and missing.head is None


def test_the_prefetch_hashes_only_a_file_with_an_entry(tmp_path: Path) -> None:
    path = copy(tmp_path, FIXTURES / "app" / "timeline.toml")
    never = cache.Prefetch(path).wait()  # never opened: nothing to check a digest against
    assert never.digest is None and never.entry is None and never.head is None
    cache.load_cached(path)
    path.write_text(path.read_text().replace("Russia", "Russland", 1))  # edited since
    edited = cache.Prefetch(path).wait()
    assert edited.digest is not None and edited.entry is None and edited.head is None


def test_bytes_read_and_hashed_by_the_caller_are_neither_read_nor_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher hands a reload the bytes it hashed: those are parsed, under their digest."""
    from tui.core.files.digest import file_digest

    path = copy(tmp_path, FIXTURES / "app" / "timeline.toml")
    data = path.read_bytes()
    sha256 = file_digest(data)
    expected = load_bytes(data, str(path))
    path.write_text("# saved again since the watcher read it\n")

    real_read = Path.read_bytes

    def hashed(data: bytes) -> str:
        raise AssertionError("hashed again")

    def read(self: Path) -> bytes:
        assert self != path, "read again"
        return real_read(self)

    monkeypatch.setattr(cache, "file_digest", hashed)
    monkeypatch.setattr(Path, "read_bytes", read)
    for _ in range(2):  # a miss (parsed, stored), then a hit
        timeline, digest = cache.load_cached(path, data=data, sha256=sha256)
        assert digest == sha256 and timeline == expected


def test_the_cache_key_covers_every_module_the_loader_runs() -> None:
    """A change to any module that decides what a file loads as makes old entries stale: each
    module a load imports (the careful path's too, and the views' query parser) is in _CODE."""
    script = (
        "import sys\n"
        "from tui.core.files.load import load_bytes, load_timeline\n"
        "from tui.core.timeline.errors import TimelineError\n"
        "load_timeline('timeline.toml')\n"
        "try:\n"
        "    load_bytes(b'[views]\\nx = \"country:\"\\n[[events]]\\nid = 1\\n', 'bad.toml')\n"
        "except TimelineError:\n"
        "    pass\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('tui.')"
        " and getattr(m, '__file__', None)))\n"
    )
    out = run_python(script)
    core = ROOT / "tui" / "core"
    covered = {p.resolve() for pattern in cache._CODE for p in core.glob(pattern)}
    # Knobs change speed, never what a file loads as (the cache key leaves them out).
    knobs = {(core / "tuning.py").resolve()}
    used = {
        Path(f).resolve()
        for f in out.split()
        if Path(f).resolve().is_relative_to(core) and Path(f).name != "__init__.py"
    }
    assert used and used - knobs <= covered, sorted(map(str, used - knobs - covered))
