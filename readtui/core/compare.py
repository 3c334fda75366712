"""``readtui compare``: how far readers of the same essays agree.

The reliability data of each checklist item, Krippendorff's alpha (from the ``krippendorff``
package), a vectorised bootstrap, Cohen's kappa, agreement per pair of readers, span agreement of
highlights and the disagreement map, computed from files loaded by `readtui.core.corpus`. numpy is
imported only by the functions that compute.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from readtui.core.assessment import Answers
from readtui.core.checklist import ChoiceItem, MultiItem, ScaleItem
from readtui.core.corpus import ComparisonInput, ReaderFile

# The matrices here are readers × units: a second BLAS thread saves nothing on them, and on a busy
# machine (or under taskset) threads that wait for each other made the statistics 3-6 × slower.
# Read by OpenBLAS when numpy is first imported, which the functions below do.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

LEVELS = ("nominal", "ordinal", "interval")
DOMINANT_SHARE = 0.9
"""Above this share of the values one answer "dominates": alpha and kappa are unstable."""
CI_LEVEL = 0.95


# --- reliability data -----------------------------------------------------------------------

MISSING = -1
"""The code of no value: unanswered, or marked unsure."""


@dataclass
class Variable:
    """One thing readers rated: an item, or one option of a multi item (ticked or not).

    ``codes[r, u]`` (numpy) is reader r's value for unit u as an index into ``values``, or
    MISSING when the reader left it unanswered or marked it unsure.
    """

    key: str
    item: Any
    option: str | None
    level: str
    values: list[Any]
    """The value domain, in order: option ids, scale values, tuples of option ids, or no/yes."""
    units: list[tuple[int, int]]
    """(essay number, paragraph index) per unit; paragraph index 0 for essay-scope items."""
    codes: Any
    unsure: list[int]
    """Per reader, how many of the item's units they marked unsure."""

    @property
    def title(self) -> str:
        if self.option is None:
            return self.item.prompt
        label = next(o.label for o in self.item.options if o.id == self.option)
        return f"{self.item.prompt} — {label}"

    def label(self, code: int) -> str:
        """A value as people read it: an option id, a number, ticked options joined by '+',
        'none' for no option ticked, or yes/no for one option."""
        value = self.values[code]
        if self.option is not None:
            return "yes" if value else "no"
        if isinstance(value, tuple):
            return "+".join(value) or "none"
        return str(value)


@dataclass
class _ItemCodes:
    """Where one item's answers go while the files are read."""

    item: Any
    rows: list[list[int]]
    encode: Any
    unsure: list[int]


class _SetCodes:
    """Codes for the sets of options ticked in a multi item, in order of first appearance."""

    def __init__(self) -> None:
        self.codes: dict[frozenset[str], int] = {}

    def __call__(self, answer: list[str]) -> int:
        return self.codes.setdefault(frozenset(answer), len(self.codes))


def unit_offsets(data: ComparisonInput) -> list[int]:
    """Per essay, the number of paragraph units before it (unit = offset + index - 1)."""
    offsets, total = [], 0
    for essay in data.essays:
        offsets.append(total)
        total += essay.paragraphs
    return offsets


