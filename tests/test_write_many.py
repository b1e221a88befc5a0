"""``append_events``: several events in one atomic, verified write; read-only files refused."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tui.core.files.load import load_timeline
from tui.core.files.write import WriteError, _literal, append_event, append_events, load_with_digest
from tui.core.text.present import fill as wrap

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "write"


def copy(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    return path


@pytest.mark.parametrize("name", ["lf.toml", "crlf-bom-trailing-comment.toml"])
def test_several_events_are_appended_in_one_write_keeping_every_byte(
    tmp_path: Path, name: str
) -> None:
    path = copy(tmp_path, name)
    before = path.read_bytes()
    timeline, digest = load_with_digest(path)
    new = [timeline.events[0]._replace(id=f"copy-{n}", related=()) for n in range(3)]
    append_events(path, new, digest)
    assert path.read_bytes().startswith(before.rstrip(b"\r\n"))
    after = load_timeline(path)
    assert [after.get(e.id) for e in new] == new
    assert [e for e in after.events if not e.id.startswith("copy-")] == timeline.events
    if b"\r\n" in before:
        assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_ids_repeated_within_the_batch_are_refused(tmp_path: Path) -> None:
    path = copy(tmp_path, "lf.toml")
    before = path.read_bytes()
    timeline, digest = load_with_digest(path)
    twin = timeline.events[0]._replace(id="twin", related=())
    with pytest.raises(WriteError) as caught:
        append_events(path, [twin, twin], digest)
    assert caught.value.kind == "duplicate"
    assert path.read_bytes() == before


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = copy(tmp_path, "lf.toml")
    path.chmod(0o444)
    before = path.read_bytes()
    timeline, digest = load_with_digest(path)
    with pytest.raises(WriteError) as caught:
        append_event(path, timeline.events[0]._replace(id="new-one", related=()), digest)
    assert "read-only" in caught.value.reason
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lf.toml"]


@given(st.text(), st.booleans())
def test_the_fast_string_path_writes_what_tomli_w_writes(value: str, multiline: bool) -> None:
    expected = tomli_w.dumps({"v": value}, multiline_strings=multiline)[len("v = ") : -1]
    assert _literal(value, multiline) == expected


@given(st.text(alphabet="ab -\u00e9", max_size=300))
def test_summary_wrapping_is_textwrap_at_spaces(paragraph: str) -> None:
    if not paragraph.split():
        return
    expected = textwrap.fill(
        " ".join(paragraph.split()), 80, break_long_words=False, break_on_hyphens=False
    )
    assert wrap([paragraph]) == expected + "\n"
