"""Any cell text: every row is imported or skipped with a reason, never a crash, and what is
written loads back to the same events."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.importing import stop
from tui.core.importing.report import Report, check_rendered, render_timeline

HEADER = ["start_date", "end_date", "country", "geo_scope", "area_name", "shutdown_type",
          "shutdown_extent", "facebook_affected", "other_affected", "info_source_link",
          "event", "decision_maker"]  # fmt: skip
REAL = {
    "start_date": ["3/15/2020", "2020-03", "43905", "2020", "13/1/2020", ""],
    "end_date": ["3/20/2020", "Ongoing", "Unknown", "", "1/1/2019"],
    "country": ["India", "Iran (Islamic Republic of)", "Russia", "India, Pakistan", ""],
    "geo_scope": ["National", "Regional", ""],
    "shutdown_type": ["Shutdown", "Throttle", "Shutdown, Throttle", "Unknown", "x"],
    "shutdown_extent": ["Full network", "Service-based", ""],
    "facebook_affected": ["Yes", "No", "Unknown", ""],
    "info_source_link": ['"https://a.example/x;" https://b.example/y', "www.x", ""],
}
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


def cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(REAL.get(column, ["", "Some text"])), TEXT)


ROW = st.fixed_dictionaries({column: cell(column) for column in HEADER})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=6))
def test_every_row_is_accounted_for(tmp_path_factory, rows: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([[row[c] for c in HEADER] for row in rows])
    path: Path = tmp_path_factory.mktemp("sheet") / "s.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = Report(str(path))
    stop.import_rows(stop.read(path), report)
    report.dedupe()
    assert report.rows_read + report.blank_rows == len(rows)
    assert len(report.imported) + len(report.skipped) == report.rows_read
    assert all(reason for _, reason in report.skipped)
    if report.events:
        text = render_timeline("T", "", report.events)
        check_rendered(text, "t.toml", report.events)


CSV_HEADER = ["When", "Until", "What", "Where", "Kind", "Text", "Links", "Tags"]
CSV_REAL = {
    "When": ["2020-03-15", "3/2020", "", "44000", "Year 2020"],
    "Until": ["", "2020-04", "2019"],
    "What": ["A block", "", "Two\nlines"],
    "Where": ["RU", "Viet Nam", "Atlantis", ""],
    "Kind": ["block", "Throttle", "blok", ""],
    "Links": ["https://a.example/x, https://b.example/y", "N/A", ""],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {c: st.one_of(st.sampled_from(CSV_REAL.get(c, ["", "x; y"])), TEXT) for c in CSV_HEADER}
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_row_of_any_sheet_is_accounted_for(
    tmp_path_factory, rows: list[dict[str, str]]
) -> None:  # type: ignore[no-untyped-def]
    from tui.core.importing import table

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows([[row[c] for c in CSV_HEADER] for row in rows])
    path: Path = tmp_path_factory.mktemp("sheet") / "s.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    mapping = table.make_mapping(
        ["date=When", "end_date=Until", "title=What", "country=Where", "action=Kind",
         "summary=Text", "sources.url=Links", "tags=Tags"],
        ["summary=None given."],
        None,
    )  # fmt: skip
    report = Report(str(path))
    table.import_rows(table.read(path, mapping), mapping, report)
    report.dedupe()
    assert report.rows_read + report.blank_rows == len(rows)
    assert len(report.imported) + len(report.skipped) == report.rows_read
    if report.events:
        check_rendered(render_timeline("T", "", report.events), "t.toml", report.events)
