"""A first opening of a big file starts a parse worker before the UI is imported: it parses the
first events while the app starts, then the rest of the file with the others."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

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


# More events than the preview takes (tuning.PREVIEW_EVENTS, read by the worker at its start).
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


def opened(path: Path) -> tuple[Timeline, Timeline, workers.Pool]:
    opening = begin(path)
    prefetch = opening.prefetch
    assert prefetch is not None
    pool = prefetch.wait().pool
    assert pool is not None and len(pool) == 1 and prefetch.preview is not None
    found = list(stages(opening, TODAY, lambda note: None))
    assert [type(stage) for stage in found] == [Estimate, First, Loaded]
    first = next(s for s in found if isinstance(s, First)).timeline
    loaded = next(s for s in found if isinstance(s, Loaded)).timeline
    return first, loaded, pool


def joined(pool: workers.Pool) -> bool:
    for thread in pool._threads:
        thread.join(30)  # a feeder thread ends once its worker has exited
    return not any(thread.is_alive() for thread in pool._threads)


def test_the_worker_started_early_parses_the_first_events_and_then_the_file(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here: list[str] = []
    parse = load.parse_events
    monkeypatch.setattr(load, "parse_events", lambda chunk: here.append(chunk) or parse(chunk))
    first, loaded, pool = opened(big)
    # Every chunk went to the workers: this process parsed none of them.
    assert here == []
    expected = preview(TEXT, str(big))
    assert expected is not None and len(expected.events) == tuning.PREVIEW_EVENTS
    assert first.events == expected.events and first.info == expected.info
    assert first.path == str(big)
    assert loaded == load.load_timeline(big)
    assert joined(pool)


def test_no_worker_is_left_when_the_opening_stops_after_the_first_events(big: Path) -> None:
    opening = begin(big)
    assert opening.prefetch is not None
    pool = opening.prefetch.wait().pool
    assert pool is not None
    running = stages(opening, TODAY, lambda note: None)
    assert any(isinstance(stage, First) for stage in running)
    running.close()  # the app quit while the rest was loading
    assert joined(pool)


def test_a_worker_that_dies_early_costs_time_not_correctness(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "_SERVE", "import sys; sys.stdin.buffer.read(8)")
    first, loaded, pool = opened(big)
    expected = preview(TEXT, str(big))
    assert expected is not None and first.events == expected.events  # parsed here instead
    assert loaded == load.load_timeline(big)
    assert joined(pool)


def test_no_worker_starts_early_without_a_second_core(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "count", lambda: 0)
    opening = begin(big)
    assert opening.prefetch is not None and opening.prefetch.wait().pool is None
    found = list(stages(opening, TODAY, lambda note: None))
    assert found[-1].timeline == load.load_timeline(big)  # type: ignore[union-attr]


def test_no_worker_starts_early_for_a_file_cached_before(big: Path) -> None:
    opened(big)  # the first opening stores the entry
    opening = begin(big)
    assert opening.prefetch is not None and opening.prefetch.wait().pool is None
    assert opening.prefetch.head is not None


def test_the_first_events_show_before_this_process_imports_pydantic(big: Path) -> None:
    """The worker validates; this process only rebuilds rows until the first events show."""
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import date
        from pathlib import Path
        from tui.core import tuning
        from tui.core.files import workers
        from tui.core.files.opening import First, begin, stages
        tuning.BACKGROUND_LOAD_BYTES = tuning.PARALLEL_BYTES = 0
        workers.count = lambda: 2
        running = stages(begin(Path({str(big)!r})), date(2026, 12, 6), lambda note: None)
        for stage in running:
            if isinstance(stage, First):
                print(len(stage.timeline.events), "pydantic" in sys.modules)
                break
        running.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tuning.PREVIEW_EVENTS), "False"]


async def test_the_first_frame_shows_the_early_workers_events(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the CLI does: the first events a worker parsed while the UI was imported are in
    the app's first frame, as a cached file's are, and the load does not show them again."""
    from tui.app.app import make_app

    opening = begin(big)
    assert opening.prefetch is not None
    head = opening.prefetch.wait().preview_head(30)
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


def test_after_the_early_worker_dies_the_load_starts_workers_of_its_own(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the careful path (four times slower at 100k): the dead pool is left behind."""
    real = workers._SERVE
    monkeypatch.setattr(workers, "_SERVE", "import sys; sys.stdin.buffer.read(8)")
    opening = begin(big)
    assert opening.prefetch is not None
    early = opening.prefetch.wait().pool
    assert early is not None and opening.prefetch.preview_head(30) is None
    assert early.stopped
    monkeypatch.setattr(workers, "_SERVE", real)
    careful: list[str] = []
    slow = load._careful
    monkeypatch.setattr(
        load, "_careful", lambda text, name: careful.append(name) or slow(text, name)
    )
    found = list(stages(opening, TODAY, lambda note: None))
    assert found[-1].timeline == load.load_timeline(big)  # type: ignore[union-attr]
    assert careful == []


def test_a_worker_that_cannot_start_leaves_the_others_at_work(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process limit reached by the second worker: the load goes on with the first."""
    import subprocess as real_subprocess

    started: list[object] = []
    popen = real_subprocess.Popen

    def limited(*args: object, **kwargs: object) -> object:
        if started:
            raise OSError(11, "Resource temporarily unavailable")
        started.append(args)
        return popen(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(workers.subprocess, "Popen", limited)
    first, loaded, pool = opened(big)
    assert len(pool) == 1 and len(started) == 1
    assert first.events and loaded == load.load_timeline(big)
    assert joined(pool)


def test_a_refused_query_stops_the_worker_started_for_the_load(
    big: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui import cli

    pools: list[workers.Pool] = []
    real = workers.Pool.__init__

    def made(self: workers.Pool, processes: int) -> None:
        real(self, processes)
        pools.append(self)

    monkeypatch.setattr(workers.Pool, "__init__", made)
    # The app's start pauses the collector until its first frame, which never comes here.
    monkeypatch.setattr(tuning, "gc_pause_for_start", lambda: None)
    assert cli.main([str(big), "--query", "during:notadate"]) != 0
    assert gc.isenabled()
    assert "query" in capsys.readouterr().err.lower()
    assert len(pools) == 1 and pools[0].stopped and joined(pools[0])
