"""Charts drawn on the server as SVG: no script, nothing for the CSP to block.

Each chart is an image with a <title> and a <desc> (read by screen readers
through aria-labelledby) and the page shows the same figures as a table
beside it. Colours are from the GOV.UK palette and every bar is labelled with
its value, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE = "#1d70b8"
ORANGE = "#f47738"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def _svg(
    chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]
) -> SafeString:
    # Safe: every text below went through escape(); the numbers are computed here.
    return mark_safe(  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per (label, value), each with its value written."""
    width, label_w, bar_h, gap = 460, 210, 22, 8
    top = 4
    height = top + len(rows) * (bar_h + gap) + 4
    biggest = max([v for _, v in rows] + [1])
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = round((width - label_w - 40) * value / biggest)
        body.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="14" '
            f'fill="{TEXT}">{escape(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{BLUE}"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 16}" font-size="14" fill="{TEXT}">{value}</text>'
        )
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or "No data"
    return _svg(chart_id, title, desc, width, max(height, 30), body)


def monthly_chart(
    chart_id: str, title: str, months: Sequence[tuple[str, int, int]], series: tuple[str, str]
) -> SafeString:
    """Two bars per month (label, first, second): e.g. attended and missed."""
    width, height, left, bottom, top = 640, 240, 40, 40, 24
    plot_h = height - bottom - top
    n = max(len(months), 1)
    slot = (width - left - 10) / n
    bar_w = max(slot / 2 - 3, 2)
    biggest = max([max(a, b) for _, a, b in months] + [1])
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{GRID}"></line>',
        f'<rect x="{left}" y="4" width="12" height="12" fill="{BLUE}"></rect>'
        f'<text x="{left + 16}" y="15" font-size="13" fill="{TEXT}">{escape(series[0])}</text>'
        f'<rect x="{left + 120}" y="4" width="12" height="12" fill="{ORANGE}"></rect>'
        f'<text x="{left + 136}" y="15" font-size="13" fill="{TEXT}">{escape(series[1])}</text>',
    ]
    for i, (label, first, second) in enumerate(months):
        x = left + i * slot + 2
        for j, (value, colour) in enumerate(((first, BLUE), (second, ORANGE))):
            h = round(plot_h * value / biggest)
            bx = x + j * (bar_w + 1)
            body.append(
                f'<rect x="{bx:.1f}" y="{height - bottom - h}" width="{bar_w:.1f}" '
                f'height="{h}" fill="{colour}"></rect>'
            )
        body.append(
            f'<text x="{x + slot / 2 - 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="12" fill="{TEXT}">{escape(label[:3])}</text>'
        )
    desc = "; ".join(
        f"{label}: {series[0].lower()} {first}, {series[1].lower()} {second}"
        for label, first, second in months
    )
    return _svg(chart_id, title, desc or "No data", width, height, body)
