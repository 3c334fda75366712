"""``readtui.core.compare``: agreement between readers, checked through real assessment files.

Alpha is checked against Krippendorff's published worked example and, on random data, against
a small pure-Python implementation of the coincidence-matrix definition written here.
"""

from __future__ import annotations

import enum
import random
import re
import tempfile
from collections import Counter
from collections.abc import Collection
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import readtui.core.compare as compare_module
from readtui.core.assessment import (
    Assessment,
    ChecklistInfo,
    EssayInfo,
    Highlight,
    Overall,
    ParagraphRecord,
    Reader,
)
from readtui.core.compare import (
    DOMINANT_SHARE,
    Comparison,
    VariableStats,
    cohen_kappa,
    compare,
    span_agreement,
)
from readtui.core.corpus import ComparisonInput, load_comparison
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.storage import AssessmentWriter, load_assessment
from tests.conftest import sha, write_checklist
from tests.reference_stats import pairable_units, reference_agreement, reference_alpha, reference_kappa

CHECKLIST_ID = "agree"
CHECKLIST = """\
format = "readtui-checklist/1"
id = "{id}"
title = "Agreement test"
version = "{version}"

[[label]]
id = "loaded-word"
title = "Loaded word"

[[section]]
id = "paragraph"
title = "Each paragraph"

  [[section.item]]
  id = "category"
  prompt = "Which category?"
  kind = "choice"
  options = [
    {{ id = "1", label = "One" }},
    {{ id = "2", label = "Two" }},
    {{ id = "3", label = "Three" }},
    {{ id = "4", label = "Four" }},
    {{ id = "5", label = "Five" }},
  ]

  [[section.item]]
  id = "rating"
  prompt = "How strong?"
  kind = "scale"
  min = 1
  max = 5

  [[section.item]]
  id = "fallacies"
  prompt = "Which fallacies?"
  kind = "multi"
  options = [{{ id = "a", label = "A" }}, {{ id = "b", label = "B" }}, {{ id = "c", label = "C" }}]

  [[section.item]]
  id = "sourced"
  prompt = "Is it sourced?"
  kind = "choice"
  options = [{{ id = "yes", label = "Yes" }}, {{ id = "no", label = "No" }}]

[[section]]
id = "overall"
title = "The essay"

  [[section.item]]
  id = "verdict"
  prompt = "How convincing is the essay?"
  kind = "scale"
  scope = "essay"
  min = 1
  max = 5
"""
PARAGRAPH_CHARS = 100


class Mark(enum.Enum):
    """A value in an answer sheet that is not an answer."""

    UNSURE = "unsure"


UNSURE = Mark.UNSURE
Sheet = dict[int, dict[str, Any]]
"""One reader's answers: paragraph index → item id → value (or UNSURE); index 0 is [overall]."""


def agreement_checklist(directory: Path, version: str = "1", checklist_id: str = CHECKLIST_ID) -> Path:
    """The test checklist as ``<id>.toml`` in ``directory``."""
    return write_checklist(directory / f"{checklist_id}.toml", CHECKLIST.format(id=checklist_id, version=version))


