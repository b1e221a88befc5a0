"""Country names come from pycountry's data without importing pycountry on the common path."""

from __future__ import annotations

import os
import subprocess
import sys

import pycountry
import pytest

from tui.core.timeline import countries
from tui.core.timeline.countries import BLOCS, country_name, suggest_code


def test_every_iso_code_has_pycountrys_name() -> None:
    for country in pycountry.countries:
        expected = getattr(country, "common_name", None) or country.name
        assert country_name(country.alpha_2) == expected


@pytest.mark.parametrize("code", ["", "R", "ru", "Ru", "RUS", "XX", "ZZ", "É1", "643"])
def test_what_is_not_an_alpha_2_code_has_no_name(code: str) -> None:
    assert country_name(code) is None


def test_blocs_and_common_names() -> None:
    assert country_name("EU") == BLOCS["EU"]
    assert country_name("RU") == "Russian Federation"
    assert country_name("TW") == pycountry.countries.get(alpha_2="TW").common_name


def test_suggestions_still_use_pycountrys_lookup() -> None:
    assert suggest_code("rus") == "RU"
    assert suggest_code("643") == "RU"
    assert suggest_code("UK") == "GB"
    assert suggest_code("Nowhere at all") is None


def test_names_without_the_data_file_fall_back_to_pycountry(monkeypatch) -> None:
    countries._names.cache_clear()
    monkeypatch.setattr(countries, "find_spec", lambda name: None)
    try:
        assert countries._names()["RU"] == "Russian Federation"
        assert countries._names()["TW"] == country_name("TW")
    finally:
        countries._names.cache_clear()


def test_a_name_does_not_import_pycountry() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    code = (
        "import sys; from tui.core.timeline.countries import country_name; "
        "print(country_name('BR'), 'pycountry' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Brazil", "False"]
