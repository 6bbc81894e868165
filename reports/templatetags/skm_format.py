"""Numbers as the report prints them: rounded half-up, then in the active locale (90,69; 14.249)."""

from decimal import Decimal
from fractions import Fraction

from django import template
from django.utils.formats import number_format

from reports.skm import round_half_up

register = template.Library()


@register.filter
def angka(value: Fraction | float | int | None, places: int = 2) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        value = Fraction(value)
    return number_format(
        round_half_up(value, int(places)), decimal_pos=int(places), use_l10n=True, force_grouping=True
    )


@register.filter
def bar_percent(value: Fraction | Decimal | float | int | None, total: Fraction | Decimal | float | int = 100) -> str:
    """`value` as a whole percent of `total`, clipped to 0..100: a progress bar's data-pct (interval.css
    styles each value), since the Content-Security-Policy allows no style="width: ...". 0 without a total."""
    if value is None or value == "" or not total:
        return "0"
    share = Fraction(str(value)) / Fraction(str(total)) * 100
    return str(min(max(round_half_up(share, 0), 0), 100))


@register.inclusion_tag("reports/partials/interval_bar.html")
def interval_bar(
    ikm: Fraction | None, bounds: tuple[float, float] | None, respondents: int = 0, combined: bool = False
) -> dict:
    """The IKM's 95 % interval as a bar on the IKM scale (zoomed to 60..100 when it fits there).
    `combined`: a mean over units (city, rollup), which has no interval while a unit has fewer than two respondents."""
    if ikm is None or bounds is None:
        return {"bar": None, "respondents": respondents, "combined": combined}
    low, high = bounds
    scale_min = 60 if low >= 60 else 25

    def position(value: float) -> float:
        return (value - scale_min) / (100 - scale_min) * 100

    return {
        "bar": {
            "low": low,
            "high": high,
            "scale_min": scale_min,
            "left": position(low),
            "width": max(position(high) - position(low), 0.5),
            "mark": position(float(ikm)),
        },
        "respondents": respondents,
        "combined": combined,
    }
