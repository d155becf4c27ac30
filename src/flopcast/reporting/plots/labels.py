"""Label placement: point labels that avoid each other and the markers, and labels at the
right-hand end of lines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox


@dataclass
class _Label:
    x: float
    y: float
    text: str
    must: bool = False
    leader: bool = False  # may sit further out, with a leader line
    color: str = "#222222"
    weight: str = "normal"
    size: float = 7.5


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _point_boxes(ax: Axes, xs: Sequence[float], ys: Sequence[float], radius: float) -> list[Bbox]:
    """Display-space boxes around markers (``radius`` in points), as label obstacles."""
    from matplotlib.transforms import Bbox

    if not xs:
        return []
    r = radius * ax.figure.dpi / 72.0
    pts = ax.transData.transform(list(zip(xs, ys, strict=True)))
    return [Bbox([[x - r, y - r], [x + r, y + r]]) for x, y in pts]


#: Where a label may sit around its point: (dx, dy) in points and the text's alignment, the
#: nearest first; the further rings draw a leader line back to the point.
_NEAR = [
    (5, 2, "left", "bottom"),
    (5, -2, "left", "top"),
    (-5, 2, "right", "bottom"),
    (-5, -2, "right", "top"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
]


def _ring(radius: float, steps: int = 16) -> list[tuple[float, float, str, str]]:
    """Positions on a circle around the point, the text aligned away from it."""
    out = []
    for i in range(steps):
        a = 2 * math.pi * i / steps
        dx, dy = radius * math.cos(a), radius * math.sin(a)
        ha = "left" if dx > 1e-9 else "right" if dx < -1e-9 else "center"
        va = "bottom" if dy > 1e-9 else "top" if dy < -1e-9 else "center"
        out.append((round(dx, 2), round(dy, 2), ha, va))
    return out


_FAR = [c for r in (16, 26, 40, 60) for c in _ring(r)]
_SHIFT = {"left": 0.0, "center": -0.5, "right": -1.0, "bottom": 0.0, "top": -1.0}


def _text_size(ax: Axes, lab: _Label) -> tuple[float, float]:
    """The label's width and height in display pixels, as matplotlib lays it out (measured once
    on a text that is then removed)."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    probe = ax.text(0, 0, lab.text, fontsize=lab.size, fontweight=lab.weight)
    box = probe.get_window_extent(renderer)
    probe.remove()
    return float(box.width), float(box.height)


def _place_labels(ax: Axes, labels: Sequence[_Label], obstacles: list[Bbox]) -> int:
    """Label points without overlaps. First every label, in the given order, tries the
    positions next to its point; then the labels still unplaced that may have a leader line
    (``must`` or ``leader``) try positions further out, on rings around the point. A position
    is taken when it is inside the axes, clear of the obstacles and of the labels placed
    before, and neither its leader line crosses a label nor a leader line crosses it. A
    ``must`` label left over takes its least-overlapping position. Returns how many labels were
    placed.

    The candidate boxes come from the text's measured size (nothing is drawn per try) and are
    checked against every box taken so far at once."""
    state = _Taken(ax, obstacles)
    for lab in labels:
        state.place(lab, _NEAR + _FAR if lab.must or lab.leader else _NEAR, force=lab.must)
    return state.placed


