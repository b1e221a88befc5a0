"""A first opening of a big file: its first events are parsed by the prefetch thread while the UI
is imported (the TOML parser and the rules: no pydantic), and shown in the first frame; the load
then parses the whole file, its chunks in worker processes."""

from __future__ import annotations

import gc
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import pytest
from builders import run_python

from tui.core import tuning
from tui.core.files import load, workers
from tui.core.files.opening import Estimate, First, Loaded, begin, stages
from tui.core.files.preview import preview
from tui.core.timeline.event import Timeline

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 6)


def event(n: int) -> str:
    return (
        f'[[events]]\nid = "e-{n}"\ndate = {2000 + (n * 7) % 23}-01-{1 + n % 28:02d}\n'
        f'title = "Title {n}"\ncountry = "RU"\naction = "fine"\nsummary = "What happened."\n'
        f'[[events.sources]]\npublisher = "P"\nurl = "https://example.org/{n}"\n\n'
    )


# More events than the preview takes (tuning.PREVIEW_EVENTS).
TEXT = '[timeline]\ntitle = "Big"\n\n' + "".join(event(n) for n in range(450))


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file the opening treats as big and never cached, on a machine with two cores."""
    monkeypatch.setenv("POLICY_TUI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(tuning, "BACKGROUND_LOAD_BYTES", 0)
    monkeypatch.setattr(tuning, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(tuning, "CHUNK_EVERY", 4)
    monkeypatch.setattr(workers, "count", lambda: 2)
    path = tmp_path / "big.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[workers.Pool]:
    """Every pool of workers started from now on."""
    made: list[workers.Pool] = []
    real = workers.Pool.__init__

    def init(self: workers.Pool, processes: int) -> None:
        made.append(self)
        real(self, processes)

    monkeypatch.setattr(workers.Pool, "__init__", init)
    return made


def joined(pool: workers.Pool) -> bool:
    for thread in pool._threads:
        thread.join(30)  # a feeder thread ends once its worker has exited
    return not any(thread.is_alive() for thread in pool._threads)


def test_the_prefetch_parses_the_first_events_and_workers_the_file(
    big: Path, monkeypatch: pytest.MonkeyPatch, pools: list[workers.Pool]
) -> None:
    here: list[str] = []
    parse = load.parse_events
    monkeypatch.setattr(load, "parse_events", lambda chunk: here.append(chunk) or parse(chunk))
    opening = begin(big)
    assert opening.prefetch is not None
    head = opening.prefetch.wait().head
    expected = preview(TEXT, str(big))
    assert head is not None and expected is not None
    assert len(head.events) == tuning.PREVIEW_EVENTS
    assert head.events == expected.events and head.info == expected.info
    assert head.path == str(big)
    assert pools == []  # no process for the first events
    found = list(stages(opening, TODAY, lambda note: None))
    assert [type(stage) for stage in found] == [Estimate, First, Loaded]
    assert next(s for s in found if isinstance(s, First)).timeline is head
    loaded = next(s for s in found if isinstance(s, Loaded)).timeline
    # The first chunk was parsed here while the workers started; they parsed the rest.
    assert len(pools) == 1 and len(here) == 1 and joined(pools[0])
    assert loaded == load.load_timeline(big)


def test_no_worker_runs_before_the_load_or_after_the_opening_stops(
    big: Path, pools: list[workers.Pool]
) -> None:
    opening = begin(big)
    running = stages(opening, TODAY, lambda note: None)
    assert any(isinstance(stage, First) for stage in running)
    assert pools == []
    running.close()  # the app quit before the rest was loaded
    assert pools == []


def test_the_first_events_need_no_second_core(
    big: Path, monkeypatch: pytest.MonkeyPatch, pools: list[workers.Pool]
) -> None:
    monkeypatch.setattr(workers, "count", lambda: 0)
    opening = begin(big)
    assert opening.prefetch is not None and opening.prefetch.wait().head is not None
    found = list(stages(opening, TODAY, lambda note: None))
    assert found[-1].timeline == load.load_timeline(big)  # type: ignore[union-attr]
    assert pools == []


def test_a_file_cached_before_shows_its_entrys_head(big: Path) -> None:
    list(stages(begin(big), TODAY, lambda note: None))  # the first opening stores the entry
    opening = begin(big)
    assert opening.prefetch is not None
    prefetch = opening.prefetch.wait()
    assert prefetch.entry is not None and prefetch.head is not None
    assert prefetch.head.events == prefetch.entry.head().events  # type: ignore[union-attr]


def test_a_head_that_is_not_text_shows_no_first_events(big: Path) -> None:
    big.write_bytes(b"\xff\xfe" + TEXT.encode())
    opening = begin(big)
    assert opening.prefetch is not None and opening.prefetch.wait().head is None


def test_the_first_events_show_before_this_process_imports_pydantic(big: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import date
        from pathlib import Path
        from tui.core import tuning
        from tui.core.files.opening import First, begin, stages
        tuning.BACKGROUND_LOAD_BYTES = tuning.PARALLEL_BYTES = 0
        running = stages(begin(Path({str(big)!r})), date(2026, 12, 6), lambda note: None)
        for stage in running:
            if isinstance(stage, First):
                print(len(stage.timeline.events), "pydantic" in sys.modules)
                break
        running.close()
        """
    )
    out = run_python(script, timeout=120)
    assert out.split() == [str(tuning.PREVIEW_EVENTS), "False"]