def variables(data: ComparisonInput, scale_level: str = "ordinal") -> list[Variable]:
    """The reliability data of every compared item, read in one pass over the files. A multi
    item gives one variable for the set of options ticked, then one yes/no variable per option."""
    import numpy as np

    readers = {reader: r for r, reader in enumerate(data.readers)}
    offsets = unit_offsets(data)
    units = {
        "paragraph": [(e, p) for e, essay in enumerate(data.essays) for p in range(1, essay.paragraphs + 1)],
        "essay": [(e, 0) for e in range(len(data.essays))],
    }
    collecting: dict[str, dict[str, _ItemCodes]] = {"paragraph": {}, "essay": {}}
    for item in data.items:
        if isinstance(item, ScaleItem):
            encode = {v: v - item.min for v in range(item.min, item.max + 1)}.__getitem__
        elif isinstance(item, ChoiceItem):
            encode = {o.id: i for i, o in enumerate(item.options)}.__getitem__
        else:
            encode = _SetCodes()
        rows = [[MISSING] * len(units[item.scope]) for _ in readers]
        collecting[item.scope][item.id] = _ItemCodes(item, rows, encode, [0] * len(readers))
    for e, essay in enumerate(data.essays):
        for file in essay.files:
            r = readers[file.reader]
            for record in file.assessment.paragraph:
                if not record.stale:
                    _take(record, r, offsets[e] + record.index - 1, collecting["paragraph"])
            _take(file.assessment.overall, r, e, collecting["essay"])
    found = []
    for item in data.items:
        slot = collecting[item.scope][item.id]
        codes = np.array(slot.rows, dtype=np.int64).reshape(len(readers), len(units[item.scope]))

        def variable(key, option, level, domain, codes=codes, item=item, slot=slot):
            return Variable(key, item, option, level, domain, units[item.scope], codes, slot.unsure)

        if isinstance(item, ScaleItem):
            found.append(variable(item.id, None, scale_level, list(range(item.min, item.max + 1))))
        elif isinstance(item, ChoiceItem):
            found.append(variable(item.id, None, "nominal", [o.id for o in item.options]))
        else:
            order = [o.id for o in item.options]
            seen = sorted(slot.encode.codes, key=lambda s, order=order: [order.index(o) for o in order if o in s])
            domain = [tuple(o for o in order if o in ticked) for ticked in seen]
            remap = np.array([seen.index(s) for s in slot.encode.codes] + [MISSING], dtype=np.int64)
            codes = remap[codes]  # MISSING (-1) picks the last entry, which is MISSING
            found.append(variable(item.id, None, "nominal", domain, codes=codes))
            for option in order:
                ticked = np.array([option in s for s in domain] + [False])
                option_codes = np.where(codes >= 0, ticked[codes].astype(np.int64), MISSING)
                found.append(variable(f"{item.id}:{option}", option, "nominal", [False, True], codes=option_codes))
    return found


def _take(record: Answers, r: int, u: int, collecting: dict[str, _ItemCodes]) -> None:
    for item_id, value in record.answers.items():
        slot = collecting.get(item_id)
        if slot is not None:
            slot.rows[r][u] = slot.encode(value)
    for item_id in record.unsure:
        slot = collecting.get(item_id)
        if slot is not None:
            slot.unsure[r] += 1


def value_counts(variable: Variable) -> Any:
    """The units × values matrix of how many readers gave each value."""
    import numpy as np

    codes = variable.codes
    size = len(variable.values)
    readers, units = np.nonzero(codes >= 0)
    flat = units * size + codes[readers, units]
    return np.bincount(flat, minlength=len(variable.units) * size).reshape(len(variable.units), size)


def coincidences(counts: Any) -> Any:
    """Krippendorff's coincidence matrix from a units × values count matrix (units with fewer
    than two values add nothing)."""
    import numpy as np

    pairable = counts.sum(axis=1)
    counts = counts[pairable >= 2]
    weighted = counts / (pairable[pairable >= 2] - 1)[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def distances(values: list[Any], level: str, marginals: Any) -> Any:
    """δ², the squared distance between every two values, for one set of marginals or a batch
    (shape (..., V)): ordinal distances depend on the marginals, nominal and interval do not."""
    import numpy as np

    size = len(values)
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(size), (*marginals.shape[:-1], size, size))
    if level == "interval":
        numbers = np.asarray(values, dtype=float)
        return np.broadcast_to((numbers[:, None] - numbers[None, :]) ** 2, (*marginals.shape[:-1], size, size))
    cumulative = np.cumsum(marginals, axis=-1)
    c, k = cumulative[..., :, None], cumulative[..., None, :]
    n_c, n_k = marginals[..., :, None], marginals[..., None, :]
    # (Σ n_g for g from c to k) − (n_c + n_k)/2, squared (Krippendorff 2011, ordinal metric)
    return (k - c + (n_c - n_k) / 2) ** 2


