"""Geometry of the small inline SVG charts.

The functions return plain numbers and labels; the templates draw them
(``gaireports_macros.html``), so every label is escaped by Jinja.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (1 for empty data)."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for m in (1, 2, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    order: Sequence[str],
    width: int = 560,
    label_width: int = 110,
    bar_height: int = 16,
    gap: int = 6,
) -> dict[str, Any]:
    """Horizontal bars, one per row, split into segments in ``order``.

    ``rows`` is a list of (label, {segment key: count}).
    """
    plot = width - label_width - 50
    top = max((sum(c.get(k, 0) for k in order) for _, c in rows), default=0)
    scale = plot / top if top else 0
    bars = []
    for i, (label, counts) in enumerate(rows):
        y = i * (bar_height + gap)
        x = float(label_width)
        segments = []
        for key in order:
            n = counts.get(key, 0)
            if not n:
                continue
            w = n * scale
            segments.append({"key": key, "count": n, "x": round(x, 2), "w": round(max(w, 1), 2)})
            x += w
        total = sum(counts.get(k, 0) for k in order)
        bars.append({"label": label, "y": y, "total": total, "end": round(x, 2), "segments": segments})
    height = max(len(rows) * (bar_height + gap) - gap, bar_height)
    return {"width": width, "height": height, "bar_height": bar_height, "label_width": label_width, "bars": bars}


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, str]],
    values: dict[tuple[str, str], float | None],
    width: int = 560,
    height: int = 200,
) -> dict[str, Any]:
    """Vertical bars: for each category (a year) one bar per series.

    ``values`` maps (category, series key) to a figure; missing or ``None``
    figures draw no bar (and are listed as blank in the chart's title).
    """
    left, bottom, top_pad = 48, 22, 8
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    known = [v for v in values.values() if v is not None]
    top = _nice_max(max(known, default=0))
    slot = plot_w / max(len(categories), 1)
    bar_w = max(min((slot - 8) / max(len(series), 1), 28), 2)
    bars, labels = [], []
    for i, cat in enumerate(categories):
        x0 = left + i * slot + (slot - bar_w * len(series)) / 2
        labels.append({"label": cat, "x": round(left + i * slot + slot / 2, 2)})
        for j, (key, name) in enumerate(series):
            v = values.get((cat, key))
            if v is None:
                continue
            h = max(plot_h * v / top, 1.0)
            bars.append(
                {
                    "category": cat,
                    "key": key,
                    "name": name,
                    "value": v,
                    "x": round(x0 + j * bar_w, 2),
                    "y": round(top_pad + plot_h - h, 2),
                    "w": round(bar_w - 1, 2),
                    "h": round(h, 2),
                }
            )
    ticks = [{"value": top * f, "y": round(top_pad + plot_h * (1 - f), 2)} for f in (0, 0.5, 1)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "baseline": top_pad + plot_h,
        "right": width - 8,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "series": [{"key": k, "name": n} for k, n in series],
    }
