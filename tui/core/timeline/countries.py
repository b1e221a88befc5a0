"""Country and bloc codes.

The ISO 3166-1 list comes from pycountry, which tracks ISO's changes; a hand-typed table would
drift. Blocs of states (the EU) are ours and listed here.

Importing pycountry costs ~15-30 ms (it reads its own version through importlib.metadata), and
names are needed while the app paints its first screen. So ``country_name`` reads pycountry's
ISO 3166-1 data file directly, found without importing the package; pycountry itself is imported
only for near-miss suggestions (an error path), or when its data file is not where it was.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

BLOCS: dict[str, str] = {
    # ISO reserves EU for the European Union.
    "EU": "European Union",
}


@cache
def _names() -> dict[str, str]:
    """Alpha-2 code -> display name (the common name where ISO gives one)."""
    entries: list[dict[str, str]] | None = None
    spec = find_spec("pycountry")  # locates the package without running its __init__
    if spec is not None and spec.origin is not None:
        data = Path(spec.origin).parent / "databases" / "iso3166-1.json"
        try:
            entries = json.loads(data.read_bytes())["3166-1"]
        except (OSError, ValueError, KeyError, TypeError):
            entries = None
    if entries is None:
        import pycountry

        entries = [dict(country) for country in pycountry.countries]
    names: dict[str, str] = {}
    for entry in entries:
        code, name = entry.get("alpha_2"), entry.get("common_name") or entry.get("name")
        if code and name:
            names[code.upper()] = name  # a later duplicate wins, as in pycountry's index
    return names


@cache
def country_name(code: str) -> str | None:
    """The display name of a code, or ``None`` when it is neither ISO 3166-1 alpha-2 nor a bloc."""
    if code in BLOCS:
        return BLOCS[code]
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return None
    return _names().get(code)


def codes() -> list[str]:
    """Every code ``country_name`` knows, sorted: for the JSON Schema's list of countries."""
    return sorted(code for code in {*_names(), *BLOCS} if country_name(code) is not None)


# Codes people write that ISO spells differently.
_COMMON_MISTAKES: dict[str, str] = {"UK": "GB", "EL": "GR"}


def suggest_code(text: str) -> str | None:
    """The code meant by a near miss: ``ru``, ``RUS``, ``643``, ``UK`` -> ``RU``/``GB``."""
    wanted = text.strip().upper()
    if wanted in _COMMON_MISTAKES:
        return _COMMON_MISTAKES[wanted]
    if wanted in BLOCS:
        return wanted
    if not wanted or len(wanted) > 80 or not wanted.isascii():
        return None
    import pycountry  # only here: a near miss is an error path

    try:
        country = pycountry.countries.lookup(wanted)
    except LookupError:
        return None
    code: str = country.alpha_2
    return code if code != text else None