async def test_the_first_frame_shows_the_prefetched_events(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the CLI does: the first events parsed while the UI was imported are in the app's
    first frame, as a cached file's are, and the load does not show them again."""
    from tui.app.app import make_app

    opening = begin(big)
    assert opening.prefetch is not None
    head = opening.prefetch.wait().head
    assert head is not None and len(head.events) == tuning.PREVIEW_EVENTS
    shown: list[tuple[int, bool]] = []
    app = make_app(big, opening=opening, today=TODAY, watch=False)
    assert app.timeline is head and app.loading
    real = type(app).replace_timeline

    def replace(self: object, timeline: Timeline, *args: object, **kwargs: object) -> None:
        shown.append((len(timeline.events), bool(kwargs.get("loading"))))
        real(self, timeline, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(app), "replace_timeline", replace)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if not app.loading:
                break
        assert not app.loading
        assert app.timeline == load.load_timeline(big)
    assert shown == [(450, False)]  # the whole timeline, once: no second first frame


def test_a_worker_that_cannot_start_leaves_the_others_at_work(
    big: Path, monkeypatch: pytest.MonkeyPatch, pools: list[workers.Pool]
) -> None:
    """A process limit reached by the second worker: the load goes on with the first."""
    started: list[object] = []
    popen = subprocess.Popen

    def limited(*args: object, **kwargs: object) -> object:
        if started:
            raise OSError(11, "Resource temporarily unavailable")
        started.append(args)
        return popen(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(workers.subprocess, "Popen", limited)
    careful: list[str] = []
    slow = load._careful
    monkeypatch.setattr(
        load, "_careful", lambda text, name: careful.append(name) or slow(text, name)
    )
    found = list(stages(begin(big), TODAY, lambda note: None))
    assert careful == []  # not the careful path, four times slower at 100k
    assert len(pools) == 1 and len(pools[0]) == 1 and len(started) == 1
    assert joined(pools[0])
    assert found[-1].timeline == load.load_timeline(big)  # type: ignore[union-attr]


def test_a_refused_query_starts_no_worker(
    big: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pools: list[workers.Pool],
) -> None:
    from tui import cli

    # The app's start pauses the collector until its first frame, which never comes here.
    monkeypatch.setattr(tuning, "gc_pause_for_start", lambda: None)
    assert cli.main([str(big), "--query", "during:notadate"]) != 0
    assert gc.isenabled()
    assert "query" in capsys.readouterr().err.lower()
    assert pools == []
