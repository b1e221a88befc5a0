"""Country and bloc codes.

The ISO 3166-1 list comes from pycountry, which tracks ISO's changes; a hand-typed table would
drift. Blocs of states (the EU) are ours and listed here.
"""

from __future__ import annotations

from functools import cache

import pycountry

BLOCS: dict[str, str] = {
    # ISO reserves EU for the European Union.
    "EU": "European Union",
}


@cache
def country_name(code: str) -> str | None:
    """The display name of a code, or ``None`` when it is neither ISO 3166-1 alpha-2 nor a bloc."""
    if code in BLOCS:
        return BLOCS[code]
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return None
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


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
    try:
        country = pycountry.countries.lookup(wanted)
    except LookupError:
        return None
    code: str = country.alpha_2
    return code if code != text else None


def is_known(code: str) -> bool:
    return country_name(code) is not None