def alpha_from_coincidences(o: Any, values: list[Any], level: str) -> Any:
    """alpha = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, for one matrix or a batch; NaN where undefined."""
    import numpy as np

    marginals = o.sum(axis=-1)
    n = marginals.sum(axis=-1)
    delta = distances(values, level, marginals)
    observed = (o * delta).sum(axis=(-2, -1))
    expected = (marginals[..., :, None] * marginals[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


# --- statistics -----------------------------------------------------------------------------


@dataclass
class Alpha:
    """Krippendorff's alpha with its bootstrap interval, or the reason it is undefined."""

    value: float | None
    reason: str = ""
    ci: tuple[float, float] | None = None
    ci_reason: str = ""


@dataclass
class Kappa:
    """Cohen's kappa of two readers, or the reason it is undefined."""

    value: float | None
    reason: str = ""
    units: int = 0


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> Kappa:
    """Cohen's (unweighted) kappa of two readers' answers to the same units."""
    if not pairs:
        return Kappa(None, "no unit answered by both readers")
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in first) / (n * n)
    if expected == 1:
        return Kappa(None, "both readers gave one and the same answer throughout", n)
    return Kappa((observed - expected) / (1 - expected), "", n)


def krippendorff_alpha(variable: Variable, counts: Any, bootstrap: int, seed: int, *, pooled: bool = False) -> Alpha:
    """alpha at the variable's level, with a bootstrap interval. Items use the ``krippendorff``
    package; the pooled variable (hundreds of values, block-diagonal) uses the same formula on
    its coincidence matrix, which is much faster than the package's dense units × V × V array."""
    import numpy as np

    paired = counts[counts.sum(axis=1) >= 2]
    if paired.shape[0] == 0:
        return Alpha(None, "no unit has answers from two readers")
    if paired.shape[0] == 1:
        if variable.item.scope == "essay":
            return Alpha(None, "one essay is one unit: alpha compares answers across essays, so it needs two or more")
        return Alpha(None, "one unit only: alpha needs answers to two or more units")
    present = paired.sum(axis=0) > 0
    if present.sum() < 2:
        only = variable.label(int(np.argmax(present)))
        return Alpha(None, f"no variation: every answer is {only!r}, so agreement by chance is 100%")
    if pooled:
        value = float(alpha_from_coincidences(coincidences(paired), variable.values, variable.level))
    else:
        import krippendorff

        domain = variable.values if variable.level != "nominal" else None
        value = float(krippendorff.alpha(value_counts=paired, value_domain=domain, level_of_measurement=variable.level))
    result = Alpha(value)
    if bootstrap > 0:
        result.ci, result.ci_reason = bootstrap_interval(variable, counts, bootstrap, seed)
    else:
        result.ci_reason = "bootstrap off"
    return result


def bootstrap_interval(
    variable: Variable, counts: Any, samples: int, seed: int
) -> tuple[tuple[float, float] | None, str]:
    """A percentile bootstrap interval for alpha that resamples paragraphs with replacement.

    alpha needs only sums over units: the observed disagreement and the value totals (or, at the
    ordinal level, the whole coincidence matrix). So each unit is reduced to that short vector,
    paragraphs with equal vectors are counted once, and a resample is a multinomial draw of how
    many of each to take: every sample costs one row of a matrix product, not a recomputation.
    """
    import numpy as np

    pairable = counts.sum(axis=1)
    keep = pairable >= 2
    counts, pairable = counts[keep], pairable[keep]
    size = len(variable.values)
    if variable.level == "ordinal":
        diagonal = counts[:, :, None] * np.eye(size)
        features = ((counts[:, :, None] * counts[:, None, :] - diagonal) / (pairable - 1)[:, None, None]).reshape(
            len(counts), size * size
        )
    else:
        delta = distances(variable.values, variable.level, np.zeros(size))
        observed = ((counts @ delta) * counts).sum(axis=1) / (pairable - 1)
        features = np.column_stack([observed, counts])
    clusters = np.unique(np.array(variable.units)[keep], axis=0, return_inverse=True)[1].reshape(-1)
    summed = np.zeros((clusters.max() + 1, features.shape[1]))
    np.add.at(summed, clusters, features)
    patterns, frequency = np.unique(summed, axis=0, return_counts=True)
    rng = np.random.default_rng([seed, zlib.crc32(variable.key.encode())])
    draws = rng.multinomial(len(summed), frequency / frequency.sum(), size=samples)
    totals = draws @ patterns
    if variable.level == "ordinal":
        alphas = alpha_from_coincidences(totals.reshape(samples, size, size), variable.values, "ordinal")
    else:
        marginals = totals[:, 1:]
        n = marginals.sum(axis=1)
        expected = ((marginals @ delta) * marginals).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            alphas = np.where(expected > 0, 1 - (n - 1) * totals[:, 0] / expected, np.nan)
    alphas = alphas[~np.isnan(alphas)]
    if len(alphas) < samples / 2:
        return None, "most resamples have no variation"
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(alphas, [tail, 100 - tail])
    return (float(low), float(high)), ""


@dataclass
class VariableStats:
    """Every figure for one variable."""

    variable: Variable
    units: int
    """Units with values from at least two readers (the N of alpha)."""
    readers: int
    """Readers who gave at least one value."""
    pairable: int
    """Values in those units."""
    agreement: float | None
    """Share of agreeing pairs of values within units (1 − D_o at the nominal level)."""
    alpha: Alpha
    kappa: Kappa | None
    """Only when exactly two readers are compared."""
    dominant: tuple[str, float] | None
    """The answer that is over 90% of the pairable values, and its share."""
    unsure_rate: float | None

    @property
    def key(self) -> str:
        return self.variable.key


def variable_stats(variable: Variable, bootstrap: int = 1000, seed: int = 1, *, pooled: bool = False) -> VariableStats:
    """Every figure for one variable."""
    import numpy as np

    counts = value_counts(variable)
    paired = counts[counts.sum(axis=1) >= 2]
    n = int(paired.sum())
    agreement = dominant = None
    if n:
        # the trace of the coincidence matrix, without the values × values matrix (the pooled
        # variable has hundreds of values)
        agreement = float((paired * (paired - 1) / (paired.sum(axis=1) - 1)[:, None]).sum() / n)
        marginals = paired.sum(axis=0)
        top = int(np.argmax(marginals))
        if marginals[top] / n > DOMINANT_SHARE:
            dominant = (variable.label(top), float(marginals[top] / n))
    codes = variable.codes
    kappa = None
    if codes.shape[0] == 2:
        both = (codes[0] >= 0) & (codes[1] >= 0)
        kappa = cohen_kappa(list(zip(codes[0][both].tolist(), codes[1][both].tolist(), strict=True)))
    answered = int((codes >= 0).sum())
    marked = sum(variable.unsure)
    return VariableStats(
        variable=variable,
        units=int(paired.shape[0]),
        readers=int((codes >= 0).any(axis=1).sum()),
        pairable=n,
        agreement=agreement,
        alpha=krippendorff_alpha(variable, counts, bootstrap, seed, pooled=pooled),
        kappa=kappa,
        dominant=dominant,
        unsure_rate=marked / (answered + marked) if answered + marked else None,
    )


@dataclass(frozen=True)
class _AllItems:
    id: str = "overall"
    prompt: str = "All items pooled (nominal)"
    scope: str = "paragraph"


def pooled(found: list[Variable]) -> Variable:
    """Every item's values as one nominal variable: units are (item, unit) pairs and values are
    "item: answer", so answers to different items never coincide. The bootstrap resamples
    whole paragraphs, with every item of each."""
    import numpy as np

    values: list[Any] = []
    units: list[tuple[int, int]] = []
    blocks = []
    for variable in found:
        blocks.append(np.where(variable.codes >= 0, variable.codes + len(values), MISSING))
        values += [f"{variable.key}: {variable.label(code)}" for code in range(len(variable.values))]
        units += variable.units
    unsure = [sum(v.unsure[r] for v in found) for r in range(len(found[0].unsure))]
    return Variable("overall", _AllItems(), None, "nominal", values, units, np.concatenate(blocks, axis=1), unsure)


# --- the whole comparison -------------------------------------------------------------------


@dataclass
class PairAgreement:
    """Two readers' agreement over every item (a multi item as the whole set ticked)."""

    first: str
    second: str
    units: int
    """Answers to compare: (item, unit) pairs both answered."""
    agreement: float | None
    kappa: float | None
    """Mean of the items' Cohen's kappa, where defined."""


@dataclass
class ParagraphRow:
    """One paragraph's row of the disagreement map: per item, disagreeing pairs of readers."""

    essay: int
    index: int
    disagreeing: list[int]
    pairs: list[int]

    @property
    def contention(self) -> float:
        """Share of the pairs of answers in this paragraph that disagree."""
        pairs = sum(self.pairs)
        return sum(self.disagreeing) / pairs if pairs else 0.0

    @property
    def split_items(self) -> int:
        return sum(1 for d in self.disagreeing if d)


@dataclass
class SpanAgreement:
    """Highlight agreement of two readers for one label, as in SemEval span tasks."""

    label: str
    first: str
    second: str
    first_spans: int
    second_spans: int
    exact: int
    """Spans both readers marked with exactly the same bounds."""
    overlap_f1: float | None
    """F1 where a span counts as found when it overlaps one of the other reader's."""

    @property
    def exact_f1(self) -> float | None:
        total = self.first_spans + self.second_spans
        return 2 * self.exact / total if total else None


@dataclass
class Comparison:
    """Everything ``readtui compare`` reports."""

    input: ComparisonInput
    level: str
    bootstrap: int
    seed: int
    items: list[VariableStats]
    """Per variable, in checklist order (a multi item's options follow it)."""
    overall: VariableStats | None
    unsure_by_reader: dict[str, float | None]
    pairs: list[PairAgreement]
    map_items: list[Variable]
    """The columns of the disagreement map: paragraph-scope items (multi as a whole)."""
    rows: list[ParagraphRow]
    spans: list[SpanAgreement]

    @property
    def readers(self) -> list[str]:
        return self.input.readers

    @property
    def warnings(self) -> list[str]:
        return self.input.warnings

    @property
    def contested(self) -> list[ParagraphRow]:
        """Paragraphs with any disagreement, most contested first."""
        rows = [row for row in self.rows if row.split_items]
        return sorted(rows, key=lambda r: (-r.contention, -r.split_items, r.essay, r.index))

    @property
    def lowest(self) -> list[VariableStats]:
        """Items (not single options), lowest alpha first; undefined alphas last."""
        items = [s for s in self.items if s.variable.option is None]
        return sorted(items, key=lambda s: (s.alpha.value is None, s.alpha.value or 0, s.agreement or 0))

    def answers(self, variable: Variable, essay: int, index: int) -> dict[str, str]:
        """Reader → answer to ``variable`` in one paragraph (index 0: the essay as a whole)."""
        u = unit_offsets(self.input)[essay] + index - 1 if index else essay
        return {
            reader: variable.label(int(code))
            for reader, code in zip(self.readers, variable.codes[:, u], strict=True)
            if code >= 0
        }


def compare(data: ComparisonInput, scale_level: str = "ordinal", bootstrap: int = 1000, seed: int = 1) -> Comparison:
    """Compute every figure of the comparison."""
    if scale_level not in LEVELS[1:]:
        raise ValueError(f"scale level must be ordinal or interval, not {scale_level!r}")
    found = variables(data, scale_level)
    whole = [v for v in found if v.option is None]
    unsure_by_reader = {}
    for r, reader in enumerate(data.readers):
        marked = sum(v.unsure[r] for v in whole)
        answered = sum(int((v.codes[r] >= 0).sum()) for v in whole)
        unsure_by_reader[reader] = marked / (answered + marked) if answered + marked else None
    map_items = [v for v in whole if v.item.scope == "paragraph"]
    return Comparison(
        input=data,
        level=scale_level,
        bootstrap=bootstrap,
        seed=seed,
        items=[variable_stats(v, bootstrap, seed) for v in found],
        overall=variable_stats(pooled(whole), bootstrap, seed, pooled=True) if whole else None,
        unsure_by_reader=unsure_by_reader,
        pairs=_pair_agreement(data.readers, whole),
        map_items=map_items,
        rows=_disagreement_rows(data, map_items),
        spans=span_agreement(data),
    )


def _pair_agreement(readers: list[str], whole: list[Variable]) -> list[PairAgreement]:
    """Vectorised: per item and value, one product of the readers × units indicator matrices."""
    import numpy as np

    size = len(readers)
    same, both = np.zeros((size, size)), np.zeros((size, size))
    kappa_sum, kappa_count = np.zeros((size, size)), np.zeros((size, size))
    for variable in whole:
        present = (variable.codes >= 0).astype(float)
        shared = present @ present.T
        agree = np.zeros((size, size))
        expected = np.zeros((size, size))
        for value in range(len(variable.values)):
            gave = (variable.codes == value).astype(float)
            agree += gave @ gave.T
            on_shared = gave @ present.T  # [i, j]: units where i gave the value and j answered
            expected += on_shared * on_shared.T
        with np.errstate(divide="ignore", invalid="ignore"):
            observed = agree / shared
            chance = expected / shared**2
            kappa = (observed - chance) / (1 - chance)
        defined = (shared > 0) & (chance < 1)
        kappa_sum += np.where(defined, kappa, 0)
        kappa_count += defined
        same += agree
        both += shared
    return [
        PairAgreement(
            readers[i],
            readers[j],
            int(both[i, j]),
            float(same[i, j] / both[i, j]) if both[i, j] else None,
            float(kappa_sum[i, j] / kappa_count[i, j]) if kappa_count[i, j] else None,
        )
        for i, j in combinations(range(size), 2)
    ]


def _disagreement_rows(data: ComparisonInput, map_items: list[Variable]) -> list[ParagraphRow]:
    import numpy as np

    disagreeing, pairs = [], []
    for variable in map_items:
        counts = value_counts(variable)
        given = counts.sum(axis=1)
        all_pairs = given * (given - 1) // 2
        pairs.append(all_pairs)
        disagreeing.append(all_pairs - (counts * (counts - 1) // 2).sum(axis=1))
    units = [(e, p) for e, essay in enumerate(data.essays) for p in range(1, essay.paragraphs + 1)]
    if not map_items:
        return [ParagraphRow(e, p, [], []) for e, p in units]
    disagree_rows = np.column_stack(disagreeing).tolist()
    pair_rows = np.column_stack(pairs).tolist()
    return [ParagraphRow(e, p, d, n) for (e, p), d, n in zip(units, disagree_rows, pair_rows, strict=True)]


def _spans(file: ReaderFile, paragraph: int | None = None) -> dict[str, set[tuple[int, int, int]]]:
    """The reader's live highlights by label, as (paragraph, start, end); of one paragraph, or all."""
    spans: dict[str, set[tuple[int, int, int]]] = {}
    records = file.assessment.paragraph if paragraph is None else [r for r in [file.record(paragraph)] if r]
    for record in records:
        if not record.stale:
            for h in record.highlight:
                if not h.stale:
                    spans.setdefault(h.label, set()).add((record.index, h.start, h.end))
    return spans


SPAN_PAIRS_AT_ONCE = 1 << 21
"""Pairs of highlights (of one label and paragraph) compared in one numpy step: bounds the memory."""


def _span_matches(sets: list[set[tuple[int, int, int]]]) -> tuple[list[int], Any, Any]:
    """For the readers' highlights of one label, as (paragraph, start, end): how many each has;
    and per pair of readers (a, b), how many of a's b has too, exactly, and how many of a's
    overlap one of b's. Every two highlights of one paragraph are compared, in numpy."""
    import numpy as np

    size = len(sets)
    spans = np.array([(r, *span) for r, spans in enumerate(sets) for span in spans], dtype=np.int64).reshape(-1, 4)
    spans = spans[np.argsort(spans[:, 1], kind="stable")]
    reader, paragraph, start, end = spans.T
    first = np.searchsorted(paragraph, paragraph, side="left")
    group = np.searchsorted(paragraph, paragraph, side="right") - first
    ends = np.cumsum(group)
    exact = np.zeros((size, size), dtype=np.int64)
    hit = np.zeros((len(spans), size), dtype=bool)  # [i, b]: highlight i overlaps one of reader b's
    for chunk in range(0, int(ends[-1]) if len(ends) else 0, SPAN_PAIRS_AT_ONCE):
        k = np.arange(chunk, min(chunk + SPAN_PAIRS_AT_ONCE, int(ends[-1])))
        i = np.searchsorted(ends, k, side="right")  # a highlight, and each of its paragraph's as j
        j = first[i] + k - (ends[i] - group[i])
        other = reader[i] != reader[j]
        same = other & (start[i] == start[j]) & (end[i] == end[j])
        np.add.at(exact, (reader[i[same]], reader[j[same]]), 1)
        overlapping = other & (start[i] < end[j]) & (start[j] < end[i])
        hit[i[overlapping], reader[j[overlapping]]] = True
    found = np.zeros((size, size), dtype=np.int64)
    np.add.at(found, reader, hit)
    return [len(spans) for spans in sets], exact, found


def span_agreement(data: ComparisonInput, only: tuple[int, int] | None = None) -> list[SpanAgreement]:
    """Per label and pair of readers, summed over every essay both read; or in one
    (essay number, paragraph index) when ``only`` is given."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    labels = list(data.checklist.labels)
    for e, essay in enumerate(data.essays):
        if only is not None and only[0] != e:
            continue
        spans = [_spans(file, only[1] if only else None) for file in essay.files]
        matches = [_span_matches([reader.get(label, set()) for reader in spans]) for label in labels]
        for (a, first), (b, second) in combinations(enumerate(essay.readers), 2):
            for label, (sizes, exact, found) in zip(labels, matches, strict=True):
                if sizes[a] or sizes[b]:
                    sums = totals.setdefault((label, first, second), [0, 0, 0, 0, 0])
                    sums[0] += sizes[a]
                    sums[1] += sizes[b]
                    sums[2] += int(exact[a, b])
                    sums[3] += int(found[a, b])
                    sums[4] += int(found[b, a])
    result = []
    for (label, a, b), (na, nb, exact, a_found, b_found) in totals.items():
        f1 = None
        if na and nb:
            precision, recall = b_found / nb, a_found / na
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        elif na or nb:
            f1 = 0.0
        result.append(SpanAgreement(label, a, b, na, nb, exact, f1))
    return result


# --- grouping readers by a before-reading answer ---------------------------------------------

NO_ANSWER = "no answer"
"""The group of the files that leave the before-reading item unanswered (or unsure)."""
MIN_GROUP_READERS = 2
"""Agreement needs two readers of one essay in a group; a smaller group shows its answers only."""


@dataclass
class Group:
    """The files whose before-reading answer is ``value``, with every item's figures among them."""

    value: Any
    """A scale value, an option id, a tuple of option ids (multi), or NO_ANSWER."""
    label: str
    files: int
    late: int
    """Files whose answer was given (or changed) after their reader had begun the essay."""
    items: list[VariableStats]
    distributions: list[dict[str, int]]
    """Per item (as ``items``): how often each answer was given, in the item's value order."""
    too_small: str = ""
    """Why the group has no agreement figures ('' when it has some)."""


@dataclass
class GroupedComparison:
    """``compare --group-by before:ITEM``: per group of prior answer, each item's agreement and answers."""

    input: ComparisonInput
    item: Any
    level: str
    bootstrap: int
    seed: int
    groups: list[Group]
    warnings: list[str]
    """The input's warnings, then one per group too small for a figure."""


def group_by_before(
    data: ComparisonInput, item: Any, scale_level: str = "ordinal", bootstrap: int = 1000, seed: int = 1
) -> GroupedComparison:
    """Group the files by their answer to before-reading ``item`` (each scale value or option, or
    set of options, is a group; files without an answer are the NO_ANSWER group), then compute
    each compared item's agreement and answer distribution within each group."""
    import numpy as np

    found = [v for v in variables(data, scale_level) if v.option is None]
    readers = {reader: r for r, reader in enumerate(data.readers)}
    offsets = unit_offsets(data)
    members: dict[Any, list[tuple[int, int]]] = {}
    late: Counter = Counter()
    for e, essay in enumerate(data.essays):
        for file in essay.files:
            before = file.assessment.before
            value = before.answers.get(item.id, NO_ANSWER)
            value = tuple(value) if isinstance(value, list) else value
            members.setdefault(value, []).append((readers[file.reader], e))
            late[value] += item.id in before.after_reading
    groups = []
    warnings = list(data.warnings)
    for value in sorted(members, key=lambda v: _group_order(item, v)):
        cells = members[value]
        label = _group_label(item, value)
        stats, distributions = [], []
        for variable in found:
            mask = np.zeros(variable.codes.shape, dtype=bool)
            for r, e in cells:
                mask[r, _essay_columns(variable, data, offsets, e)] = True
            codes = np.where(mask, variable.codes, MISSING)
            unsure = _group_unsure(variable, data, cells)
            subset = Variable(
                variable.key, variable.item, None, variable.level, variable.values, variable.units, codes, unsure
            )
            stats.append(variable_stats(subset, bootstrap, seed))
            given = np.bincount(codes[codes >= 0], minlength=len(variable.values))
            distributions.append({variable.label(c): int(n) for c, n in enumerate(given) if n})
        by_essay = Counter(e for _, e in cells)
        too_small = ""
        if max(by_essay.values()) < MIN_GROUP_READERS:
            files = f"{len(cells)} file{'s' if len(cells) != 1 else ''}"
            too_small = f"{files}, no two of one essay: agreement needs two readers of the same essay"
            warnings.append(
                f"group {item.id} = {label} is too small for agreement ({too_small}); its answers are shown"
            )
        groups.append(Group(value, label, len(cells), late[value], stats, distributions, too_small))
    return GroupedComparison(data, item, scale_level, bootstrap, seed, groups, warnings)


def _essay_columns(variable: Variable, data: ComparisonInput, offsets: list[int], essay: int) -> Any:
    """The columns of ``variable.codes`` that belong to essay number ``essay``."""
    if variable.item.scope == "essay":
        return slice(essay, essay + 1)
    return slice(offsets[essay], offsets[essay] + data.essays[essay].paragraphs)


def _group_unsure(variable: Variable, data: ComparisonInput, cells: list[tuple[int, int]]) -> list[int]:
    """Per reader, how many of the item's units they marked unsure in the group's files."""
    unsure = [0] * len(variable.unsure)
    item_id = variable.item.id
    for r, e in cells:
        file = next(f for f in data.essays[e].files if f.reader == data.readers[r])
        records = [file.assessment.overall] if variable.item.scope == "essay" else file.assessment.paragraph
        unsure[r] += sum(1 for record in records if item_id in record.unsure)
    return unsure


def _group_order(item: Any, value: Any) -> tuple[int, Any]:
    if value == NO_ANSWER:
        return (2, 0)
    if isinstance(item, ScaleItem):
        return (0, value)
    order = [o.id for o in item.options]
    chosen = value if isinstance(value, tuple) else (value,)
    return (0 if isinstance(value, str) else 1, [order.index(o) for o in chosen if o in order])


def _group_label(item: Any, value: Any) -> str:
    """A group as people read it: a scale value (with its end's words), option ids, or NO_ANSWER."""
    if value == NO_ANSWER:
        return value
    if isinstance(item, ScaleItem):
        words = {item.min: item.low, item.max: item.high}.get(value, "")
        return f"{value} ({words})" if words else str(value)
    return "+".join(value) or "none" if isinstance(value, tuple) else value


def before_item(checklist: Any, spec: str) -> Any:
    """The item a ``--group-by before:ITEM`` names: a before-reading choice, multi or scale item."""
    from readtui.core.errors import ReadtuiError

    kind, _, item_id = spec.partition(":")
    before = [item.id for item in checklist.items.values() if item.scope == "before"]
    known = ", ".join(before) or f"none: checklist {checklist.id!r} has no before-reading section"
    if kind != "before" or not item_id:
        raise ReadtuiError("--group-by", f"expected before:ITEM, got {spec!r} (before-reading items: {known})")
    item = checklist.items.get(item_id)
    if item is None or item.scope != "before":
        what = "no item" if item is None else f"a {item.scope}-scope item, not a before-reading one"
        raise ReadtuiError("--group-by", f"{item_id!r} is {what} (before-reading items: {known})")
    if not isinstance(item, (ChoiceItem, MultiItem, ScaleItem)):
        raise ReadtuiError("--group-by", f"{item_id!r} is a text item: group by a scale, choice or multi item")
    return item