def write_assessment(
    path: Path,
    reader: str,
    sheet: Sheet,
    *,
    paragraphs: int,
    title: str = "Essay",
    highlights: dict[int, list[tuple[int, int]]] | None = None,
    checklist_id: str = CHECKLIST_ID,
    version: str = "1",
) -> Path:
    """Save one reader's assessment of essay ``title``; highlights are (start, end) of 'loaded-word'."""
    highlights = highlights or {}
    records = []
    for index in sorted((set(sheet) | set(highlights)) - {0}):
        answers, unsure = _split(sheet.get(index, {}))
        marks = [
            Highlight(start=start, end=end, label="loaded-word", quote="x" * (end - start))
            for start, end in highlights.get(index, [])
        ]
        records.append(
            ParagraphRecord(
                index=index,
                sha256=sha(f"{title} {index}"),
                chars=PARAGRAPH_CHARS,
                answers=answers,
                unsure=unsure,
                highlight=marks,
            )
        )
    answers, unsure = _split(sheet.get(0, {}))
    assessment = Assessment(
        created_by="readtui tests",
        reader=Reader(name=reader),
        essay=EssayInfo(title=title, sha256=sha(title), paragraphs=paragraphs),
        checklist=ChecklistInfo(id=checklist_id, version=version),
        paragraph=records,
        overall=Overall(answers=answers, unsure=unsure),
    )
    AssessmentWriter().save(path, assessment)
    return path


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answers and the ids of items marked unsure."""
    answers = {item: value for item, value in values.items() if value is not UNSURE}
    return answers, [item for item, value in values.items() if value is UNSURE]


def load(paths: list[Path], checklist: Path) -> ComparisonInput:
    return load_comparison([str(p) for p in paths], checklist_spec=str(checklist))


def stats(comparison: Comparison, key: str) -> VariableStats:
    return next(s for s in comparison.items if s.key == key)


def problem_lines(error: pytest.ExceptionInfo[ReadtuiErrors]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


# --- 1. Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability" -------------------

WORKED_EXAMPLE = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}


def worked_example_files(directory: Path, unsure: Collection[tuple[str, int]] = ()) -> list[Path]:
    """The 4 observers × 12 units as a choice item ('category') and a scale item ('rating');
    '.' is no answer, or an unsure mark for the (reader, unit) pairs in ``unsure``."""
    directory.mkdir(exist_ok=True)
    paths = []
    for reader, row in WORKED_EXAMPLE.items():
        sheet: Sheet = {}
        for unit, value in enumerate(row.split(), start=1):
            if value != ".":
                sheet[unit] = {"category": value, "rating": int(value)}
            elif (reader, unit) in unsure:
                sheet[unit] = {"category": UNSURE, "rating": UNSURE}
        paths.append(write_assessment(directory / f"{reader}.readtui.toml", reader, sheet, paragraphs=12))
    return paths


@pytest.mark.parametrize(
    ("key", "level", "published"),
    [("category", "ordinal", 0.743), ("rating", "ordinal", 0.815), ("rating", "interval", 0.849)],
)
def test_krippendorff_worked_example(tmp_path: Path, key: str, level: str, published: float) -> None:
    data = load(worked_example_files(tmp_path), agreement_checklist(tmp_path))
    result = stats(compare(data, scale_level=level, bootstrap=0), key)
    assert round(result.alpha.value, 3) == published
    assert result.variable.level == ("nominal" if key == "category" else level)
    assert result.units == 11  # unit 12 has B's value only
    assert result.pairable == 40
    assert result.readers == 4
    assert result.agreement == pytest.approx(32 / 40)  # the coincidence diagonal: 32 of n = 40
    assert result.kappa is None  # four readers


def test_worked_example_unsure_marks_count_as_missing(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    plain = compare(load(worked_example_files(tmp_path / "plain"), checklist), bootstrap=0)
    marked = compare(load(worked_example_files(tmp_path / "marked", {("A", 10), ("C", 1)}), checklist), bootstrap=0)
    for key in ("category", "rating"):
        assert stats(marked, key).alpha.value == pytest.approx(stats(plain, key).alpha.value, abs=1e-12)
        assert stats(marked, key).units == 11
        assert stats(marked, key).unsure_rate == pytest.approx(2 / 43)  # 41 answers and 2 marks
    assert marked.unsure_by_reader["A"] == pytest.approx(2 / 20)  # 9 answers + 1 mark, in both items
    assert marked.unsure_by_reader["B"] == 0.0
    assert plain.unsure_by_reader["A"] == 0.0


# --- 2. random data against the reference implementation -----------------------------------

CATEGORIES = ["1", "2", "3", "4", "5"]
OPTIONS = ["a", "b", "c"]
VARIABLES = ["category", "rating", "fallacies", "fallacies:a", "fallacies:b", "fallacies:c", "sourced", "verdict"]
WHOLE_ITEMS = ["category", "rating", "fallacies", "sourced", "verdict"]


@st.composite
def answer_sheets(draw: st.DrawFn) -> tuple[list[Sheet], int]:
    """2–5 readers' sheets for one essay of 2–15 paragraphs; each item's answers come from a
    small pool, so single-value and all-agreeing cases are frequent, and some are missing or unsure."""
    readers = draw(st.integers(2, 5))
    paragraphs = draw(st.integers(2, 15))
    pools = {
        "category": draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True)),
        "rating": draw(st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True)),
        "fallacies": draw(st.lists(st.lists(st.sampled_from(OPTIONS), unique=True), min_size=1, max_size=3)),
        "verdict": draw(st.lists(st.integers(1, 5), min_size=1, max_size=2, unique=True)),
    }
    cells = {item: st.sampled_from(pool * 3 + [None, UNSURE]) for item, pool in pools.items()}
    sheets = []
    for _ in range(readers):
        sheet: Sheet = {}
        for index in range(1, paragraphs + 1):
            answers = {item: draw(cells[item]) for item in ("category", "rating", "fallacies")}
            sheet[index] = {item: value for item, value in answers.items() if value is not None}
        verdict = draw(cells["verdict"])
        sheet[0] = {} if verdict is None else {"verdict": verdict}
        sheets.append(sheet)
    return sheets, paragraphs


def reliability_rows(sheets: list[Sheet], key: str, paragraphs: int) -> list[list[Any]]:
    """Readers × units of one variable, None where a reader gave no value (or marked unsure)."""
    item, _, option = key.partition(":")
    units = [0] if item == "verdict" else range(1, paragraphs + 1)
    rows = []
    for sheet in sheets:
        row = []
        for unit in units:
            value = sheet.get(unit, {}).get(item)
            if value is None or value is UNSURE:
                row.append(None)
            elif option:
                row.append(option in value)
            else:
                row.append(frozenset(value) if isinstance(value, list) else value)
        rows.append(row)
    return rows


def pooled_top_share(rows: dict[str, list[list[Any]]]) -> float:
    """The largest share one (item, answer) has of the pairable values of every item pooled."""
    pooled = Counter((key, value) for key in WHOLE_ITEMS for values in pairable_units(rows[key]) for value in values)
    return max(pooled.values()) / sum(pooled.values()) if pooled else 0.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=answer_sheets(), level=st.sampled_from(["ordinal", "interval"]))
def test_alpha_agrees_with_an_independent_implementation(generated: tuple[list[Sheet], int], level: str) -> None:
    sheets, paragraphs = generated
    readers = [chr(ord("A") + r) for r in range(len(sheets))]
    rows = {key: reliability_rows(sheets, key, paragraphs) for key in VARIABLES}
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        paths = [
            write_assessment(directory / f"{reader}.readtui.toml", reader, sheet, paragraphs=paragraphs)
            for reader, sheet in zip(readers, sheets, strict=True)
        ]
        result = compare(load(paths, agreement_checklist(directory)), scale_level=level, bootstrap=0)

    assert result.readers == readers
    assert [s.key for s in result.items] == VARIABLES
    for key in VARIABLES:
        found = stats(result, key)
        expected = reference_alpha(rows[key], level if key == "rating" else "nominal")
        if expected is None:
            assert found.alpha.value is None, key
            assert found.alpha.reason, key
        else:
            assert found.alpha.value == pytest.approx(expected, abs=1e-9), key
        assert found.agreement == pytest.approx(reference_agreement(rows[key]), abs=1e-12), key
        assert found.units == len(pairable_units(rows[key])), key
        if len(readers) == 2:
            assert found.kappa.value == pytest.approx(reference_kappa(*rows[key]), abs=1e-12), key
            assert (found.kappa.value is None) == bool(found.kappa.reason), key
    assert (result.overall.dominant is not None) == (pooled_top_share(rows) > DOMINANT_SHARE)

    for item in ("category", "rating", "fallacies", "verdict"):
        units = [0] if item == "verdict" else range(1, paragraphs + 1)
        marks = sum(sheet.get(u, {}).get(item) is UNSURE for sheet in sheets for u in units)
        answers = sum(v is not None for row in rows[item] for v in row)
        assert stats(result, item).unsure_rate == (
            pytest.approx(marks / (answers + marks)) if answers + marks else None
        )

    map_keys = [v.key for v in result.map_items]
    assert map_keys == ["category", "rating", "fallacies", "sourced"]
    for row in result.rows:
        for key, disagreeing, pairs in zip(map_keys, row.disagreeing, row.pairs, strict=True):
            answered = [r[row.index - 1] for r in rows[key] if r[row.index - 1] is not None]
            assert pairs == len(answered) * (len(answered) - 1) // 2
            assert disagreeing == sum(a != b for a, b in combinations(answered, 2))

    for pair, (i, j) in zip(result.pairs, combinations(range(len(readers)), 2), strict=True):
        assert (pair.first, pair.second) == (readers[i], readers[j])
        both = [(a, b) for key in WHOLE_ITEMS for a, b in zip(rows[key][i], rows[key][j], strict=True)]
        both = [(a, b) for a, b in both if a is not None and b is not None]
        assert pair.units == len(both)
        assert pair.agreement == (pytest.approx(sum(a == b for a, b in both) / len(both)) if both else None)
        kappas = [reference_kappa(rows[key][i], rows[key][j]) for key in WHOLE_ITEMS]
        kappas = [k for k in kappas if k is not None]
        assert pair.kappa == (pytest.approx(sum(kappas) / len(kappas)) if kappas else None)


@pytest.mark.parametrize(
    ("item", "answer", "label"), [("rating", 3, "rating: 3"), ("fallacies", [], "fallacies: none")]
)
def test_overall_dominated_by_one_answer(tmp_path: Path, item: str, answer: Any, label: str) -> None:
    """Two readers giving the same answer to one item throughout: the pooled figures say so."""
    checklist = agreement_checklist(tmp_path)
    sheet: Sheet = {1: {item: answer}, 2: {item: answer}}
    paths = [write_assessment(tmp_path / f"{r}.toml", r, sheet, paragraphs=2) for r in "AB"]
    assert compare(load(paths, checklist), bootstrap=0).overall.dominant == (label, 1.0)


# --- 3. Cohen's kappa ------------------------------------------------------------------------

# The classic 2×2 table of 50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
KAPPA_TABLE = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15


def test_cohen_kappa_textbook_table() -> None:
    kappa = cohen_kappa(KAPPA_TABLE)  # p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5
    assert kappa.value == pytest.approx(0.4)
    assert kappa.units == 50
    assert kappa.reason == ""


def test_cohen_kappa_from_two_files(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    sheets: tuple[Sheet, Sheet] = ({}, {})
    for index, answers in enumerate(KAPPA_TABLE, start=1):
        for sheet, answer in zip(sheets, answers, strict=True):
            sheet[index] = {"sourced": answer}
    paths = [
        write_assessment(tmp_path / f"{reader}.readtui.toml", reader, sheet, paragraphs=50)
        for reader, sheet in zip("AB", sheets, strict=True)
    ]
    result = compare(load(paths, checklist), bootstrap=0)
    sourced = stats(result, "sourced")
    assert sourced.kappa.value == pytest.approx(0.4)
    assert sourced.kappa.units == 50
    assert sourced.agreement == pytest.approx(0.7)
    # alpha from the coincidences: n_yes = 55, n_no = 45, o_yes,no = 15 → 1 − 99·30 / (2·55·45)
    assert sourced.alpha.value == pytest.approx(1 - 99 * 30 / (2 * 55 * 45))
    [pair] = result.pairs
    assert (pair.units, pair.agreement, pair.kappa) == (50, pytest.approx(0.7), pytest.approx(0.4))


def test_cohen_kappa_undefined(tmp_path: Path) -> None:
    assert cohen_kappa([]).value is None
    assert cohen_kappa([]).reason == "no unit answered by both readers"
    same = cohen_kappa([("yes", "yes")] * 5)
    assert same.value is None
    assert same.reason == "both readers gave one and the same answer throughout"

    checklist = agreement_checklist(tmp_path)
    sheet: Sheet = {index: {"sourced": "yes"} for index in range(1, 6)}
    paths = [write_assessment(tmp_path / f"{r}.toml", r, sheet, paragraphs=5) for r in "AB"]
    sourced = stats(compare(load(paths, checklist), bootstrap=0), "sourced")
    assert sourced.kappa.value is None
    assert sourced.kappa.reason == "both readers gave one and the same answer throughout"
    assert sourced.alpha.value is None
    assert sourced.alpha.reason == "no variation: every answer is 'yes', so agreement by chance is 100%"
    assert sourced.agreement == 1.0
    assert sourced.dominant == ("yes", 1.0)


# --- 4. the bootstrap ------------------------------------------------------------------------


def correlated_files(directory: Path, readers: int = 3, paragraphs: int = 60, seed: int = 7) -> list[Path]:
    """Readers who give a shared 'true' answer 70% of the time and a random one otherwise."""
    rng = random.Random(seed)
    truth = [{"category": rng.choice(CATEGORIES), "rating": rng.randint(1, 5)} for _ in range(paragraphs)]
    paths = []
    for r in range(readers):
        sheet: Sheet = {}
        for index, true in enumerate(truth, start=1):
            sheet[index] = {
                "category": true["category"] if rng.random() < 0.7 else rng.choice(CATEGORIES),
                "rating": true["rating"] if rng.random() < 0.7 else rng.randint(1, 5),
            }
        reader = f"reader{r + 1}"
        paths.append(write_assessment(directory / f"{reader}.toml", reader, sheet, paragraphs=paragraphs))
    return paths


@pytest.fixture
def correlated(tmp_path: Path) -> ComparisonInput:
    return load(correlated_files(tmp_path), agreement_checklist(tmp_path))


@pytest.mark.parametrize("level", ["ordinal", "interval"])
def test_bootstrap_interval_is_reproducible_and_contains_alpha(correlated: ComparisonInput, level: str) -> None:
    first = compare(correlated, scale_level=level, bootstrap=300, seed=1)
    again = compare(correlated, scale_level=level, bootstrap=300, seed=1)
    other = compare(correlated, scale_level=level, bootstrap=300, seed=2)
    for key in ("category", "rating"):
        alpha = stats(first, key).alpha
        assert 0.2 < alpha.value < 0.9, key  # agreement well above chance, far from perfect
        low, high = alpha.ci
        assert -1 <= low < alpha.value < high <= 1, key
        assert alpha.ci_reason == ""
        assert stats(again, key).alpha.ci == alpha.ci, key
        assert stats(other, key).alpha.ci != alpha.ci, key
        assert stats(other, key).alpha.value == alpha.value, key
    low, high = first.overall.alpha.ci
    assert low < first.overall.alpha.value < high


def test_bootstrap_off(correlated: ComparisonInput) -> None:
    result = compare(correlated, bootstrap=0)
    for found in [*result.items, result.overall]:
        assert found.alpha.ci is None, found.key
        if found.alpha.value is not None:
            assert found.alpha.ci_reason == "bootstrap off", found.key
    assert stats(result, "rating").alpha.value == stats(compare(correlated, bootstrap=50), "rating").alpha.value


ANSWERS = {"category": CATEGORIES, "sourced": ["yes", "no"], "rating": [1, 2, 3, 4, 5]}
"""The items the clustered readers answer, with their answers."""


def clustered_sheets(paragraphs: int = 40, seed: int = 3) -> dict[str, Sheet]:
    """Two readers who, paragraph by paragraph, agree on every item or on none (60% agree): the
    items of a paragraph are perfectly correlated, as whole-paragraph resampling must respect."""
    rng = random.Random(seed)
    sheets: dict[str, Sheet] = {"A": {}, "B": {}}
    for index in range(1, paragraphs + 1):
        agree = rng.random() < 0.6
        first = {item: rng.choice(answers) for item, answers in ANSWERS.items()}
        sheets["A"][index] = first
        sheets["B"][index] = {
            item: value if agree else rng.choice([a for a in ANSWERS[item] if a != value])
            for item, value in first.items()
        }
    return sheets


def coincidence_units(sheets: dict[str, Sheet], cells: list[tuple[int, list[str]]]) -> tuple[Any, int]:
    """Krippendorff's coincidence matrix (flattened) of each resampling unit, a (paragraph, items)
    cell, over values that are (item, answer) pairs, so that answers to different items never
    coincide; and the number of values. Written from the definition, independently of readtui."""
    import numpy as np

    values = {(item, answer): n for n, (item, answer) in enumerate((i, a) for i in ANSWERS for a in ANSWERS[i])}
    rows = []
    for index, items in cells:
        o = np.zeros((len(values), len(values)))
        for item in items:
            given = [values[item, sheet[index][item]] for sheet in sheets.values() if item in sheet.get(index, {})]
            for a, b in combinations(range(len(given)), 2):
                o[given[a], given[b]] += 1 / (len(given) - 1)
                o[given[b], given[a]] += 1 / (len(given) - 1)
        rows.append(o.ravel())
    return np.array(rows), len(values)


def percentile_interval(units: Any, size: int, level: float, samples: int = 20_000) -> tuple[float, float]:
    """The percentile bootstrap interval of nominal alpha at ``level``, resampling ``units`` (rows of
    ``coincidence_units``) with replacement; alpha = 1 − (n − 1) Σ_c≠k o_ck / Σ_c≠k n_c n_k."""
    import numpy as np

    rng = np.random.default_rng(2024)
    weights = rng.multinomial(len(units), np.full(len(units), 1 / len(units)), size=samples)
    o = (weights @ units).reshape(samples, size, size)
    marginals, apart = o.sum(axis=2), 1 - np.eye(size)
    expected = (marginals[:, :, None] * marginals[:, None, :] * apart).sum(axis=(1, 2))
    alphas = 1 - (marginals.sum(axis=1) - 1) * (o * apart).sum(axis=(1, 2)) / expected
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(alphas, [tail, 100 - tail])
    return float(low), float(high)


@pytest.fixture
def clustered(tmp_path: Path) -> tuple[dict[str, Sheet], Comparison]:
    """``clustered_sheets`` compared with 20,000 resamples (so that the interval's sampling noise is
    about 0.002, well under the tolerances below)."""
    sheets = clustered_sheets()
    paths = [write_assessment(tmp_path / f"{r}.toml", r, sheet, paragraphs=40) for r, sheet in sheets.items()]
    return sheets, compare(load(paths, agreement_checklist(tmp_path)), bootstrap=20_000, seed=1)


def test_bootstrap_interval_is_the_95_percent_percentile_interval(
    clustered: tuple[dict[str, Sheet], Comparison],
) -> None:
    """The interval is the 2.5th to 97.5th percentile of the resampled alphas (not 90% or another level)."""
    sheets, comparison = clustered
    units, size = coincidence_units(sheets, [(index, ["category"]) for index in range(1, 41)])
    expected, narrower = percentile_interval(units, size, 0.95), percentile_interval(units, size, 0.90)
    assert min(narrower[0] - expected[0], expected[1] - narrower[1]) > 0.02  # the data tell the levels apart
    assert stats(comparison, "category").alpha.ci == pytest.approx(expected, abs=0.01)


def test_pooled_bootstrap_resamples_whole_paragraphs(clustered: tuple[dict[str, Sheet], Comparison]) -> None:
    """A resampled paragraph brings all its items along, as docs/compare.md says: with items that
    agree or disagree together, resampling (item, paragraph) cells would give a far narrower interval."""
    sheets, comparison = clustered
    paragraphs = coincidence_units(sheets, [(index, list(ANSWERS)) for index in range(1, 41)])
    cells = coincidence_units(sheets, [(index, [item]) for index in range(1, 41) for item in ANSWERS])
    expected, by_cell = percentile_interval(*paragraphs, 0.95), percentile_interval(*cells, 0.95)
    assert (expected[1] - expected[0]) - (by_cell[1] - by_cell[0]) > 0.1  # the data tell the two apart
    assert comparison.overall.alpha.ci == pytest.approx(expected, abs=0.01)


# --- 5. checks before figures ----------------------------------------------------------------


def test_directories_and_patterns(tmp_path: Path) -> None:
    """A directory's checklist is skipped (and found beside the files); a file named twice counts once."""
    agreement_checklist(tmp_path)
    for reader in "AB":
        write_assessment(tmp_path / f"{reader}.readtui.toml", reader, {1: {"rating": 2}}, paragraphs=2)
    assert load_comparison([str(tmp_path)]).readers == ["A", "B"]
    assert load_comparison([str(tmp_path / "*.readtui.toml"), str(tmp_path / "A.readtui.toml")]).readers == ["A", "B"]
    with pytest.raises(ReadtuiError) as error:
        load_comparison([str(tmp_path / "nobody*.toml")])
    assert str(error.value) == f"{tmp_path / 'nobody*.toml'}: no files match this pattern"


