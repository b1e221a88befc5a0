"""A JSON Schema of the timeline format, generated from the pydantic model.

Editors read it to validate and complete fields while people type: Taplo and the VS Code
extension Even Better TOML (which embeds Taplo) pick it up from a ``#:schema`` directive on the
file's first line. Taplo validates with JSON Schema draft 4 to 7, so the schema is written as
draft-07 with ``definitions``; it converts TOML dates to strings (``2018-04-16``), which the
date fields accept along with ``"2018-04"`` and ``"2018"``.

The model checks some rules in Python validators (ids, URLs, one-line titles, unique lists,
country codes, an ongoing event without end_date); those are translated here into the nearest
JSON Schema keyword: as strict as the loader where JSON Schema can say it (dates, ids, country
codes, vocabularies), and never stricter, so an editor does not flag what ``policy-tui
validate`` accepts. What it cannot say (an end_date before the date, a related id that is not
in the file, a view's query, the same platform in two cases) is left to the loader, which stays
the authority: the schema helps while typing, ``validate`` decides.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from tui.core.text.sanitize import controls
from tui.core.timeline import rules
from tui.core.timeline.countries import codes
from tui.core.timeline.model import TimelineFile

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID = "https://raw.githubusercontent.com/policy-tui/policy-tui/main/timeline.schema.json"
# The schema's file name wherever it is put: beside the timeline that names it. Taplo resolves a
# relative ``#:schema`` path against the TOML file's folder, so ``./timeline.schema.json``
# works in the repository (both files at the top), in the installed package (the wheel carries
# both as ``tui/timeline.toml`` and ``tui/timeline.schema.json``) and beside any timeline where
# ``policy-tui schema --write DIR`` put a copy.
FILE_NAME = "timeline.schema.json"
DIRECTIVE = f"#:schema ./{FILE_NAME}"
COMMITTED_PATH = FILE_NAME

# Character classes that mirror the model's rules (tab allowed; newline only in multi-line text).
_CONTROLS = controls(keep="\t\n")
_LINE_BREAKS_AND_CONTROLS = controls(keep="\t")


def _not_blank_pattern(excluded: str) -> str:
    """None of ``excluded``, and at least one character that is not white space."""
    return f"^[^{excluded}]*[^\\s{excluded}][^{excluded}]*$"


# Validator function -> the JSON Schema keywords that say the same (or slightly less).
_VALIDATOR_KEYWORDS: dict[Any, dict[str, Any]] = {
    rules.slug: {"pattern": f"^{rules.ID_PATTERN.pattern}$"},
    rules.one_line: {"pattern": _not_blank_pattern(_LINE_BREAKS_AND_CONTROLS)},
    rules.not_blank: {"pattern": _not_blank_pattern(_CONTROLS)},
    rules.no_controls: {"pattern": f"^[^{_CONTROLS}]*$"},
    # http(s), a host (bracketed, or up to a colon), a numeric port if any, then no white space
    # or control characters. The loader also wants printable characters (Unicode categories,
    # which ECMA-262 patterns without flags cannot name), a port up to 65535 and a valid
    # bracketed IPv6 address.
    rules.http_url: {
        "pattern": (
            f"^[Hh][Tt][Tt][Pp][Ss]?://(?:[^/?#\\s{_CONTROLS}]*@)?"
            f"(?:\\[[^/?#\\s{_CONTROLS}\\]]*\\]|[^/?#\\s{_CONTROLS}@:]+)(?::[0-9]*)?"
            f"(?:[/?#][^\\s{_CONTROLS}]*)?$"
        )
    },
    # ISO 3166-1 alpha-2 (as pycountry lists it) and the blocs: the loader's list; an editor
    # also completes from it.
    rules.country: {"enum": codes()},
    # The loader also compares case-insensitively; JSON Schema can only compare exactly.
    rules.unique_items: {"uniqueItems": True},
}


class _Generator(GenerateJsonSchema):
    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = super().function_after_schema(schema)
        extra = _VALIDATOR_KEYWORDS.get(schema["function"]["function"])
        if extra is None:
            return inner
        return {**inner, **extra}


def _strip_nulls(node: Any) -> Any:
    """TOML has no null: an optional field is one that is left out, not one set to null."""
    if isinstance(node, list):
        return [_strip_nulls(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _strip_nulls(value) for key, value in node.items()}
    if node.get("default", ...) is None:
        del node["default"]
    options = node.get("anyOf")
    if isinstance(options, list):
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1 and len(kept) != len(options):
            del node["anyOf"]
            # The inner description is the generic one of the type; the field's own wins.
            node = {**kept[0], **node}
        else:
            node["anyOf"] = kept
    return node


def _drop_generated_titles(node: Any) -> Any:
    """Pydantic titles every property with its capitalised name ("Id"): noise in a hover."""
    if isinstance(node, list):
        return [_drop_generated_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            result[key] = {
                name: {k: _drop_generated_titles(v) for k, v in prop.items() if k != "title"}
                for name, prop in value.items()
            }
        else:
            result[key] = _drop_generated_titles(value)
    return result


def _inline_enums(node: Any, enums: dict[str, Any]) -> Any:
    """Put the closed vocabularies in place: Taplo ignores a description next to a ``$ref``,
    and the field's description is what explains the word list."""
    if isinstance(node, list):
        return [_inline_enums(item, enums) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in enums:
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**enums[ref.rsplit("/", 1)[-1]], **rest}
    return {key: _inline_enums(value, enums) for key, value in node.items()}


# The validation models' class names -> the names the schema has always used for them.
_DEFINITION_NAMES = {"EventModel": "Event", "SourceModel": "Source", "InfoModel": "TimelineInfo"}


def _rename_definitions(node: Any) -> Any:
    if isinstance(node, list):
        return [_rename_definitions(item) for item in node]
    if not isinstance(node, dict):
        return node
    renamed = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            head, _, name = value.rpartition("/")
            value = f"{head}/{_DEFINITION_NAMES.get(name, name)}"
        renamed[key] = _rename_definitions(value)
    return renamed


def _add_event_rules(event: dict[str, Any]) -> None:
    """The event rules that the model checks in field validators across fields or items."""
    # EventModel._not_self: the same id twice in related is an error.
    event["properties"]["related"]["uniqueItems"] = True
    # rules.status_conflict: an ongoing event has no end_date.
    event["if"] = {"properties": {"status": {"const": "ongoing"}}, "required": ["status"]}
    event["then"] = {"properties": {"end_date": False}}


def timeline_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a timeline file."""
    raw = _rename_definitions(
        TimelineFile.model_json_schema(
            ref_template="#/definitions/{model}", schema_generator=_Generator
        )
    )
    definitions = {_DEFINITION_NAMES.get(k, k): v for k, v in raw.pop("$defs", {}).items()}
    enums = {name: d for name, d in definitions.items() if "enum" in d}
    definitions = {name: d for name, d in definitions.items() if name not in enums}
    body = _inline_enums(_drop_generated_titles(_strip_nulls(raw)), enums)
    definitions = _inline_enums(_drop_generated_titles(_strip_nulls(definitions)), enums)
    _add_event_rules(definitions["Event"])
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **body, "definitions": definitions}


def schema_text() -> str:
    """The schema as committed in ``timeline.schema.json``: stable order, final newline."""
    return json.dumps(timeline_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
