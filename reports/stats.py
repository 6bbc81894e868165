"""How far an IKM can be trusted: the 95 % confidence interval of a unit's and the city's IKM.

Pure functions, no Django. Each complete response has its own score (sum of its nine answers
/ 9 x 25) and a unit's IKM is the mean of those scores, so its interval is the Student t
interval of a mean, with the finite-population correction when the population is known.
The t quantile is computed here (regularized incomplete beta, then bisection) so the portal
needs no scientific library; the tests compare it with scipy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from statistics import NormalDist

from reports import skm

CONFIDENCE = 0.95
_SCORE_PER_ANSWER_TOTAL = Fraction(skm.SCALE, skm.UNSUR_COUNT)  # a response's score is its answer total x 25/9
SCALE_MIN, SCALE_MAX = 25.0, 100.0


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with the variance of that mean (already corrected for a finite population)."""

    value: float
    variance: float
    degrees_of_freedom: float  # inf when the variance is exactly known (a census)


def unit_estimate(
    *, answer_total: int, square_total: int, respondents: int, population: int | None
) -> MeanEstimate | None:
    """The IKM of a unit as a mean of response scores, from the totals the database sums.

    `answer_total` is the sum over responses of their nine answers, `square_total` the sum of
    the squares of those per-response sums. None for fewer than two respondents, unless they
    are the whole population (then the IKM is exact). A population smaller than the number of
    respondents is not believed (the over-population flag says so): no correction then.
    """
    n = respondents
    if population is not None and population < n:
        population = None
    census = population is not None and n == population
    if n < 1 or (n < 2 and not census):
        return None
    # Exact ratios of integers, each divided once: int / int is correctly rounded, so these are the
    # floats of the exact Fractions, without building them (a city has thousands of units).
    score_top, score_bottom = _SCORE_PER_ANSWER_TOTAL.numerator, _SCORE_PER_ANSWER_TOTAL.denominator
    mean = answer_total * score_top / (n * score_bottom)
    if census:
        return MeanEstimate(mean, 0.0, math.inf)
    # Sample variance of the answer totals, (n x squares - total^2) / (n (n - 1)), on the score
    # scale, over n: the variance of the mean.
    top = (n * square_total - answer_total * answer_total) * score_top**2
    bottom = n * (n - 1) * score_bottom**2 * n
    if population is not None:
        # Sampling without replacement: Var(mean) = (1 - n/N) s^2 / n with s^2 the sample variance.
        top, bottom = top * (population - n), bottom * population
    return MeanEstimate(mean, top / bottom, n - 1)


def city_estimate(units: Iterable[MeanEstimate | None]) -> MeanEstimate | None:
    """The city IKM is the unweighted mean of k unit IKMs, so its variance is the sum of theirs
    over k squared; degrees of freedom by Welch-Satterthwaite. None when any unit has none."""
    items = list(units)
    if not items or any(item is None for item in items):
        return None
    k = len(items)
    total_variance = sum(item.variance for item in items)
    denominator = sum(item.variance**2 / item.degrees_of_freedom for item in items if item.variance > 0)
    dof = total_variance**2 / denominator if denominator > 0 else math.inf
    return MeanEstimate(sum(item.value for item in items) / k, total_variance / k**2, dof)


def interval(estimate: MeanEstimate | None) -> tuple[float, float] | None:
    """The 95 % interval, clipped to the IKM scale (25..100), which no index can leave."""
    if estimate is None:
        return None
    half = t_quantile(0.5 + CONFIDENCE / 2, estimate.degrees_of_freedom) * math.sqrt(estimate.variance)
    return max(SCALE_MIN, estimate.value - half), min(SCALE_MAX, estimate.value + half)


@lru_cache(maxsize=4096)
def t_quantile(p: float, degrees_of_freedom: float) -> float:
    """The p quantile (p > 0.5) of Student's t distribution; the normal one for infinite df."""
    if not 0.5 < p < 1:
        raise ValueError("only upper quantiles (0.5 < p < 1) are needed here")
    normal = NormalDist().inv_cdf(p)
    if math.isinf(degrees_of_freedom):
        return normal
    # Newton's method from the normal quantile, which lies below the t one. The t cdf is concave
    # for t > 0, so every step stays below the root and nears it, quadratically at the end: a few
    # evaluations of the cdf where a bisection takes about forty, for each of the hundreds of
    # distinct respondent counts of a province (a report command starts with an empty cache).
    dof = degrees_of_freedom
    log_scale = math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) - 0.5 * math.log(dof * math.pi)
    t = normal
    for _ in range(200):
        density = math.exp(log_scale - (dof + 1) / 2 * math.log1p(t * t / dof))
        step = (p - _t_cdf(t, dof)) / density
        t += step
        if abs(step) <= 1e-13 * t:
            break
    return t


def _t_cdf(t: float, dof: float) -> float:
    """P(T <= t) for t >= 0."""
    return 1 - 0.5 * _regularized_beta(dof / (dof + t * t), dof / 2, 0.5)


def _regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) by its continued fraction (modified Lentz), using the symmetry for convergence."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return result
