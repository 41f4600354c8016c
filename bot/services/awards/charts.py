"""Charts as PNG images, drawn with matplotlib.

matplotlib is imported only when a chart is drawn: it would add half a second and tens of
megabytes to every start of the bot. DejaVu Sans ships with matplotlib and has the Vietnamese
glyphs, so labels render with their diacritics on any server.
"""

from __future__ import annotations

import io

from bot.i18n import N_, Translator
from bot.services.awards.quotas import QuotaLine

WIDTH_INCHES = 8
DPI = 100
ROW_INCHES = 0.45
MARGIN_INCHES = 1.4
LABEL_WIDTH = 34


def chart_size(lines: list[QuotaLine]) -> tuple[int, int]:
    """The image's size in pixels, for a chart of ``lines``."""
    numbered = [line for line in lines if line.target]
    return WIDTH_INCHES * DPI, round((MARGIN_INCHES + ROW_INCHES * len(numbered)) * DPI)


def progress_chart(lines: list[QuotaLine], t: Translator) -> bytes:
    """Verified awards against each numbered target, as horizontal bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    numbered = [line for line in lines if line.target]
    width, height = chart_size(lines)
    figure, axes = pyplot.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    try:
        _draw(axes, numbered, t)
        figure.subplots_adjust(
            left=0.42, right=0.97, top=1 - 0.6 / (height / DPI), bottom=0.5 / (height / DPI)
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    finally:
        pyplot.close(figure)
    return buffer.getvalue()


def _draw(axes, numbered: list[QuotaLine], t: Translator) -> None:
    """Each target as 100%: targets of 3 flags and of 150 certificates read on one scale."""
    positions = list(range(len(numbered)))
    names = [_short(line.name if t.locale == "vi" else line.name_en) for line in numbered]
    achieved = [min(line.percent, 100) for line in numbered]
    axes.barh(positions, [100] * len(numbered), color="#d9e2f3", label=t(N_("Target")))
    axes.barh(positions, achieved, color="#2f5597", label=t(N_("Verified")))
    for position, line in zip(positions, numbered, strict=True):
        axes.text(101, position, f"{line.verified}/{line.target}", va="center", fontsize=8)
    axes.set_yticks(positions, names, fontsize=8, fontfamily="DejaVu Sans")
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.invert_yaxis()
    title = t(N_("Targets 2016–2020: verified awards"))
    axes.set_title(title, fontsize=10, fontfamily="DejaVu Sans")
    # Below the axis, where it cannot cover a bar.
    axes.legend(loc="upper center", bbox_to_anchor=(0.45, -0.12), ncol=2, fontsize=8, frameon=False)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_WIDTH else name[: LABEL_WIDTH - 1] + "…"
