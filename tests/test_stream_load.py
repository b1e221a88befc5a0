"""A big file is read, cut and parsed a block at a time, and by worker processes: what it gives
is exactly what the whole-text loader gives, errors and all."""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import marshal
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import tuning
from tui.core.files import chunks, load, read, rows, workers
from tui.core.files.digest import file_digest
from tui.core.timeline.errors import TimelineError
from tui.core.timeline.event import Timeline

ROOT = Path(__file__).resolve().parent.parent


def event(n: int, extra: str = "") -> str:
    return (
        f'[[events]]\nid = "e-{n}"\ndate = {2000 + (n * 7) % 23}-01-{1 + n % 28:02d}\n'
        f'title = "Title {n} — ünïcode"\ncountry = "RU"\naction = "fine"\n'
        f'summary = """\nWhat happened to {n}.\n"""\n{extra}'
        f'[[events.sources]]\npublisher = "P"\nurl = "https://example.org/{n}"\n\n'
    )


HEAD = '#:schema ./timeline.schema.json\n[timeline]\ntitle = "T"\n\n'
TEXT = HEAD + "".join(event(n, f'related = ["e-{n - 1}"]\n' if n else "") for n in range(120))


def outcome(call: object) -> Timeline | str:
    try:
        return call()  # type: ignore[operator,no-any-return]
    except TimelineError as error:
        return error.format()


def whole(path: Path) -> Timeline | str:
    """The careful path on the whole text: what every other path must give."""
    text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    return outcome(lambda: load._careful(text, str(path)))


def streamed(path: Path) -> Timeline | str:
    def run() -> Timeline:
        timeline, digest = load.load_file(path)
        assert digest == file_digest(path.read_bytes())
        return timeline

    return outcome(run)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few lines and chunks of a few events: every boundary is crossed."""
    monkeypatch.setattr(tuning, "TEXT_BLOCK_BYTES", 97)
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 4)


# -- the cuts --------------------------------------------------------------------------------

lines = st.sampled_from(
    ["[[events]]\n", 'id = "a"\n', 'id = "b"\n', 'id = "cc"\n', "x = 1\n", "\n", "[[events]] # c\n"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=60), st.lists(st.integers(0, 60), max_size=8))
def test_blocks_of_whole_lines_are_cut_as_the_whole_text(
    text_lines: list[str], splits: list[int]
) -> None:
    text = "".join(text_lines)
    at = sorted({min(s, len(text_lines)) for s in splits})
    blocks = ["".join(text_lines[a:b]) for a, b in itertools.pairwise([0, *at, len(text_lines)])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tuning, "CHUNK_EVERY", 3)
        got = list(chunks.pieces(blocks))
        assert got == list(chunks.pieces([text]))
    assert "".join(got) == text
    assert all(piece.startswith("[[events]]") for piece in got[1:])


def test_the_benchmark_like_file_is_cut_the_same_read_in_blocks(small: None) -> None:
    sha = hashlib.sha256()
    blocks = list(read.text_blocks(io.BytesIO(TEXT.encode()), sha))
    assert len(blocks) > 50 and "".join(blocks) == TEXT
    assert sha.hexdigest() == file_digest(TEXT.encode())
    assert list(chunks.pieces(blocks)) == list(chunks.pieces([TEXT]))


# -- the loader, read a block at a time ------------------------------------------------------

CASES = {
    "plain": TEXT,
    "byte-order mark": "\ufeff" + TEXT,
    "crlf": TEXT.replace("\n", "\r\n"),
    "views at the end": TEXT + '[views]\nru = "country:RU"\n',
    "an invalid event late": TEXT + event(500, 'tags = ["x", "x"]\n'),
    "a duplicate id": TEXT + event(7),
    "a syntax error late": TEXT + "title = \n",
    # Deeper than a usual stack holds: the parser must not crash a worker, or the app.
    "nested deep late": TEXT + event(500, f"deep = {'[' * 20_000}{']' * 20_000}\n"),
    "no events": HEAD,
    "opens with a header": TEXT[len(HEAD) :],
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_a_file_read_in_blocks_loads_as_the_whole_text(
    text: str, small: None, tmp_path: Path
) -> None:
    path = tmp_path / "t.toml"
    path.write_bytes(text.encode())
    assert streamed(path) == whole(path)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe" + TEXT.encode("utf-16-le"), TEXT.encode()[:-30] + b"\xc3(\n", b"a = 1\n\x00"],
    ids=["utf-16", "bad utf-8", "nul"],
)
def test_bytes_that_are_not_text_say_where_as_the_loader_does(
    data: bytes, small: None, tmp_path: Path
) -> None:
    path = tmp_path / "t.toml"
    path.write_bytes(data)
    got = streamed(path)
    assert isinstance(got, str) and got == outcome(lambda: load.load_timeline(path))


def test_a_missing_file_is_the_loaders_message(tmp_path: Path) -> None:
    path = tmp_path / "nothing.toml"
    assert streamed(path) == outcome(lambda: load.load_timeline(path))
    assert "no such file" in str(streamed(path))


# -- worker processes ------------------------------------------------------------------------


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "count", lambda: 2)  # one core starts none; two here anyway
    monkeypatch.setattr(tuning, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 4)


def sequential(text: str) -> Timeline | str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tuning, "PARSE_WORKERS", 0)
        return outcome(lambda: load.load_text(text, "t.toml"))


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_worker_processes_give_what_one_process_gives(text: str, parallel: None) -> None:
    assert outcome(lambda: load.load_text(text, "t.toml")) == sequential(text)


def test_the_workers_really_parse(parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    here: list[str] = []
    parse = load.parse_events
    monkeypatch.setattr(load, "parse_events", lambda chunk: here.append(chunk) or parse(chunk))
    timeline = load.load_text(TEXT, "t.toml")
    assert len(timeline.events) == 120
    # Only the first chunk is parsed in this process, while the workers start.
    assert len(here) == 1 and len(list(chunks.pieces([TEXT]))) > 10


def test_a_worker_that_dies_costs_time_not_correctness(
    parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "_SERVE", "import sys; sys.stdin.buffer.read(8)")
    assert outcome(lambda: load.load_text(TEXT, "t.toml")) == sequential(TEXT)


# A worker that answers whether its second request was in its pipe before it answered the first.
PEEKING = """
import pickle, select, sys
sys.path[:0] = sys.argv[1:]
from tui.core.files import workers
source, sink = sys.stdin.buffer, sys.stdout.buffer
workers._read(source)
ahead = bool(select.select([source], [], [], 0.5)[0])
workers._write(sink, pickle.dumps(ahead))
while workers._read(source) is not None:
    workers._write(sink, pickle.dumps(ahead))