class _Taken:
    """What the labels placed so far occupy, in display pixels."""

    def __init__(self, ax: Axes, obstacles: list[Bbox]) -> None:
        import numpy as np

        self.ax = ax
        renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        self.axbox = ax.get_window_extent(renderer)
        self.px = ax.figure.dpi / 72.0
        rows = [[b.x0, b.y0, b.x1, b.y1] for b in obstacles]
        self.boxes = np.array(rows, dtype=float).reshape(-1, 4)  # obstacles and labels
        self.labels = np.empty((0, 4))
        self.leaders = np.empty((0, 4))
        self.placed = 0

    def place(
        self, lab: _Label, candidates: Sequence[tuple[float, float, str, str]], *, force: bool
    ) -> bool:
        import numpy as np

        pad, px, axbox = 1.5, self.px, self.axbox
        w, h = _text_size(self.ax, lab)
        x, y = self.ax.transData.transform((lab.x, lab.y))
        boxes = np.array(
            [
                (
                    x + dx * px + _SHIFT[ha] * w - pad,
                    y + dy * px + _SHIFT[va] * h - pad,
                    x + dx * px + (_SHIFT[ha] + 1) * w + pad,
                    y + dy * px + (_SHIFT[va] + 1) * h + pad,
                )
                for dx, dy, ha, va in candidates
            ]
        )
        inside = (
            (boxes[:, 0] >= axbox.x0)
            & (boxes[:, 2] <= axbox.x1)
            & (boxes[:, 1] >= axbox.y0)
            & (boxes[:, 3] <= axbox.y1)
        )
        t = self.boxes
        ow = np.minimum(boxes[:, None, 2], t[None, :, 2]) - np.maximum(
            boxes[:, None, 0], t[None, :, 0]
        )
        oh = np.minimum(boxes[:, None, 3], t[None, :, 3]) - np.maximum(
            boxes[:, None, 1], t[None, :, 1]
        )
        overlap = (np.clip(ow, 0, None) * np.clip(oh, 0, None)).sum(axis=1)
        far = np.arange(len(candidates)) >= len(_NEAR)
        # a leader line must not cross a label, and a label must not sit on a leader line
        ends = np.column_stack(
            [np.clip(x, boxes[:, 0], boxes[:, 2]), np.clip(y, boxes[:, 1], boxes[:, 3])]
        )
        crossing = far & _crosses(np.array([x, y]), ends, self.labels)
        crossing |= _boxes_cut(boxes, self.leaders)
        free = inside & (overlap == 0)
        clear = np.flatnonzero(free & ~crossing)
        if not len(clear):  # a leader may pass under a label (drawn beneath every label)
            clear = np.flatnonzero(free & ~_boxes_cut(boxes, self.leaders))
        if len(clear):
            i = int(clear[0])
        elif force:  # inside the axes first, then the least overlap
            i = int(np.lexsort((overlap, ~inside))[0])
        else:
            return False
        dx, dy, ha, va = candidates[i]
        self.ax.annotate(
            lab.text,
            (lab.x, lab.y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=lab.size,
            color=lab.color,
            fontweight=lab.weight,
            zorder=6,
            bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        if far[i]:  # the leader line, beneath every label, stopping 3 points short of the dot
            start, end = np.array([x, y]), ends[i]
            gap = 3 * px / max(float(np.hypot(*(end - start))), 1e-9)
            line = self.ax.transData.inverted().transform([start + (end - start) * gap, end])
            self.ax.plot(line[:, 0], line[:, 1], color=lab.color, lw=0.6, zorder=5.5)
        self.boxes = np.vstack([self.boxes, boxes[i]])
        self.labels = np.vstack([self.labels, boxes[i]])
        if far[i]:
            self.leaders = np.vstack([self.leaders, [x, y, *ends[i]]])
        self.placed += 1
        return True


def _hits(start: Any, ends: Any, boxes: Any) -> Any:
    """Which segments from ``start`` to each row of ``ends`` pass through which of ``boxes``
    (rows x0, y0, x1, y1): a (segments, boxes) array, by Liang-Barsky clipping."""
    import numpy as np

    d = ends - start
    lo = np.zeros((len(ends), len(boxes)))
    hi = np.ones((len(ends), len(boxes)))
    ok = np.ones((len(ends), len(boxes)), dtype=bool)
    for axis in (0, 1):
        delta = d[:, axis][:, None]
        for bound, sign in ((boxes[:, axis], -1.0), (boxes[:, axis + 2], 1.0)):
            p = sign * delta + np.zeros((1, len(boxes)))  # inside where p·t <= q
            q = sign * (bound[None, :] - start[axis]) + np.zeros((len(ends), 1))
            parallel = np.abs(p) < 1e-12
            ok &= ~(parallel & (q < 0))
            t = q / np.where(parallel, 1.0, p)
            lo = np.where(~parallel & (p < 0), np.maximum(lo, t), lo)
            hi = np.where(~parallel & (p > 0), np.minimum(hi, t), hi)
    return ok & (lo < hi)


def _crosses(start: Any, ends: Any, boxes: Any) -> Any:
    """For each segment from ``start`` to a row of ``ends``: does it cross any of ``boxes``?"""
    import numpy as np

    if not len(boxes):
        return np.zeros(len(ends), dtype=bool)
    return _hits(start, ends, boxes).any(axis=1)


def _boxes_cut(boxes: Any, segments: Any) -> Any:
    """For each of ``boxes``: does any of ``segments`` (rows x0, y0, x1, y1) cross it?"""
    import numpy as np

    out = np.zeros(len(boxes), dtype=bool)
    for x0, y0, x1, y1 in segments:
        out |= _hits(np.array([x0, y0]), np.array([[x1, y1]]), boxes)[0]
    return out


def _end_labels(
    ax: Axes,
    fig: Figure,
    items: Sequence[tuple[float, str, str]],
    x: float,
    *,
    bold: bool = True,
    gap: float = 0.09,
    size: float = 7.5,
) -> None:
    """Labels just right of the axes at each line's value at ``x``, nudged apart vertically
    (``gap`` in axes fraction) and kept inside the axes' height."""
    trans = ax.transData
    inv = ax.transAxes.inverted()
    ys = [float(inv.transform(trans.transform((x, y)))[1]) for y, _, _ in items]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    tallest = 0.0
    for _, text, _ in items:  # at least the tallest label's height apart
        probe = ax.text(0, 0, text, fontsize=size, fontweight="bold" if bold else "normal")
        tallest = max(tallest, probe.get_window_extent(renderer).height)
        probe.remove()
    gap = max(gap, tallest / ax.get_window_extent(renderer).height + 0.005)
    order = sorted(range(len(items)), key=lambda i: ys[i])
    placed: list[float] = []
    for i in order:
        placed.append(ys[i] if not placed else max(ys[i], placed[-1] + gap))
    overflow = placed[-1] - 1.0 if placed else 0.0
    if overflow > 0:  # push down from the top, keeping the gaps
        for j in range(len(placed) - 1, -1, -1):
            ceiling = 1.0 if j == len(placed) - 1 else placed[j + 1] - gap
            placed[j] = min(placed[j], ceiling)
    for i, y in zip(order, placed, strict=True):
        ax.text(
            1.01,
            y,
            items[i][1],
            transform=ax.transAxes,
            color=items[i][2],
            fontsize=size,
            va="center",
            ha="left",
            fontweight="bold" if bold else "normal",
            clip_on=False,
        )
