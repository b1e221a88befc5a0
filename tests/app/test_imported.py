"""An imported STOP sheet opens in the explorer at once, with its facet counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.app.app import make_app
from tui.app.widgets.event_list import EventList
from tui.app.widgets.filter_pane import FacetList
from tui.cli import main
from tui.core.files.load import load_timeline

from .screen import settle

STOP_2020 = Path(__file__).resolve().parent.parent / "fixtures" / "imports" / "stop-2020.csv"


async def test_an_imported_stop_sheet_opens_with_its_facet_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "stop.toml"
    assert main(["import", "stop", str(STOP_2020), "-o", str(out_file)]) == 1
    capsys.readouterr()
    timeline = load_timeline(out_file)
    app = make_app(timeline, path=out_file, today=date(2026, 6, 1))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert len(pilot.app.query_one(EventList).view or []) == 5

        def counts(facet: str) -> dict[str, int]:
            shown = pilot.app.query_one(f"#facet-{facet}", FacetList)._shown
            return {value: count for value, count, _ in shown}

        assert counts("country") == {"IN": 1, "IR": 1, "SY": 1, "TZ": 1, "VE": 1}
        assert counts("action") == {"block": 3, "throttle": 1, "other": 1}
        tags = counts("tag")
        assert tags["stop"] == 5
        assert (tags["full-network"], tags["service-based"]) == (3, 2)
        assert counts("platform")["Mobile internet"] == 2
        assert counts("status") == {"ongoing": 1, "ended": 2, "unknown": 2}
