"""Charts for the PDF reports: matplotlib figures rendered to SVG strings on the server.

WeasyPrint runs no JavaScript, so the PDFs cannot use the portal's Chart.js; these charts
are drawn here instead. Everything is deterministic (same data, same bytes): no pyplot and
no display (a bare ``Figure`` printed by the SVG backend), a fixed ``svg.hashsalt`` for the
element ids and no date in the metadata.

Fonts: the charts use the portal's own Noto Sans (``static/vendor/fonts``, the font of the
PDFs): matplotlib measures the text with it (the woff2 files are converted once to TrueType
in a cache folder, as matplotlib reads no woff2) and the SVG keeps the text as text
(``svg.fonttype = none``), which WeasyPrint sets with the document's @font-face Noto Sans.
Text as paths would look the same but makes WeasyPrint ~7x slower per chart. Should the
conversion fail, the charts fall back to the DejaVu Sans shipped with matplotlib.

Numbers are printed the Indonesian way (90,69; 14.249) whatever the active language.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from reports.skm import angka

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Number = Fraction | Decimal | float | int
logger = logging.getLogger(__name__)

FONT_SOURCE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
FONT_FILES = ("noto-sans-latin-400-normal.woff2", "noto-sans-latin-700-normal.woff2")
FALLBACK_FONT = "DejaVu Sans"


@cache
def _matplotlib() -> SimpleNamespace:
    """matplotlib, loaded on the first chart: it takes seconds, and most processes never draw one."""
    import matplotlib

    matplotlib.use("Agg")  # never a display, also if pyplot gets imported elsewhere
    from matplotlib import font_manager, rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    mpl = SimpleNamespace(
        font_manager=font_manager,
        rc_context=rc_context,
        FigureCanvasSVG=FigureCanvasSVG,
        Figure=Figure,
        FuncFormatter=FuncFormatter,
    )
    mpl.rc = {**RC, "font.family": _register_noto_sans(font_manager)}
    return mpl


def _register_noto_sans(font_manager) -> str:
    """Make the portal's Noto Sans known to matplotlib; the family name to use."""
    try:
        from fontTools.ttLib import TTFont

        cache = Path(tempfile.gettempdir()) / "skm-portal-fonts"
        cache.mkdir(exist_ok=True)
        for name in FONT_FILES:
            source = FONT_SOURCE / name
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
            target = cache / f"{source.stem}-{digest}.ttf"
            if not target.exists():
                font = TTFont(source)
                font.flavor = None
                partial = cache / f"{target.name}.{os.getpid()}.tmp"
                font.save(partial)
                os.replace(partial, target)  # atomic: concurrent workers never read half a file
            font_manager.fontManager.addfont(str(target))
        font_manager.findfont("Noto Sans", fallback_to_default=False)
        return "Noto Sans"
    except Exception:  # a chart in DejaVu Sans is better than no report
        logger.warning("Noto Sans unavailable for charts; using %s", FALLBACK_FONT, exc_info=True)
        return FALLBACK_FONT


# A sober palette that prints well in colour and in grey.
PRIMARY = "#1f4e79"
ACCENT = "#c55a11"
GRID = "#d0d7de"
TEXT = "#222222"
MUTED = "#6b7280"

RC = {
    "svg.hashsalt": "skm-portal-report",
    "svg.fonttype": "none",
    "font.size": 8,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": TEXT,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "path.simplify": True,
}


def _svg(figure: Figure) -> str:
    _matplotlib().FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=False)
    return buffer.getvalue()