"""


@pytest.mark.parametrize(("room", "ahead"), [(None, True), (0, False)])
def test_a_worker_gets_its_next_chunk_before_it_answers_if_both_fit_its_pipe(
    room: int | None, ahead: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "_SERVE", PEEKING)
    ready = threading.Event()
    widen = workers._widen

    def widened(pipe: IO[bytes]) -> int:
        ready.wait(30)  # both requests are queued before the feeder takes the first
        return widen(pipe) if room is None else room

    monkeypatch.setattr(workers, "_widen", widened)
    pool = workers.Pool(1)
    try:
        # Bigger than a pipe's 64 KiB: it holds two only when widened.
        sent = [pool.submit(letter * 200_000) for letter in "xy"]
        ready.set()
        assert [future.result(timeout=30) for future in sent] == [ahead, ahead]
    finally:
        pool.stop()


# A worker that takes both its requests, says so, and answers each with more than its output
# pipe holds, a moment later: the pool is stopped with both in flight.
BUSY = """
import os, pickle, sys, time
sys.path[:0] = sys.argv[1:]
from tui.core.files import workers
source, sink = sys.stdin.buffer, sys.stdout.buffer
workers._read(source)
workers._read(source)
with open(os.environ["BUSY_PID"] + ".tmp", "w") as note:
    note.write(str(os.getpid()))
os.rename(os.environ["BUSY_PID"] + ".tmp", os.environ["BUSY_PID"])
time.sleep(0.5)
for _ in range(2):
    workers._write(sink, pickle.dumps(b"a" * 1_000_000))
while workers._read(source) is not None:
    pass
"""


def test_a_pool_stopped_with_two_requests_in_flight_leaves_no_worker_and_no_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    note = tmp_path / "pid"
    monkeypatch.setenv("BUSY_PID", str(note))
    monkeypatch.setattr(workers, "_SERVE", BUSY)
    pool = workers.Pool(1)
    sent = [pool.submit(letter * 1000) for letter in "xy"]
    deadline = time.monotonic() + 30
    while not note.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    pid = int(note.read_text())
    pool.stop()  # while the worker holds both requests, before either answer
    for future in sent:  # each answered or failed: none waits for ever
        with contextlib.suppress(EOFError):
            future.result(timeout=30)
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not Path(f"/proc/{pid}").exists()  # the worker exited and was reaped


# A worker that notes its pid, then dies on a request that says so, or answers late.
LATE_OR_DEAD = """
import os, pickle, sys, time
sys.path[:0] = sys.argv[1:]
from tui.core.files import workers
source, sink = sys.stdin.buffer, sys.stdout.buffer
open(os.path.join(os.environ["PIDS"], str(os.getpid())), "w").close()
while (request := workers._read(source)) is not None:
    if request == b"die":
        time.sleep(0.3)
        sys.exit(1)
    time.sleep(1.2)
    workers._write(sink, pickle.dumps(None))
