"""Label placement: point labels that avoid each other and the markers, and labels at the
right-hand end of lines."""

from __future__ import annotations

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
_FAR = [(dx * 3, dy * 3 if dy else 0, ha, va) for dx, dy, ha, va in _NEAR]


def _place_labels(ax: Axes, labels: Sequence[_Label], obstacles: list[Bbox]) -> int:
    """Label points without overlaps: try positions around each point, keep the first clear
    one inside the axes; a ``must`` label takes the least-overlapping position (with a leader
    line when it sits further out). Returns how many labels were placed."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axbox = ax.get_window_extent(renderer)
    taken = list(obstacles)
    placed = 0
    for lab in labels:
        best: tuple[tuple[int, float], Any, Bbox] | None = None
        candidates = _NEAR + (_FAR if lab.must or lab.leader else [])
        for i, (dx, dy, ha, va) in enumerate(candidates):
            far = i >= len(_NEAR)
            text = ax.annotate(
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
                arrowprops=(
                    {"arrowstyle": "-", "color": lab.color, "lw": 0.6, "shrinkA": 0, "shrinkB": 3}
                    if far
                    else None
                ),
            )
            box = text.get_window_extent(renderer).padded(1.5)
            inside = (
                box.x0 >= axbox.x0
                and box.x1 <= axbox.x1
                and box.y0 >= axbox.y0
                and box.y1 <= axbox.y1
            )
            overlap = sum(_overlap(box, o) for o in taken)
            score = (0 if inside else 1, overlap)
            if inside and overlap == 0:
                if best is not None:
                    best[1].remove()
                best = (score, text, box)
                break
            if lab.must and (best is None or score < best[0]):
                if best is not None:
                    best[1].remove()
                best = (score, text, box)
            else:
                text.remove()
        if best is not None:
            taken.append(best[2])
            placed += 1
    return placed


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
