"""The JSON Schema for editors: generated from the model, committed, and true to the loader.

``jsonschema`` is not a dependency, so the tests carry a small validator for exactly the
keywords the schema uses; it refuses a keyword it does not know, so a new kind of rule in the
model cannot slip past these tests unchecked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tui.cli import main
from tui.core.files.load import load_timeline
from tui.core.files.write import render_event
from tui.core.timeline.countries import BLOCS
from tui.core.timeline.event import (
    EVENT_FIELDS,
    INFO_FIELDS,
    SOURCE_FIELDS,
    Action,
    Event,
    Source,
    Status,
)
from tui.core.timeline.model import (
    EventModel,
    InfoModel,
    SourceModel,
    TimelineFile,
    validate_event,
)
from tui.core.timeline.rules import ID_PATTERN
from tui.core.timeline.schema import (
    COMMITTED_PATH,
    DIRECTIVE,
    FILE_NAME,
    SCHEMA_DIALECT,
    schema_text,
    timeline_json_schema,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = timeline_json_schema()
REGENERATE = f"run `policy-tui schema > {COMMITTED_PATH}` and commit the result"

_ANNOTATIONS = {"$schema", "$id", "title", "description", "default", "definitions", "then"}


def _ecma(pattern: str) -> str:
    # In JSON Schema (ECMA-262) `$` is the very end; in Python it also matches before a
    # final newline, which would let "title\n" pass a one-line pattern.
    return re.sub(r"(?<!\\)\$$", r"\\Z", pattern)


def errors(instance: Any, schema: dict[str, Any] | bool = SCHEMA, at: str = "") -> list[str]:
    """Problems of ``instance`` against ``schema`` (draft-07 subset used by our schema)."""
    if isinstance(schema, bool):
        return [] if schema else [f"{at}: not allowed here"]
    found: list[str] = []
    for keyword in schema:
        if keyword in _ANNOTATIONS:
            continue
        assert keyword in _CHECKS, f"schema keyword {keyword!r} unknown to the test validator"
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/definitions/")
        return errors(instance, SCHEMA["definitions"][name], at)
    for keyword, value in schema.items():
        if keyword in _CHECKS:
            found += _CHECKS[keyword](instance, value, schema, at)
    return found


def _type(instance: Any, kind: str, schema: dict[str, Any], at: str) -> list[str]:
    python = {"string": str, "array": list, "object": dict, "boolean": bool}[kind]
    return [] if isinstance(instance, python) else [f"{at}: not a {kind}"]


def _properties(instance: Any, props: dict[str, Any], schema: dict[str, Any], at: str) -> list:
    if not isinstance(instance, dict):
        return []
    return [e for k, v in instance.items() if k in props for e in errors(v, props[k], f"{at}.{k}")]


def _additional(instance: Any, allowed: Any, schema: dict[str, Any], at: str) -> list[str]:
    if not isinstance(instance, dict):
        return []
    extra = [k for k in instance if k not in schema.get("properties", {})]
    if allowed is False:
        return [f"{at}: unknown key {k!r}" for k in extra]
    return [e for k in extra for e in errors(instance[k], allowed, f"{at}.{k}")]


def _required(instance: Any, keys: list[str], schema: dict[str, Any], at: str) -> list[str]:
    if not isinstance(instance, dict):
        return []
    return [f"{at}: missing {k!r}" for k in keys if k not in instance]


def _items(instance: Any, item: dict[str, Any], schema: dict[str, Any], at: str) -> list[str]:
    if not isinstance(instance, list):
        return []
    return [e for i, v in enumerate(instance) for e in errors(v, item, f"{at}[{i}]")]


def _min_items(instance: Any, n: int, schema: dict[str, Any], at: str) -> list[str]:
    return (
        [f"{at}: fewer than {n} items"] if isinstance(instance, list) and len(instance) < n else []
    )


def _unique(instance: Any, on: bool, schema: dict[str, Any], at: str) -> list[str]:
    if on and isinstance(instance, list) and len(set(map(repr, instance))) != len(instance):
        return [f"{at}: duplicate items"]
    return []


def _enum(instance: Any, words: list[Any], schema: dict[str, Any], at: str) -> list[str]:
    return [] if instance in words else [f"{at}: {instance!r} not one of {words}"]


def _any_of(instance: Any, options: list[Any], schema: dict[str, Any], at: str) -> list[str]:
    if any(not errors(instance, option, at) for option in options):
        return []
    return [f"{at}: {instance!r} matches none of the allowed forms"]


def _pattern(instance: Any, pattern: str, schema: dict[str, Any], at: str) -> list[str]:
    if isinstance(instance, str) and not re.search(_ecma(pattern), instance):
        return [f"{at}: {instance!r} does not match {pattern}"]
    return []


def _format(instance: Any, kind: str, schema: dict[str, Any], at: str) -> list[str]:
    assert kind == "date", f"format {kind!r} unknown to the test validator"
    if not isinstance(instance, str):
        return []
    try:
        date.fromisoformat(instance)
    except ValueError:
        return [f"{at}: {instance!r} is not a full date"]
    return [] if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", instance) else [f"{at}: not a date"]


def _if(instance: Any, condition: Any, schema: dict[str, Any], at: str) -> list[str]:
    if errors(instance, condition, at):
        return []
    return errors(instance, schema.get("then", True), at)


def _const(instance: Any, value: Any, schema: dict[str, Any], at: str) -> list[str]:
    return [] if instance == value else [f"{at}: {instance!r} is not {value!r}"]


_CHECKS = {
    "if": _if,
    "const": _const,
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "items": _items,
    "minItems": _min_items,
    "uniqueItems": _unique,
    "enum": _enum,
    "anyOf": _any_of,
    "pattern": _pattern,
    "format": _format,
    "$ref": lambda *args: [],
}


def as_json(value: Any) -> Any:
    """TOML data as Taplo hands it to the schema: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def shipped_data() -> dict[str, Any]:
    return as_json(tomllib.loads((ROOT / "timeline.toml").read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# The committed file and the command


def test_committed_schema_matches_the_model() -> None:
    committed = (ROOT / COMMITTED_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), f"{COMMITTED_PATH} is out of date: {REGENERATE}"


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == schema_text()
    assert out.endswith("}\n") and json.loads(out) == SCHEMA


def test_schema_command_does_not_import_textual() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['schema']) == 0\n"
        "assert 'textual' not in sys.modules, 'schema imported textual'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_schema_is_draft_07_with_local_definitions() -> None:
    assert SCHEMA["$schema"] == SCHEMA_DIALECT == "http://json-schema.org/draft-07/schema#"
    text = schema_text()
    assert "$defs" not in text and '"null"' not in text
    for ref in re.findall(r'"\$ref": "([^"]+)"', text):
        assert ref.removeprefix("#/definitions/") in SCHEMA["definitions"], ref


def test_schema_follows_the_model_fields() -> None:
    event = SCHEMA["definitions"]["Event"]
    assert list(event["properties"]) == list(EventModel.model_fields)
    fields = EventModel.model_fields.items()
    assert set(event["required"]) == {n for n, f in fields if f.is_required()}
    assert list(SCHEMA["definitions"]["Source"]["properties"]) == list(SourceModel.model_fields)
    assert list(SCHEMA["properties"]) == list(TimelineFile.model_fields)
    # The records the app works with have the file's fields, in the file's order.
    assert Event._fields == tuple(EventModel.model_fields)
    assert Source._fields == tuple(SourceModel.model_fields)
    # One list of field names (tui.core.timeline.event's), which the model must match.
    assert tuple(EventModel.model_fields) == EVENT_FIELDS
    assert tuple(SourceModel.model_fields) == SOURCE_FIELDS
    assert tuple(InfoModel.model_fields) == INFO_FIELDS
    assert event["properties"]["action"]["enum"] == [a.value for a in Action]
    assert event["properties"]["status"]["enum"] == [s.value for s in Status]
    for definition in (SCHEMA, *SCHEMA["definitions"].values()):
        assert definition["additionalProperties"] is False, "typos must be flagged"
    # Taplo ignores keys next to a $ref: the field's description must not sit beside one.
    assert "$ref" not in event["properties"]["action"]


# --------------------------------------------------------------------------------------------
# The schema against real and broken files


def test_shipped_timeline_is_valid_against_the_schema() -> None:
    data = shipped_data()
    assert errors(data) == []
    assert len(data["events"]) == len(load_timeline(ROOT / "timeline.toml"))


def test_every_event_key_and_action_of_the_shipped_file_is_in_the_schema() -> None:
    event = SCHEMA["definitions"]["Event"]
    source = SCHEMA["definitions"]["Source"]
    for item in shipped_data()["events"]:
        assert set(item) <= set(event["properties"])
        assert set(event["required"]) <= set(item)
        assert item["action"] in event["properties"]["action"]["enum"]
        for src in item["sources"]:
            assert set(src) <= set(source["properties"]) and {"publisher", "url"} <= set(src)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["events"][0].update(titel="x"), "unknown key 'titel'"),
        (lambda d: d.update(timline={}), "unknown key 'timline'"),
        (lambda d: d["events"][0]["sources"][0].update(pubisher="x"), "unknown key 'pubisher'"),
        (lambda d: d["events"][0].update(action="blok"), "'blok' not one of"),
        (lambda d: d["events"][0].update(status="maybe"), "'maybe' not one of"),
        (lambda d: d["events"][0].pop("summary"), "missing 'summary'"),
        (lambda d: d["events"][0].update(date="April 2018"), "matches none"),
        (lambda d: d["events"][0].update(date="2018-13-01"), "matches none"),
        (lambda d: d["events"][0].update(id="Bad_Id"), "does not match"),
        (lambda d: d["events"][0].update(country="ru"), "'ru' not one of"),
        (lambda d: d["events"][0].update(title="two\nlines"), "does not match"),
        (lambda d: d["events"][0].update(title="   "), "does not match"),
        (lambda d: d["events"][0].update(summary="bell \x07"), "does not match"),
        (lambda d: d["events"][0].update(tags=["a", "a"]), "duplicate items"),
        (lambda d: d["events"][0].update(sources=[]), "fewer than 1"),
        (lambda d: d["events"][0]["sources"][0].update(url="ftp://x.org"), "does not match"),
        (lambda d: d["events"][0]["sources"][0].update(url="javascript:alert(1)"), "not match"),
        (lambda d: d["events"][0].update(platforms="Telegram"), "not a array"),
        (lambda d: d.update(views={"mine": 3}), "not a string"),
    ],
)
def test_the_schema_flags_what_the_loader_rejects(change: Any, expected: str) -> None:
    data = shipped_data()
    change(data)
    problems = errors(data)
    assert any(expected in p for p in problems), problems


