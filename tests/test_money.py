"""Money in tables and totals is abbreviated by kadossier's own table (COMPACT_UNITS), not by the CLDR release.

Babel 2.19 (CLDR 49) writes CN¥22.2m where 2.18 wrote CN¥22.2M; what a dashboard shows is kadossier's decision.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kadossier.render.present import Presenter, load_labels


def _presenter(language: str) -> Presenter:
    return Presenter(language, "CNY", dt.date(2026, 11, 28), load_labels(language))


@pytest.mark.parametrize(
    ("amount", "en", "zh"),
    [
        (0, "CN¥0", "¥0"),
        (950, "CN¥950", "¥950"),
        (12_345.6, "CN¥12.3K", "¥1.2万"),
        (999_960, "CN¥1M", "¥100万"),  # rounds up into the next unit, never "1,000K"
        (1_200_000, "CN¥1.2M", "¥120万"),
        (22_200_000, "CN¥22.2M", "¥2,220万"),
        (24_000_000, "CN¥24M", "¥2,400万"),
        (150_000_000, "CN¥150M", "¥1.5亿"),
        (-3_500_000_000, "-CN¥3.5B", "-¥35亿"),
        (2_000_000_000_000, "CN¥2T", "¥2万亿"),
    ],
)
def test_compact_amounts_use_kadossiers_units(amount: float, en: str, zh: str) -> None:
    assert _presenter("en").amount(amount, "CNY", compact=True) == en
    assert _presenter("zh").amount(amount, "CNY", compact=True) == zh


def test_totals_per_currency_are_joined_in_code_order() -> None:
    assert _presenter("en").amounts({"EUR": 2_400_000, "CNY": 22_200_000}) == "CN¥22.2M · €2.4M"
    assert _presenter("zh").amounts({}) == "–"


def test_full_amounts_keep_every_digit() -> None:
    assert _presenter("en").amount(21_000_000, "CNY") == "CN¥21,000,000"
    assert _presenter("zh").amount(1234.5, "EUR") == "€1,234.50"