"""


def test_a_worker_dying_after_the_stop_leaves_no_other_worker_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("PIDS", str(tmp_path))
    monkeypatch.setattr(workers, "_SERVE", LATE_OR_DEAD)
    pool = workers.Pool(2)
    sent = [pool.submit("late")]
    time.sleep(0.2)  # one feeder has it; the other takes the next
    sent.append(pool.submit("die"))
    time.sleep(0.2)
    pool.stop()  # both in flight: the stop's wake-ups wait in the queue
    for future in sent:
        with contextlib.suppress(EOFError):
            future.result(timeout=30)
    deadline = time.monotonic() + 30
    pids = [int(note.name) for note in tmp_path.iterdir()]
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(pids) == 2 and not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_chunks_too_big_for_a_pipe_go_one_at_a_time(
    parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "_widen", lambda pipe: 100)
    assert outcome(lambda: load.load_text(TEXT, "t.toml")) == sequential(TEXT)


def test_workers_write_nothing_to_the_terminal(
    parallel: None, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(workers, "_SERVE", "import sys; print('noise', file=sys.stderr)")
    load.load_text(TEXT, "t.toml")
    assert capfd.readouterr() == ("", "")


# A machine that will not reserve the parser's deep stack: the worker serves all the same.
NO_DEEP_STACK = "import threading; threading.stack_size = lambda *size: 1 / 0; "


@pytest.mark.parametrize("prefix", ["", NO_DEEP_STACK], ids=["deep stack", "no deep stack"])
def test_a_worker_serves_chunks_until_its_input_closes(prefix: str) -> None:
    chunk = list(chunks.pieces([TEXT]))[1]
    request = chunk.encode()
    process = subprocess.run(
        [sys.executable, "-c", prefix + workers._SERVE, workers._ROOT],
        input=len(request).to_bytes(8, "little") + request,
        capture_output=True,
        timeout=60,
    )
    assert process.returncode == 0 and process.stderr == b""
    answer = workers._read(io.BytesIO(process.stdout))
    assert answer is not None
    data, packed, *rest = pickle.loads(answer)
    parsed = load.parse_events(chunk)
    assert parsed is not None
    assert rows.Rebuild().events(marshal.loads(packed)) == parsed[1]
    assert (data, *rest) == (parsed[0], *parsed[2:])


@pytest.mark.parametrize(("setting", "most"), [("0", 0), ("1", 1), ("", 4), ("many", 4)])
def test_the_environment_caps_the_workers(
    setting: str, most: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(workers.ENV_VAR, setting)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert workers.count() == most


@pytest.mark.parametrize(("seconds", "most"), [(3600.0, 1), (0.0, 100)])
def test_progress_notes_are_few_a_second(
    seconds: float, most: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from tui.core.files import opening

    monkeypatch.setenv("POLICY_TUI_CACHE", "off")
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 2)
    monkeypatch.setattr(tuning, "PROGRESS_SECONDS", seconds)
    path = tmp_path / "t.toml"
    path.write_text(TEXT)
    notes: list[str] = []
    stages = list(opening.stages(opening.begin(path, load=False), date(2026, 1, 1), notes.append))
    assert isinstance(stages[-1], opening.Loaded)
    loading = [n for n in notes if n.startswith("loading the rest…")]
    assert 1 <= len(loading) <= most and (seconds or len(loading) > 10)


def test_a_crlf_file_is_cut_as_its_lf_twin() -> None:
    lf = list(chunks.pieces([TEXT]))
    crlf = list(chunks.pieces([TEXT.replace("\n", "\r\n")]))
    assert len(crlf) == len(lf) < 60  # not a cut at every one of the 120 events


@pytest.mark.parametrize(
    "text", [CASES["plain"], CASES["an invalid event late"]], ids=["ok", "bad"]
)
def test_a_pipe_is_read_once_and_loads_as_a_file(text: str, tmp_path: Path) -> None:
    import os
    import threading

    from tui.core.files import cache

    path = tmp_path / "t.toml"
    path.write_text(text)
    want = whole(path)
    for load_it in (
        lambda p: load.load_file(p)[0],
        lambda p: load.load_timeline(p),
        lambda p: cache.load_cached(p, keep=False)[0],
    ):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        writer = threading.Thread(target=fifo.write_text, args=(text,))
        writer.start()
        got = outcome(lambda: load_it(fifo))  # noqa: B023 - called at once
        writer.join()
        fifo.unlink()
        if isinstance(want, str):
            assert got == want.replace(str(path), str(fifo))
        else:
            assert isinstance(got, Timeline) and got.events == want.events


def test_workers_do_not_import_from_the_folder_they_start_in(
    parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "toml_rs.py").write_text("raise SystemExit('the wrong toml_rs')\n")
    monkeypatch.chdir(tmp_path)
    reuse = chunks.Reuse()
    assert len(load.load_text(TEXT, "t.toml", reuse=reuse).events) == 120
    # Every chunk parsed on the fast path (a worker that died would have sent the load down
    # the careful path, which parses no chunk): the workers ran with the real toml_rs.
    assert reuse.parsed == len(list(chunks.pieces([TEXT]))) - 1


def test_progress_reaches_the_end_of_a_file_in_another_script(tmp_path: Path) -> None:
    # Two bytes a letter: shared by characters, the notes would stop near half way.
    text = TEXT.replace("What happened", "Роскомнадзор ограничил звонки в мессенджерах. " * 4)
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    shares: list[float] = []
    timeline = load.load_timeline(path, shares.append)
    assert len(timeline.events) == 120
    assert shares and shares[-1] > 0.95
    assert shares == sorted(shares)