def test_only_one_reader_per_essay_is_an_error_naming_each_file(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    first = write_assessment(tmp_path / "ann.toml", "Ann", {1: {"rating": 2}}, paragraphs=2, title="First")
    second = write_assessment(tmp_path / "bob.toml", "Bob", {1: {"rating": 2}}, paragraphs=2, title="Second")
    with pytest.raises(ReadtuiErrors) as error:
        load([first, second], checklist)
    assert problem_lines(error) == [
        f"{first}: the only reader of 'First'",
        f"{second}: the only reader of 'Second'",
        "nothing to compare: no essay has two or more readers",
    ]


def test_unreadable_files_are_named_without_a_traceback(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    good = [write_assessment(tmp_path / f"{r}.toml", r, {1: {"rating": 2}}, paragraphs=2) for r in "AB"]
    broken = tmp_path / "broken.toml"
    broken.write_text(good[0].read_text(encoding="utf-8") + "\n[reader\n", encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(good[0].read_text(encoding="utf-8").replace("paragraphs = 2", 'paragraphs = "two"'))
    with pytest.raises(ReadtuiErrors) as error:
        load([*good, broken, wrong], checklist)
    lines = problem_lines(error)
    assert len(lines) == 2, lines
    assert re.match(rf"{re.escape(str(broken))}:\d+:\d+: TOML syntax error", lines[0])
    assert lines[1].startswith(f"{wrong}: essay.paragraphs: ")
    assert "Traceback" not in str(error.value) and len(str(error.value).splitlines()) == 2


def test_files_with_different_checklists_are_an_error(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    paths = [write_assessment(tmp_path / f"{r}.toml", r, {1: {"rating": 2}}, paragraphs=2) for r in "AB"]
    odd = write_assessment(tmp_path / "odd.toml", "C", {1: {"rating": 2}}, paragraphs=2, checklist_id="other")
    with pytest.raises(ReadtuiErrors) as error:
        load([*paths, odd], checklist)
    assert problem_lines(error) == [
        f"{odd}: checklist.id: uses checklist 'other', while most files use {CHECKLIST_ID!r}"
    ]


def test_same_reader_name_twice_is_told_apart_by_file_name(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    paths = [
        write_assessment(tmp_path / "ann-1.toml", "Ann", {1: {"rating": 2}, 2: {"rating": 4}}, paragraphs=2),
        write_assessment(tmp_path / "ann-2.toml", "Ann", {1: {"rating": 2}, 2: {"rating": 5}}, paragraphs=2),
        write_assessment(tmp_path / "bob.toml", "Bob", {1: {"rating": 3}, 2: {"rating": 4}}, paragraphs=2),
    ]
    data = load(paths, checklist)
    assert data.readers == ["Ann (ann-1.toml)", "Ann (ann-2.toml)", "Bob"]
    rating = stats(compare(data, bootstrap=0), "rating")
    assert (rating.readers, rating.units, rating.pairable) == (3, 2, 6)


def test_files_of_several_essays_are_grouped(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    sheets = {
        ("X", "Ann"): {1: {"rating": 1}, 2: {"rating": 2}, 3: {"rating": 3}, 0: {"verdict": 2}},
        ("X", "Bob"): {1: {"rating": 1}, 2: {"rating": 2}, 3: {"rating": 4}, 0: {"verdict": 2}},
        ("Y", "Ann"): {1: {"rating": 5}, 2: {"rating": 5}, 0: {"verdict": 5}},
        ("Y", "Bob"): {1: {"rating": 5}, 2: {"rating": 4}, 0: {"verdict": 4}},
        ("Z", "Ann"): {1: {"rating": 1}, 0: {"verdict": 1}},
    }
    paths = [
        write_assessment(tmp_path / f"{title}-{reader}.toml", reader, sheet, paragraphs=len(sheet) - 1, title=title)
        for (title, reader), sheet in sheets.items()
    ]
    data = load(paths, checklist)
    assert [(e.title, e.paragraphs, e.readers) for e in data.essays] == [
        ("X", 3, ["Ann", "Bob"]),
        ("Y", 2, ["Ann", "Bob"]),
    ]
    assert data.warnings == [f"{paths[-1]}: the only reader of 'Z'; left out"]
    result = compare(data, bootstrap=0)
    assert stats(result, "rating").units == 5  # paragraphs of X and Y; Z's is left out
    verdict = stats(result, "verdict")
    assert (verdict.units, verdict.pairable, verdict.agreement) == (2, 4, 0.5)
    # ordinal: n_2 = 2, n_4 = n_5 = 1; δ²(4,5) = 1, δ²(2,4) = 1.5², δ²(2,5) = 2.5²; o_45 = o_54 = 1
    # alpha = 1 − (4 − 1)·2 / (2·(2·1·2.25 + 2·1·6.25 + 1·1·1)) = 1 − 6/36
    assert verdict.alpha.value == pytest.approx(5 / 6)


def test_checklist_versions_compare_only_shared_items(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path, version="2")
    old = {1: {"category": "1", "rating": 2}, 2: {"category": "2", "rating": 3}}
    new = {1: {"category": "1", "sourced": "yes"}, 2: {"category": "3", "sourced": "no"}}
    paths = [
        write_assessment(tmp_path / "old.toml", "Ann", old, paragraphs=2, version="1"),
        write_assessment(tmp_path / "new.toml", "Bob", new, paragraphs=2, version="2"),
    ]
    data = load(paths, checklist)
    assert data.warnings == [
        f"the files use versions 1, 2 of checklist {CHECKLIST_ID!r}; only the items they share are compared",
        "not compared, missing from some versions: rating, sourced",  # items no one answered are kept
    ]
    assert "rating" not in [item.id for item in data.items]
    assert "sourced" not in [item.id for item in data.items]
    result = compare(data, bootstrap=0)
    assert "category" in [s.key for s in result.items]
    assert stats(result, "category").agreement == 0.5


# --- 6. span agreement -----------------------------------------------------------------------


highlight_sets = st.lists(
    st.sets(
        st.tuples(st.integers(1, 4), st.integers(0, 30), st.integers(1, 12)).map(lambda s: (s[0], s[1], s[1] + s[2])),
        max_size=8,
    ),
    min_size=2,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(highlight_sets, st.sampled_from([compare_module.SPAN_PAIRS_AT_ONCE, 1, 3]))
def test_span_matches_count_as_pair_by_pair(sets, at_once) -> None:
    """The vectorised count of exact and overlapping highlights (in chunks of any size) is the
    one pair of readers at a time would give."""
    original = compare_module.SPAN_PAIRS_AT_ONCE
    compare_module.SPAN_PAIRS_AT_ONCE = at_once
    try:
        sizes, exact, found = compare_module._span_matches(sets)
    finally:
        compare_module.SPAN_PAIRS_AT_ONCE = original
    assert sizes == [len(spans) for spans in sets]
    for a, b in combinations(range(len(sets)), 2):
        assert exact[a, b] == exact[b, a] == len(sets[a] & sets[b])
        for x, y in ((a, b), (b, a)):
            assert found[x, y] == sum(any(p == q and s < f and t < e for q, t, f in sets[y]) for p, s, e in sets[x]), (
                x,
                y,
            )


def test_span_agreement_exact_and_overlap(tmp_path: Path) -> None:
    checklist = agreement_checklist(tmp_path)
    # Paragraph 1: one identical span, one overlapping pair, and A's (10, 20) only touches B's
    # (0, 10). The spans at (0, 5) are in different paragraphs, so they neither match nor overlap.
    ann = {1: [(0, 10), (10, 20), (20, 30)], 2: [(0, 5)]}
    bob = {1: [(0, 10), (25, 35)], 3: [(0, 5)]}
    paths = [
        write_assessment(tmp_path / "ann.toml", "Ann", {}, paragraphs=3, highlights=ann),
        write_assessment(tmp_path / "bob.toml", "Bob", {}, paragraphs=3, highlights=bob),
    ]
    [span] = compare(load(paths, checklist), bootstrap=0).spans
    assert (span.label, span.first, span.second) == ("loaded-word", "Ann", "Bob")
    assert (span.first_spans, span.second_spans, span.exact) == (4, 3, 1)
    assert span.exact_f1 == pytest.approx(2 * 1 / (4 + 3))
    precision, recall = 2 / 3, 2 / 4  # Bob's spans that overlap Ann's; Ann's that overlap Bob's
    assert span.overlap_f1 == pytest.approx(2 * precision * recall / (precision + recall))  # 4/7


# --- 7. essay-scope items --------------------------------------------------------------------


@pytest.mark.parametrize(("verdicts", "agreement"), [((2, 4, 4), 1 / 3), ((3, 3, 3), 1.0)])
def test_essay_scope_item_with_one_essay(tmp_path: Path, verdicts: tuple[int, ...], agreement: float) -> None:
    """Undefined, for want of essays (even when the answers agree); agreement is still given."""
    checklist = agreement_checklist(tmp_path)
    paths = [
        write_assessment(tmp_path / f"{reader}.toml", reader, {0: {"verdict": v}, 1: {"category": c}}, paragraphs=2)
        for reader, v, c in zip("ABC", verdicts, "123", strict=True)
    ]
    verdict = stats(compare(load(paths, checklist), bootstrap=0), "verdict")
    assert verdict.alpha.value is None
    assert (
        verdict.alpha.reason == "one essay is one unit: alpha compares answers across essays, so it needs two or more"
    )
    assert (verdict.units, verdict.pairable, verdict.readers) == (1, 3, 3)
    assert verdict.agreement == pytest.approx(agreement)  # (2, 4, 4): of the 3 pairs of answers, only B–C agree


# --- 8. stale parts ----------------------------------------------------------------------------


def figures(comparison: Comparison) -> dict[str, Any]:
    """Every figure of a comparison, as plain values that compare equal when the figures do."""
    data = comparison.input
    return {
        "items": [
            (s.key, s.units, s.readers, s.pairable, s.agreement, s.alpha, s.kappa, s.dominant, s.unsure_rate)
            for s in [*comparison.items, comparison.overall]
        ],
        "pairs": comparison.pairs,
        "map": [(row.index, row.disagreeing, row.pairs) for row in comparison.rows],
        "spans": comparison.spans,
        "spans by paragraph": [span_agreement(data, only=(0, index)) for index in range(1, 5)],
    }


def test_stale_records_and_highlights_change_no_figure(tmp_path: Path) -> None:
    """What a reader wrote about an earlier version of a paragraph (a stale record, or a stale
    highlight in a live one) counts in no figure: alpha, kappa, the map, span agreement."""
    checklist = agreement_checklist(tmp_path)
    sheets: dict[str, Sheet] = {
        "A": {
            index: {"category": c, "rating": r, "sourced": s}
            for index, (c, r, s) in enumerate([("1", 2, "yes"), ("2", 4, "no"), ("3", 3, "yes")], start=1)
        },
        "B": {
            index: {"category": c, "rating": r, "sourced": s}
            for index, (c, r, s) in enumerate(
                [("1", 3, "yes"), ("2", 4, "yes"), ("4", 3, "yes"), ("5", 1, "no")], start=1
            )
        },
    }
    marks = {"A": {1: [(0, 10)], 2: [(5, 15)]}, "B": {1: [(0, 10), (60, 70)], 2: [(20, 30)], 4: [(0, 5)]}}
    for directory in ("live", "with-stale"):
        (tmp_path / directory).mkdir()
        for reader in "AB":
            write_assessment(
                tmp_path / directory / f"{reader}.toml", reader, sheets[reader], paragraphs=4, highlights=marks[reader]
            )
    # A's file as it is after the essay changed: the old ¶ 1 and ¶ 4 kept as stale records (¶ 1's
    # with answers unlike the live ones, a highlight where B has one, ¶ 4's where A has no live
    # record), and a highlight in the live ¶ 2 whose quote was not found again.
    path = tmp_path / "with-stale" / "A.toml"
    assessment = load_assessment(path)
    old = {"category": "5", "rating": 5, "sourced": "no"}
    for index, span in ((1, (60, 70)), (4, (0, 5))):
        assessment.paragraph.append(
            ParagraphRecord(
                index=index,
                sha256=sha(f"old {index}"),
                chars=PARAGRAPH_CHARS,
                answers=dict(old),
                highlight=[Highlight(start=span[0], end=span[1], label="loaded-word", quote="x" * (span[1] - span[0]))],
                stale=True,
            )
        )
    assessment.paragraph[1].highlight.append(
        Highlight(start=20, end=30, label="loaded-word", quote="x" * 10, stale=True)
    )
    AssessmentWriter().save(path, assessment)
    assert [(r.index, r.stale) for r in load_assessment(path).paragraph] == [
        (1, False),
        (1, True),
        (2, False),
        (3, False),
        (4, True),
    ]

    live, with_stale = (
        compare(load(sorted((tmp_path / d).glob("*.toml")), checklist), bootstrap=200) for d in ("live", "with-stale")
    )
    assert figures(with_stale) == figures(live)
    # the figures are defined, so that their being equal means something
    category = stats(live, "category")
    assert None not in (category.alpha.value, category.alpha.ci, category.kappa.value)
    assert [span.exact for span in live.spans] == [1]
