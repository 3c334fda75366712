"""An independent Krippendorff's alpha, percent agreement and Cohen's kappa, in plain Python
from the definitions (Krippendorff 2011), to check readtui.core.compare against without circularity."""

from __future__ import annotations

from collections import Counter
from typing import Any


def pairable_units(rows: list[list[Any]]) -> list[list[Any]]:
    """The values of each unit that has two or more, from readers × units (None = missing)."""
    units = ([v for v in unit if v is not None] for unit in zip(*rows, strict=True))
    return [values for values in units if len(values) >= 2]


def coincidence_matrix(rows: list[list[Any]]) -> dict[tuple[Any, Any], float]:
    """o_ck: each pairable unit's m values give m(m−1) ordered pairs, each weighted 1/(m−1)."""
    o: dict[tuple[Any, Any], float] = {}
    for values in pairable_units(rows):
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    o[c, k] = o.get((c, k), 0.0) + 1 / (len(values) - 1)
    return o


def reference_alpha(rows: list[list[Any]], level: str) -> float | None:
    """Krippendorff's alpha = 1 − (n−1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, or None when undefined
    (no pairable values, a single value, or a single unit)."""
    o = coincidence_matrix(rows)
    units = pairable_units(rows)
    marginals = Counter(v for values in units for v in values)
    if len(marginals) < 2 or len(units) < 2:
        return None
    n = sum(marginals.values())

    def delta(c: Any, k: Any) -> float:
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return float((c - k) ** 2)
        low, high = min(c, k), max(c, k)
        between = sum(count for g, count in marginals.items() if low <= g <= high)
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    observed = sum(weight * delta(c, k) for (c, k), weight in o.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in marginals for k in marginals)
    return 1 - (n - 1) * observed / expected


def reference_agreement(rows: list[list[Any]]) -> float | None:
    """Percent agreement: the coincidence diagonal over n."""
    o = coincidence_matrix(rows)
    n = sum(o.values())
    return sum(w for (c, k), w in o.items() if c == k) / n if n else None


def reference_kappa(first: list[Any], second: list[Any]) -> float | None:
    """Cohen's kappa over the units both answered (None when undefined)."""
    pairs = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    a_counts, b_counts = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(a_counts[v] * b_counts[v] for v in a_counts) / n**2
    return None if chance == 1 else (observed - chance) / (1 - chance)
