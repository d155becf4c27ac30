"""Trends in training compute: how fast it grows, where a model sits against it, and when a
level is reached.

A trend is a least-squares line of log10(training compute) against the publication date (in
decimal years) over a selection of Epoch AI's Notable AI Models (the shipped snapshot, every
domain): ``notable`` (all of it), ``language``, ``frontier`` (the running top 10 by compute,
as Epoch AI defines frontier models), ``open`` (open weights) or a developer. Intervals are
90% percentile intervals of a seeded bootstrap over models. One change of slope (a hinge) can
be fitted and tested (F-test and BIC). Epoch AI's confidence labels are handled one of three
ways: every row included (the default, as Epoch AI's trend articles do), "Speculative" rows
excluded, or every row weighted by its label's band.

Credit: Epoch AI, "Notable AI Models" dataset, https://epoch.ai/data/notable-ai-models.
"""

from __future__ import annotations

from flopcast.trends.data import (
    SELECTIONS,
    SPECULATIVE,
    Point,
    Selection,
    data_credit,
    points,
    selected,
    settings,
)
from flopcast.trends.dates import date_of, decimal_year, midpoint, month, parse_period
from flopcast.trends.fit import RESAMPLES, SEED, BreakTest, Line, Trend, fit_trend

__all__ = [
    "RESAMPLES",
    "SEED",
    "SELECTIONS",
    "SPECULATIVE",
    "BreakTest",
    "Line",
    "Point",
    "Selection",
    "Trend",
    "data_credit",
    "date_of",
    "decimal_year",
    "fit_trend",
    "midpoint",
    "month",
    "parse_period",
    "points",
    "selected",
    "settings",
]