def _style_axes(ax, *, grid_axis: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def bar_chart_svg(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    title: str | None = None,
    ylabel: str | None = None,
    ylim: tuple[float, float] = (0, 100),
    places: int = 2,
    reference: Number | None = None,
    reference_label: str | None = None,
    width: float = 7.0,
    height: float = 3.0,
) -> str:
    """Vertical bars with their value on top, e.g. the nine unsur values of a unit.

    ``reference`` draws a dashed horizontal line (e.g. the unit's IKM) labelled ``reference_label``.
    Missing values (None) leave an empty slot.
    """
    numbers = [float(v) if v is not None else 0.0 for v in values]
    mpl = _matplotlib()
    with mpl.rc_context(mpl.rc):
        figure = mpl.Figure(figsize=(width, height), dpi=100)
        ax = figure.add_subplot()
        positions = range(len(labels))
        bars = ax.bar(positions, numbers, color=PRIMARY, width=0.62, zorder=2)
        if reference is not None:
            # Behind the bars and their labels: visible between the bars, never through a number.
            line = ax.axhline(float(reference), color=ACCENT, linewidth=1.1, linestyle="--", zorder=1)
            if reference_label:
                ax.legend(
                    [line],
                    [reference_label],
                    loc="lower right",
                    bbox_to_anchor=(1.0, 1.0),
                    frameon=False,
                    fontsize=7,
                    borderaxespad=0.2,
                    handlelength=2.5,
                )
        for bar, value in zip(bars, values, strict=True):
            if value is None:
                continue
            ax.annotate(
                angka(value, places),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                color=TEXT,
                zorder=4,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
        ax.set_xticks(list(positions), list(labels))
        low, high = ylim
        ax.set_ylim(low, high + (high - low) * 0.08)  # room for the labels of the highest bars
        ax.set_yticks(list(range(int(low), int(high) + 1, 20 if high - low >= 60 else 10)))
        ax.yaxis.set_major_formatter(mpl.FuncFormatter(lambda y, _pos: angka(y, 0)))
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title, loc="left")
        _style_axes(ax)
        figure.tight_layout(pad=0.4)
        return _svg(figure)


def line_chart_svg(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str | None = None,
    ylabel: str | None = None,
    places: int = 2,
    ylim: tuple[float, float] | None = None,
    width: float = 7.0,
    height: float = 3.0,
) -> str:
    """A trend: points joined by a line, each labelled with its value (e.g. the city IKM per period)."""
    numbers = [float(v) for v in values]
    if ylim is None:
        if numbers:
            low, high = min(numbers), max(numbers)
            span = max(high - low, 4.0)
            ylim = (max(0.0, low - span * 0.6), min(100.0, high + span * 0.6))
        else:
            ylim = (0, 100)
    mpl = _matplotlib()
    with mpl.rc_context(mpl.rc):
        figure = mpl.Figure(figsize=(width, height), dpi=100)
        ax = figure.add_subplot()
        positions = list(range(len(labels)))
        ax.plot(positions, numbers, color=PRIMARY, linewidth=1.6, marker="o", markersize=5, zorder=3)
        for x, value in zip(positions, values, strict=True):
            ax.annotate(
                angka(value, places),
                (x, float(value)),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=TEXT,
            )
        ax.set_xticks(positions, list(labels))
        if len(positions) == 1:
            ax.set_xlim(-1, 1)
        else:
            ax.set_xlim(-0.5, len(positions) - 0.5)
        ax.set_ylim(*ylim)
        ax.yaxis.set_major_formatter(mpl.FuncFormatter(lambda y, _pos: angka(y, 0)))
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        _style_axes(ax)
        figure.tight_layout(pad=0.4)
        return _svg(figure)


def distribution_chart_svg(
    labels: Sequence[str],
    counts: Sequence[int],
    percents: Sequence[Number],
    *,
    title: str | None = None,
    width: float = 3.4,
    height: float | None = None,
) -> str:
    """Horizontal bars of a respondent distribution (age, sex, education, occupation),
    each labelled "count (percent %)"; the first category on top, as in the table beside it."""
    rows = len(labels)
    height = height or max(1.2, 0.3 * rows + 0.55)
    numbers = [float(p) for p in percents]
    mpl = _matplotlib()
    with mpl.rc_context(mpl.rc):
        figure = mpl.Figure(figsize=(width, height), dpi=100)
        ax = figure.add_subplot()
        positions = list(range(rows))
        bars = ax.barh(positions, numbers, color=PRIMARY, height=0.6, zorder=2)
        for bar, count, percent in zip(bars, counts, percents, strict=True):
            ax.annotate(
                f"{angka(count, 0)} ({angka(percent, 1)}%)",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=6.5,
                color=TEXT,
            )
        ax.set_yticks(positions, list(labels), fontsize=6.5)
        ax.invert_yaxis()
        ax.set_xlim(0, max(numbers + [1.0]) * 1.45)
        ax.xaxis.set_major_formatter(mpl.FuncFormatter(lambda x, _pos: f"{angka(x, 0)}%"))
        ax.tick_params(axis="x", labelsize=6.5)
        if title:
            ax.set_title(title, fontsize=8)
        _style_axes(ax, grid_axis="x")
        figure.tight_layout(pad=0.3)
        return _svg(figure)
