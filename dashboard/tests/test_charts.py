"""Dashboard charts (issue 18: "attended and missed are told apart by colour
alone and the orange is 2.78:1 on white; chart labels are tiny and serif and
cut off ... Use patterns or direct labels, ≥ 3:1 contrast, the service font,
values in text"). WCAG 1.4.11: "The visual presentation of ... parts of
graphics required to understand the content ... have a contrast ratio of at
least 3:1 against adjacent color(s)." The ratios are computed here from the
colours the charts draw with."""

import itertools
import re

from django.template.loader import render_to_string

from dashboard import charts

LONG = "Parenting support or parenting order"


def _render(chart) -> str:
    return render_to_string("dashboard/includes/chart.html", {"chart": chart})


def _sessions():
    return charts.monthly_chart(
        "c3", "Sessions", [("March 2026", 2, 1), ("April 2026", 0, 0)], ("Attended", "Missed")
    )


def test_the_contrast_formula_agrees_with_wcag_on_known_pairs():
    """Black on white is 21:1 and a colour against itself 1:1 (WCAG's
    definition); the old orange, #f47738, falls short of 3:1 on white."""
    assert round(charts.contrast("#000000", "#ffffff"), 1) == 21.0
    assert charts.contrast(charts.BLUE, charts.BLUE) == 1.0
    assert charts.contrast("#f47738", charts.WHITE) < 3


def test_every_colour_of_every_chart_has_3_to_1_on_white_and_against_the_others():
    drawn = _sessions().colours() | charts.bar_chart("c1", "T", [("a", 1)]).colours()
    assert len(drawn) >= 2
    for colour in drawn:
        assert charts.contrast(colour, charts.WHITE) >= 3, colour
    for first, second in itertools.combinations(sorted(drawn), 2):
        assert charts.contrast(first, second) >= 3, (first, second)


def test_the_colours_in_the_page_are_the_ones_checked():
    html = _render(_sessions())
    used = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', html))
    assert used - {charts.WHITE} == _sessions().colours()


def test_two_series_differ_by_more_than_colour():
    """Missed is hatched with an outline, attended solid; each bar says its
    series in words, and the key says it too."""
    html = _render(_sessions())
    assert html.count('fill="url(#c3-') == 2  # the one missed bar with a value, and its key
    assert html.count(f'fill="{charts.BLUE}"') == 2  # the attended bar with a value, and its key
    assert "Attended: 2" in html and "Missed: 1" in html and "Missed: 0" in html
    key = re.search(r'<ul class="app-chart__legend".*?</ul>', html, re.S).group(0)
    assert "Attended" in key and "Missed" in key and "url(#c3-key-1)" in key


def test_labels_are_written_in_full_with_their_values_as_text():
    html = _render(charts.bar_chart("c1", "Open cases by kind", [(LONG, 3), ("Triage", 1)]))
    assert f'<dt class="app-chart__label">{LONG}</dt>' in html
    assert "…" not in html
    values = re.findall(r'<span class="app-chart__value">([^<]*)</span>', html)
    assert values == ["3", "1"]


def test_bar_lengths_are_in_proportion_and_zero_draws_nothing():
    chart = charts.bar_chart("c1", "T", [("a", 4), ("b", 1), ("c", 0)])
    assert [row.bars[0].width for row in chart.rows] == ["100.0%", "25.0%", "0.0%"]
    html = _render(chart)
    assert html.count("<rect") == 2


def test_text_from_the_data_is_escaped():
    html = _render(charts.bar_chart("c2", "T", [("<script>alert(1)</script>", 1)]))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_chart_says_so():
    assert "No data." in _render(charts.bar_chart("c4", "T", []))