def test_events_written_by_the_app_validate() -> None:
    timeline = load_timeline(ROOT / "timeline.toml")
    for event in timeline.events:
        table = as_json(tomllib.loads(render_event(event)))
        assert errors(table["events"][0], SCHEMA["definitions"]["Event"]) == [], event.id


# --------------------------------------------------------------------------------------------
# The schema is never stricter than the loader (and as strict as it can be)


def _accepted(field: str, value: Any) -> bool:
    base = {
        "id": "x-1",
        "date": "2018",
        "title": "t",
        "country": "RU",
        "action": "block",
        "summary": "s",
        "sources": [{"publisher": "p", "url": "https://e.org"}],
    }
    try:
        if field.startswith("source."):
            base["sources"] = [{**base["sources"][0], field.removeprefix("source."): value}]
        else:
            base[field] = value
        validate_event(base)
    except ValidationError:
        return False
    return True


def _schema_accepts(field: str, value: Any) -> bool:
    if field.startswith("source."):
        prop = SCHEMA["definitions"]["Source"]["properties"][field.removeprefix("source.")]
    else:
        prop = SCHEMA["definitions"]["Event"]["properties"][field]
    return not errors(as_json(value), prop)


@given(st.text(alphabet="ab09-_A \n", max_size=12))
def test_id_pattern_is_the_loaders_rule(value: str) -> None:
    assert _schema_accepts("id", value) == bool(ID_PATTERN.fullmatch(value))


