"""What every benchmark reports: percentiles of its timings."""

from __future__ import annotations


def percentile(values: list[float], p: float) -> float:
    """The ``p`` quantile (0–1) of ``values``, interpolated between neighbours; 0.0 for
    none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
