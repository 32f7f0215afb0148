"""Charts drawn on the server as SVG: line charts, bar charts and sparklines.

The console loads no script, so charts are plain inline SVG built here: axes with
rounded ticks, a legend, and a ``<title>`` on each point or bar that browsers show as a
tooltip. Colours are presentation attributes (the console's CSP allows no inline styles).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed")
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 28, 34
_MAX_X_LABELS = 8


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and a value per label (None: no value)."""

    name: str
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^n that is at least ``value`` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 5, 10) if step * power >= value))


def y_scale(largest: float, percent: bool = False) -> tuple[float, float]:
    """The top of the y axis and the step between its ticks (two to five steps).

    Counts get whole-number steps of 1, 2 or 5 × 10^n; shares get 0-100 % by 25 %.
    """
    if percent:
        return 1.0, 0.25
    if largest <= 0:
        return 4.0, 1.0
    step = max(1.0, nice_ceiling(largest / 4))
    return step * math.ceil(largest / step), step


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _frame(width: int, height: int, label: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]


def _axes(
    parts: list[str],
    size: tuple[int, int],
    scale: tuple[float, float],
    labels: Sequence[str],
    percent: bool,
) -> None:
    """Horizontal grid lines with y ticks, and at most eight x labels."""
    width, height = size
    top, step = scale
    plot_h = height - _TOP - _BOTTOM
    for i in range(round(top / step) + 1):
        value = step * i
        y = height - _BOTTOM - plot_h * value / top
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{width - _RIGHT}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#6b7280">{_number(value, percent)}</text>'
        )
    if not labels:
        return
    step = max(1, math.ceil(len(labels) / _MAX_X_LABELS))
    for i in range(0, len(labels), step):
        x = _x(i, len(labels), width)
        parts.append(
            f'<text x="{x:.1f}" y="{height - _BOTTOM + 16}" text-anchor="middle" '
            f'font-size="12" fill="#6b7280">{escape(labels[i])}</text>'
        )


def _x(index: int, count: int, width: int) -> float:
    plot_w = width - _LEFT - _RIGHT
    if count <= 1:
        return _LEFT + plot_w / 2
    return _LEFT + plot_w * index / (count - 1)


def _legend(parts: list[str], names: Sequence[str]) -> None:
    x = _LEFT
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{x + 17}" y="18" font-size="12" fill="#374151">{escape(name)}</text>'
        )
        x += 30 + 13 * len(name) if any(ord(c) > 0x2E80 for c in name) else 30 + 7 * len(name)


def line_chart(
    series: Sequence[Series],
    labels: Sequence[str],
    label: str,
    *,
    percent: bool = False,
    width: int = 1100,
    height: int = 220,
) -> Markup:
    """A line chart of ``series`` over ``labels`` (dates), with a legend and tooltips.

    Args:
        series: The lines; each has one value (or None) per label.
        labels: The x axis, e.g. ISO dates.
        label: What the chart shows (its accessible name).
        percent: Values are shares 0-1, shown as percentages on a 0-100 % axis.
        width: The drawing's width in SVG units (it scales to its box).
        height: The drawing's height in SVG units.
    """
    values = [v for s in series for v in s.values if v is not None]
    top, step = y_scale(max(values, default=0.0), percent)
    plot_h = height - _TOP - _BOTTOM
    parts = _frame(width, height, label)
    _axes(parts, (width, height), (top, step), labels, percent)
    for number, line in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (_x(i, len(labels), width), height - _BOTTOM - plot_h * v / top, i, v)
            for i, v in enumerate(line.values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                'stroke-linejoin="round"/>'
            )
        for x, y, i, v in points:
            tip = f"{labels[i]} · {line.name}: {_number(v, percent)}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    _legend(parts, [s.name for s in series])
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def bar_chart(
    values: Sequence[float],
    labels: Sequence[str],
    label: str,
    *,
    width: int = 1100,
    height: int = 220,
) -> Markup:
    """A bar chart, one bar per label, with the value as each bar's tooltip."""
    top, step = y_scale(max(values, default=0.0))
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    parts = _frame(width, height, label)
    _axes(parts, (width, height), (top, step), [], False)
    slot = plot_w / max(1, len(values))
    step = max(1, math.ceil(len(labels) / _MAX_X_LABELS))
    for i, value in enumerate(values):
        bar_h = plot_h * value / top
        x = _LEFT + slot * i + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{height - _BOTTOM - bar_h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}">'
            f"<title>{escape(labels[i])}: {_number(value, False)}</title></rect>"
        )
        if i % step == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{height - _BOTTOM + 16}" '
                f'text-anchor="middle" font-size="12" fill="#6b7280">{escape(labels[i])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def sparkline(values: Sequence[float], label: str, *, width: int = 140, height: int = 28) -> Markup:
    """A small line without axes, for a table cell."""
    top = max(values, default=0.0) or 1.0
    count = len(values)
    points = " ".join(
        f"{(width - 4) * i / max(1, count - 1) + 2:.1f},{height - 3 - (height - 6) * v / top:.1f}"
        for i, v in enumerate(values)
    )
    return Markup(  # noqa: S704 - the only text is escaped
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>"
        f'<polyline points="{points}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>'
        "</svg>"
    )


def level_sparkline(
    values: Sequence[float], label: str, *, width: int = 120, height: int = 30
) -> Markup:
    """Weekly levels on the fixed 1-5 scale (a faint line at 3), the latest as a dot."""

    def point(i: int, v: float) -> tuple[float, float]:
        x = (width - 8) * i / max(1, len(values) - 1) + 4
        return x, height - 4 - (height - 8) * (min(5.0, max(1.0, v)) - 1) / 4

    points = [point(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    mid = point(0, 3.0)[1]
    parts = [
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line x1="4" y1="{mid:.1f}" x2="{width - 4}" y2="{mid:.1f}" stroke="#e5e7eb" '
        'stroke-width="1"/>',
    ]
    if len(points) > 1:
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>'
        )
    if points:
        x, y = points[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{PALETTE[0]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - the only text is escaped