def test_every_country_the_loader_accepts_matches_the_pattern() -> None:
    codes = [c.alpha_2 for c in pycountry.countries] + list(BLOCS)
    for code in codes:
        assert _accepted("country", code) and _schema_accepts("country", code), code


TEXT = st.text(
    st.sampled_from([*"aZ é日", "\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028"]),
    max_size=6,
)


@given(TEXT)
def test_text_patterns_are_the_loaders_rules(value: str) -> None:
    for field in ("title", "summary", "source.publisher", "source.title"):
        assert _schema_accepts(field, value) == _accepted(field, value), (field, value)


@given(
    st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "http:/", "", "javascript:"])
    | st.text(max_size=4),
    st.text(st.sampled_from([*"ab.:/?#@ 1-", "\x00", "\u00a0"]), max_size=12),
)
def test_every_url_the_loader_accepts_matches_the_pattern(scheme: str, rest: str) -> None:
    url = scheme + rest
    if _accepted("source.url", url):
        assert _schema_accepts("source.url", url), url


@given(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(["date", "iso", "month", "year"]),
)
def test_every_date_form_is_accepted(day: date, form: str) -> None:
    value: Any = {
        "date": day,
        "iso": day.isoformat(),
        "month": day.isoformat()[:7],
        "year": day.isoformat()[:4],
    }[form]
    assert _accepted("date", value) and _schema_accepts("date", value)


