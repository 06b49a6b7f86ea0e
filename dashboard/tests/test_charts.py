"""Charts are accessible SVG: a title and a description that carry every value,
and text from the data is escaped."""

from dashboard import charts


def test_a_bar_chart_has_a_title_and_a_description_with_every_value():
    svg = str(
        charts.bar_chart(
            "c1", "Open cases per case manager", [("Casey Morgan", 3), ("Not allocated", 1)]
        )
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Open cases per case manager</title>' in svg
    assert '<desc id="c1-desc">Casey Morgan: 3; Not allocated: 1</desc>' in svg
    assert svg.count("<rect") == 2


def test_text_from_the_data_is_escaped():
    svg = str(charts.bar_chart("c2", "T", [("<script>alert(1)</script>", 1)]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_a_monthly_chart_draws_two_bars_a_month_and_describes_them():
    svg = str(
        charts.monthly_chart(
            "c3", "Sessions", [("March 2026", 2, 1), ("April 2026", 0, 0)], ("Attended", "Missed")
        )
    )
    assert "March 2026: attended 2, missed 1; April 2026: attended 0, missed 0" in svg
    assert svg.count("<rect") == 2 + 4  # the legend's two swatches and two bars a month


def test_an_empty_chart_says_so():
    assert '<desc id="c4-desc">No data</desc>' in str(charts.bar_chart("c4", "T", []))
