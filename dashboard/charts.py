"""Charts as data for templates/dashboard/includes/chart.html: no script,
nothing for the CSP to block, nothing marked safe.

A chart is a list of rows, each a label in the page's own text (the service
font, full length, wrapping on a narrow screen) and one bar per series, drawn
as a small SVG beside its value written as text. The page shows the same
figures as a table beside the chart (docs/accessibility.md, "Charts").

Two series are told apart by more than colour (WCAG 1.4.1): the first is a
solid fill, the second a hatched fill with a solid outline, and each bar says
which series it is ("Missed: 2"). Every colour that draws a bar has at least
3:1 contrast against the white page and against the other series (WCAG
1.4.11); tests/test_charts.py computes the ratios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WHITE = "#ffffff"
BLUE = "#1d70b8"  # GOV.UK blue
BLACK = "#0b0c0c"  # GOV.UK text colour


@dataclass(frozen=True)
class Series:
    name: str
    colour: str  # the fill (solid) or the ink of the hatching and the outline
    hatched: bool = False


@dataclass(frozen=True)
class Bar:
    series: Series
    value: int
    percent: float  # of the biggest value in the chart, 0 to 100
    fill_id: str  # unique in the page: the id of a hatched bar's pattern

    @property
    def width(self) -> str:
        return f"{self.percent}%"


@dataclass(frozen=True)
class Row:
    label: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]

    @property
    def legend(self) -> bool:
        return len(self.series) > 1

    @property
    def key(self) -> list[tuple[Series, str]]:
        """The legend: each series with the id of its swatch's pattern."""
        return [(s, f"{self.chart_id}-key-{i}") for i, s in enumerate(self.series)]

    def colours(self) -> set[str]:
        """Every colour the chart draws with."""
        return {s.colour for s in self.series}


SOLID = Series("", BLUE)


def _chart(chart_id, title, series, rows) -> Chart:
    biggest = max([v for _label, values in rows for v in values] + [1])
    return Chart(
        chart_id=chart_id,
        title=title,
        series=tuple(series),
        rows=tuple(
            Row(
                label=str(label),
                bars=tuple(
                    Bar(s, value, round(100 * value / biggest, 1), f"{chart_id}-{i}-{j}")
                    for j, (s, value) in enumerate(zip(series, values, strict=True))
                ),
            )
            for i, (label, values) in enumerate(rows)
        ),
    )


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> Chart:
    """One bar per (label, value)."""
    return _chart(chart_id, title, [SOLID], [(label, [value]) for label, value in rows])


def monthly_chart(
    chart_id: str, title: str, months: Sequence[tuple[str, int, int]], series: tuple[str, str]
) -> Chart:
    """Two bars per month (label, first, second): e.g. attended and missed."""
    two = [Series(series[0], BLUE), Series(series[1], BLACK, hatched=True)]
    return _chart(chart_id, title, two, [(label, [a, b]) for label, a, b in months])


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