# --------------------------------------------------------------------------------------------
# docs/editing.md: the snippets people copy must work


def _matchers() -> list[dict[str, Any]]:
    text = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(\{\n  \"problemMatcher\".*?)```", text, re.DOTALL)
    assert block, "the problem matcher snippet is missing from docs/editing.md"
    return [m["pattern"][0] for m in json.loads(block.group(1))["problemMatcher"]]


def _annotations(line: str) -> list[dict[str, str]]:
    found = []
    for pattern in _matchers():
        match = re.match(pattern["regexp"], line)
        if match:
            keys = ("file", "line", "column", "severity", "message")
            found.append({k: match.group(pattern[k]) for k in keys if k in pattern})
    return found


def test_the_documented_problem_matcher_reads_validate_output(tmp_path: Path) -> None:
    from tui.core.timeline.errors import TimelineError

    bad = tmp_path / "time line.toml"
    bad.write_text(
        '[[events]]\nid = "x-1"\ndate = 2018-04-16\ntitel = "T"\ncountry = "RU"\n'
        'action = "block"\nsummary = "s"\nsources = [{publisher = "p", url = "https://e.org"}]\n'
    )
    with pytest.raises(TimelineError) as info:
        load_timeline(bad)
    lines = info.value.format().splitlines()
    line = next(text for text in lines if "titel" in text)
    assert all(len(_annotations(text)) == 1 for text in lines)
    assert _annotations(line) == [
        {
            "file": str(bad),
            "line": "4",
            "column": "1",
            "severity": "error",
            "message": "event 'x-1': titel: unknown field; did you mean 'title'?",
        }
    ]
    with pytest.raises(TimelineError) as info:
        load_timeline(tmp_path / "missing.toml")
    assert _annotations(info.value.format()) == [
        {"file": str(tmp_path / "missing.toml"), "severity": "error", "message": "no such file"}
    ]


def test_the_documented_schema_directive_points_at_the_committed_schema() -> None:
    text = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    directive = re.search(r"^#:schema (\./\S+)$", text, re.MULTILINE)
    assert directive and (ROOT / directive.group(1)).resolve() == (ROOT / COMMITTED_PATH)
    assert directive.group(0) == DIRECTIVE


# --------------------------------------------------------------------------------------------
# The curated timeline's #:schema line works wherever the file is (issue #13)


def _schema_directive(timeline: Path) -> Path:
    """Where Taplo looks for the schema of ``timeline``: a relative path in a ``#:schema``
    first line is resolved against the TOML file's folder."""
    first = timeline.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema "), first
    return (timeline.parent / first.removeprefix("#:schema ").strip()).resolve()


def _wheel_layout(tmp_path: Path) -> Path:
    """The files the wheel's force-include puts in the package, where it puts them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for source, target in included.items():
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / target).write_bytes((ROOT / source).read_bytes())
    return tmp_path / "tui" / "timeline.toml"


def test_the_curated_timeline_finds_its_schema_in_the_repository_and_installed(
    tmp_path: Path,
) -> None:
    for timeline in (ROOT / "timeline.toml", _wheel_layout(tmp_path)):
        schema = _schema_directive(timeline)
        assert schema.is_file(), f"{timeline}: #:schema points at missing {schema}"
        assert schema.read_text(encoding="utf-8") == schema_text()


def test_schema_write_puts_the_schema_beside_a_timeline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "timeline.toml"
    copy.write_bytes((ROOT / "timeline.toml").read_bytes())
    assert not _schema_directive(copy).is_file()  # a copy alone: Taplo cannot load the schema
    assert main(["schema", "--write", str(tmp_path)]) == 0
    assert _schema_directive(copy).read_text(encoding="utf-8") == schema_text()
    err = capsys.readouterr().err
    assert err == f"policy-tui schema: '{tmp_path / FILE_NAME}' written\n"
    # Again: nothing to do. Given the file itself: the same folder.
    assert main(["schema", "--write", str(copy)]) == 0
    assert capsys.readouterr().err == f"policy-tui schema: '{tmp_path / FILE_NAME}' is up to date\n"


def test_schema_write_says_which_line_a_timeline_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--write", str(tmp_path)]) == 0
    assert capsys.readouterr().err.endswith(
        f"start a timeline in that folder with the line {DIRECTIVE}\n"
    )
    (tmp_path / "mine.toml").write_text("[[events]]\n")
    (tmp_path / "old.toml").write_text("#:schema ./docs/timeline.schema.json\n[[events]]\n")
    assert main(["schema", "--write", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == [
        f"policy-tui schema: '{tmp_path / 'mine.toml'}': add this first line: {DIRECTIVE}",
        f"policy-tui schema: '{tmp_path / 'old.toml'}' starts with "
        f"'#:schema ./docs/timeline.schema.json': change that line to {DIRECTIVE}",
    ]
    assert main(["schema", "--write", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# The schema is as strict as the loader wherever JSON Schema can say it (issue #13)

DATE_SAMPLES = [
    "2018",
    "0001",
    "9999",
    "0000",
    "2018-04",
    "2018-01",
    "2018-12",
    "2018-00",
    "2018-13",
    "2018-04-16",
    "2018-04-30",
    "2018-04-31",
    "2018-01-31",
    "2018-02-28",
    "2018-02-29",
    "2020-02-29",
    "2000-02-29",
    "1900-02-29",
    "0004-02-29",
    "2018-04-00",
    "2018-04-32",
    " 2018 ",
    "2018\n",
    " 2018-04-16\t",
    "18",
    "20180",
    "2018-4",
    "2018-04-1",
    "2018/04",
    "\u0662\u0660\u0661\u0668",
    "2018-04-16T10:00",
    "",
]


@pytest.mark.parametrize("value", DATE_SAMPLES)
def test_date_pattern_judges_like_the_loader(value: str) -> None:
    # (end_date has the same schema; the loader also wants it not before date: not checked here)
    for field in ("date", "source.date"):
        assert _schema_accepts(field, value) == _accepted(field, value), (field, value)
    event = SCHEMA["definitions"]["Event"]["properties"]
    assert event["end_date"]["anyOf"] == event["date"]["anyOf"]


@pytest.mark.parametrize("year", [1, 4, 100, 400, 1900, 2000, 2019, 2020, 2100, 9996, 9999])
def test_every_day_string_is_judged_like_the_loader(year: int) -> None:
    for month in range(14):
        for day in range(33):
            value = f"{year:04d}-{month:02d}-{day:02d}"
            assert _schema_accepts("date", value) == _accepted("date", value), value


@given(st.text(alphabet="0123456789- ", max_size=11))
def test_date_strings_are_judged_like_the_loader(value: str) -> None:
    assert _schema_accepts("date", value) == _accepted("date", value), value


@given(st.text(alphabet="ABEKRUZ", min_size=1, max_size=3))
def test_country_is_judged_like_the_loader(value: str) -> None:
    assert _schema_accepts("country", value) == _accepted("country", value), value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "XX"),
        ("country", "UK"),
        ("related", ["a-1", "a-1"]),
        ("source.url", "https://e.org/\x9b"),
        ("source.url", "https://e.org/\x1b[31m"),
        ("source.url", "https://e.org:port/"),
        ("source.url", "https://:80/"),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(field: str, value: Any) -> None:
    assert not _accepted(field, value)
    assert not _schema_accepts(field, value), (field, value)


def test_an_ongoing_event_with_an_end_date_is_flagged() -> None:
    data = shipped_data()
    event = data["events"][0]
    event.update(status="ongoing", end_date="2020")
    assert errors(data)
    event.update(status="ended")
    assert errors(data) == []
    event.pop("status")
    assert errors(data) == []
    event.update(status="ongoing")
    event.pop("end_date")
    assert errors(data) == []


def test_a_json_schema_validator_reads_the_schema_as_the_tests_do() -> None:
    """``jsonschema`` (a test dependency) as a second opinion on the hand-written validator
    above: the schema is valid draft-07, and both judge the samples alike."""
    jsonschema = pytest.importorskip("jsonschema")
    validator_class = jsonschema.Draft7Validator
    validator_class.check_schema(SCHEMA)

    def ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
        # jsonschema uses Python's re.search, whose `$` also matches before a final newline.
        if validator.is_type(instance, "string") and not re.search(_ecma(pattern), instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    strict = jsonschema.validators.extend(validator_class, {"pattern": ecma_pattern})(
        SCHEMA, format_checker=validator_class.FORMAT_CHECKER
    )
    event = SCHEMA["definitions"]["Event"]["properties"]
    for value in DATE_SAMPLES:
        ours = not errors(value, event["date"])
        theirs = strict.evolve(schema=event["date"]).is_valid(value)
        assert ours == theirs == _accepted("date", value), value
    data = shipped_data()
    assert strict.is_valid(data)
    data["events"][0].update(status="ongoing", end_date="2020")
    assert not strict.is_valid(data)
