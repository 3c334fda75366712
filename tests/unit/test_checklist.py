"""Checklist loading and validation: one line per problem, naming the file and the field path."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readtui.core.checklist import (
    ChoiceItem,
    MultiItem,
    ScaleItem,
    TextItem,
    answer_is_valid,
    bundled_checklists,
    resolve_checklist,
)
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.schema import field_path
from readtui.core.storage import load_checklist
from readtui.core.validation import validate_file
from tests.conftest import write_checklist

BAD_ID_HINT = "use lowercase letters, digits, '-' and '_', starting with a letter or digit"


def valid_data() -> dict[str, Any]:
    """A small checklist with one item of every kind, in two sections."""
    return {
        "format": "readtui-checklist/1",
        "id": "mini",
        "title": "Mini",
        "version": "1",
        "section": [
            {
                "id": "first",
                "title": "First",
                "item": [
                    {
                        "id": "pick",
                        "prompt": "Pick one",
                        "kind": "choice",
                        "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
                    },
                    {
                        "id": "ticks",
                        "prompt": "Tick some",
                        "kind": "multi",
                        "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
                    },
                ],
            },
            {
                "id": "second",
                "title": "Second",
                "item": [
                    {"id": "rate", "prompt": "Rate it", "kind": "scale", "min": 1, "max": 5},
                    {"id": "say", "prompt": "Say it", "kind": "text", "scope": "essay"},
                ],
            },
        ],
    }


def problems_of(path: Path) -> list[str]:
    """The lines that loading ``path`` reports (the test fails if it loads)."""
    with pytest.raises(ReadtuiError) as caught:
        load_checklist(path)
    lines = str(caught.value).splitlines()
    if isinstance(caught.value, ReadtuiErrors):
        assert lines == [str(problem) for problem in caught.value.problems]
    return lines


def only_problem(tmp_path: Path, data: dict[str, Any]) -> str:
    path = write_checklist(tmp_path / "mine.toml", data)
    lines = problems_of(path)
    assert len(lines) == 1, lines
    return lines[0]


def item(data: dict[str, Any], section: int, index: int) -> dict[str, Any]:
    """Section and item counted from 1, like the field paths."""
    return data["section"][section - 1]["item"][index - 1]


# --- the valid case -------------------------------------------------------------------------


def test_valid_checklist_loads(tmp_path: Path) -> None:
    checklist = load_checklist(write_checklist(tmp_path / "mine.toml", valid_data()))
    assert checklist.id == "mini"
    assert list(checklist.items) == ["pick", "ticks", "rate", "say"]
    assert isinstance(checklist.items["pick"], ChoiceItem)
    assert isinstance(checklist.items["ticks"], MultiItem)
    assert isinstance(checklist.items["rate"], ScaleItem)
    assert isinstance(checklist.items["say"], TextItem)
    assert checklist.items["pick"].scope == "paragraph" and checklist.items["pick"].required is True
    assert [(section.id, [i.id for i in items]) for section, items in checklist.items_in("paragraph")] == [
        ("first", ["pick", "ticks"]),
        ("second", ["rate"]),
    ]
    assert [(section.id, [i.id for i in items]) for section, items in checklist.items_in("essay")] == [
        ("second", ["say"])
    ]


def test_field_path_counts_from_one_and_skips_kind_tags() -> None:
    assert field_path(("section", 1, "item", 0, "choice", "options")) == "section[2].item[1].options"
    assert field_path(("section", 0, "item", 2, "scale", "options", 1, "id")) == "section[1].item[3].options[2].id"
    assert field_path(("id",)) == "id"


# --- one problem each -----------------------------------------------------------------------


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    write_checklist(path, 'format = "readtui-checklist/1"\nid = \n')
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:2:6: TOML syntax error: ")


def test_toml_syntax_error_at_end_of_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    write_checklist(path, 'format = "readtui-checklist/1"\nid = "x')
    assert problems_of(path) == [f"{path}:2:8: TOML syntax error: Unterminated string"]  # the end of the text


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: no such file"]
    assert problems_of(tmp_path) == [f"{tmp_path}: is a directory, not a file"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    write_checklist(path, b'format = "readtui-checklist/1"\ntitle = "caf\xe9"\n')
    assert problems_of(path) == [f"{path}:2:13: byte 43: not valid UTF-8 (TOML files must be UTF-8)"]


def test_missing_top_level_keys(tmp_path: Path) -> None:
    path = write_checklist(tmp_path / "mine.toml", {"format": "readtui-checklist/1"})
    assert problems_of(path) == [
        f"{path}: id: missing required key",
        f"{path}: title: missing required key",
        f"{path}: version: missing required key",
        f"{path}: section: missing required key",
    ]


def test_missing_item_keys(tmp_path: Path) -> None:
    data = valid_data()
    del item(data, 2, 1)["min"]
    assert only_problem(tmp_path, data) == f"{tmp_path / 'mine.toml'}: section[2].item[1].min: missing required key"


def test_missing_options(tmp_path: Path) -> None:
    data = valid_data()
    del item(data, 1, 1)["options"]
    assert only_problem(tmp_path, data) == f"{tmp_path / 'mine.toml'}: section[1].item[1].options: missing required key"


def test_missing_kind(tmp_path: Path) -> None:
    data = valid_data()
    del item(data, 2, 2)["kind"]
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[2].item[2].kind: missing required key (one of: choice, multi, scale, text)"
    )


def test_unknown_key_in_item(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 2, 1)["otions"] = 3
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[2].item[1].otions: unknown key "
        "(expected one of: id, prompt, help, scope, required, evidence, kind, min, max, low, high)"
    )


def test_a_misspelt_key_is_answered_with_the_key_meant(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["otions"] = item(data, 1, 1).pop("options")
    assert f"{tmp_path / 'mine.toml'}: section[1].item[1].otions: unknown key (did you mean 'options'?)" in (
        problems_of(write_checklist(tmp_path / "mine.toml", data))
    )


def test_a_key_in_the_wrong_table_is_sent_where_it_belongs(tmp_path: Path) -> None:
    data = valid_data()
    data["section"][1]["scope"] = "essay"
    data["item"] = [data["section"][0]["item"].pop()]
    path = write_checklist(tmp_path / "mine.toml", data)
    assert problems_of(path) == [
        f"{path}: section[2].scope: unknown scope 'essay': a section's scope can only be \"before\" "
        "(paragraph and essay are set on its items)",
        f"{path}: item: unknown key here: 'item' belongs in each [[section]]: write [[section.item]]",
    ]


def test_unknown_keys_at_every_level(tmp_path: Path) -> None:
    data = valid_data()
    data["author"] = "me"
    data["section"][1]["colour"] = "red"
    item(data, 1, 2)["options"][1]["hint"] = "x"
    path = write_checklist(tmp_path / "mine.toml", data)
    assert problems_of(path) == [
        f"{path}: section[1].item[2].options[2].hint: unknown key (expected one of: id, label, needs_evidence, evidence)",
        f"{path}: section[2].colour: unknown key (expected one of: id, title, help, scope, item)",
        f"{path}: author: unknown key (expected one of: format, id, title, version, description, section, label)",
    ]


def test_duplicate_section_ids(tmp_path: Path) -> None:
    data = valid_data()
    data["section"][1]["id"] = "first"
    assert only_problem(tmp_path, data) == f"{tmp_path / 'mine.toml'}: section[2].id: duplicate section id 'first'"


def test_duplicate_item_ids_across_sections(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 2, 1)["id"] = "pick"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[2].item[1].id: duplicate item id 'pick' (first used at section[1].item[1].id)"
    )


def test_duplicate_option_ids(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 2)["options"][2]["id"] = "a"
    assert (
        only_problem(tmp_path, data) == f"{tmp_path / 'mine.toml'}: section[1].item[2].options: duplicate option id 'a'"
    )


@pytest.mark.parametrize("position", [(1, 1), (1, 2)], ids=["choice", "multi"])
def test_fewer_than_two_options(tmp_path: Path, position: tuple[int, int]) -> None:
    data = valid_data()
    item(data, *position)["options"] = [{"id": "only", "label": "Only"}]
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[{position[0]}].item[{position[1]}].options: needs at least 2 options"
    )


def test_no_options_at_all(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["options"] = []
    assert (
        only_problem(tmp_path, data)
        == f"{tmp_path / 'mine.toml'}: section[1].item[1].options: needs at least 2 options"
    )


@pytest.mark.parametrize(("low", "high"), [(5, 5), (5, 1)])
def test_scale_min_not_below_max(tmp_path: Path, low: int, high: int) -> None:
    data = valid_data()
    item(data, 2, 1).update(min=low, max=high)
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[2].item[1]: min ({low}) must be less than max ({high})"
    )


def test_unknown_kind(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 2, 2)["kind"] = "essay"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[2].item[2].kind: unknown kind 'essay' (expected one of: choice, multi, scale, text)"
    )


def test_unknown_scope(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["scope"] = "book"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: section[1].item[1].scope: unknown scope 'book' (expected paragraph or essay; 'before' is set on a section)"
    )


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("id", lambda d: d.update(id="Mini")),
        ("section[1].id", lambda d: d["section"][0].update(id="first section")),
        ("section[2].item[1].id", lambda d: item(d, 2, 1).update(id="-rate")),
        ("section[1].item[2].options[3].id", lambda d: item(d, 1, 2)["options"][2].update(id="C")),
    ],
)
def test_bad_ids(tmp_path: Path, where: str, change) -> None:
    data = valid_data()
    change(data)
    bad = {"id": "Mini", "section[1].id": "first section", "section[2].item[1].id": "-rate"}.get(where, "C")
    assert only_problem(tmp_path, data) == f"{tmp_path / 'mine.toml'}: {where}: bad id {bad!r}: {BAD_ID_HINT}"


def test_id_too_long(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["id"] = "a" * 65
    line = only_problem(tmp_path, data)
    assert line.startswith(f"{tmp_path / 'mine.toml'}: section[1].item[1].id: ")
    assert "64" in line


def test_wrong_value_type(tmp_path: Path) -> None:
    data = valid_data()
    data["version"] = 1.5
    line = only_problem(tmp_path, data)
    assert line.startswith(f"{tmp_path / 'mine.toml'}: version: ")
    assert "(got 1.5)" in line


def test_empty_prompt(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["prompt"] = ""
    assert only_problem(tmp_path, data).startswith(f"{tmp_path / 'mine.toml'}: section[1].item[1].prompt: ")


def test_empty_section(tmp_path: Path) -> None:
    data = valid_data()
    data["section"][0]["item"] = []
    assert only_problem(tmp_path, data).startswith(f"{tmp_path / 'mine.toml'}: section[1].item: ")


def test_newer_format_version(tmp_path: Path) -> None:
    data = valid_data()
    data["format"] = "readtui-checklist/2"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: format: made by a newer readtui "
        "(format 'readtui-checklist/2'; this readtui reads 'readtui-checklist/1'); upgrade readtui"
    )


def test_wrong_format(tmp_path: Path) -> None:
    data = valid_data()
    data["format"] = "readtui-assessment/1"
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: format: expected format = 'readtui-checklist/1', found 'readtui-assessment/1'"
    )


def test_missing_format(tmp_path: Path) -> None:
    data = valid_data()
    del data["format"]
    assert only_problem(tmp_path, data) == (
        f"{tmp_path / 'mine.toml'}: format: missing required key (expected format = 'readtui-checklist/1')"
    )


def test_several_problems_one_line_each(tmp_path: Path) -> None:
    data = valid_data()
    item(data, 1, 1)["options"] = [{"id": "only", "label": "Only"}]
    item(data, 2, 2)["scope"] = "book"
    item(data, 2, 1)["id"] = "pick"
    data["section"][1]["id"] = "first"
    path = write_checklist(tmp_path / "mine.toml", data)
    assert problems_of(path) == [
        f"{path}: section[1].item[1].options: needs at least 2 options",
        f"{path}: section[2].item[2].scope: unknown scope 'book' (expected paragraph or essay; 'before' is set on a section)",
        f"{path}: section[2].id: duplicate section id 'first'",
        f"{path}: section[2].item[1].id: duplicate item id 'pick' (first used at section[1].item[1].id)",
    ]


# --- answers and scale keys -----------------------------------------------------------------


def test_answer_is_valid(tmp_path: Path) -> None:
    checklist = load_checklist(write_checklist(tmp_path / "mine.toml", valid_data()))
    pick, ticks, rate, say = (checklist.items[i] for i in ("pick", "ticks", "rate", "say"))
    assert answer_is_valid(pick, "yes") and not answer_is_valid(pick, "maybe") and not answer_is_valid(pick, ["yes"])
    assert answer_is_valid(ticks, []) and answer_is_valid(ticks, ["a", "c"])
    assert (
        not answer_is_valid(ticks, ["a", "a"]) and not answer_is_valid(ticks, ["z"]) and not answer_is_valid(ticks, "a")
    )
    assert answer_is_valid(rate, 1) and answer_is_valid(rate, 5)
    assert not answer_is_valid(rate, 0) and not answer_is_valid(rate, 6) and not answer_is_valid(rate, True)
    assert not answer_is_valid(rate, "3")
    assert answer_is_valid(say, "") and not answer_is_valid(say, 3)


def scale(low: int, high: int) -> ScaleItem:
    return ScaleItem(id="s", prompt="p", kind="scale", min=low, max=high)


def test_scale_keys_are_values_within_0_to_9() -> None:
    one_to_five = scale(1, 5)
    assert one_to_five.keys_are_values
    assert [one_to_five.value_for_key(k) for k in range(10)] == [None, 1, 2, 3, 4, 5, None, None, None, None]
    zero_to_four = scale(0, 4)
    assert zero_to_four.value_for_key(0) == 0 and zero_to_four.value_for_key(4) == 4
    assert zero_to_four.value_for_key(5) is None


def test_scale_keys_pick_steps_outside_0_to_9() -> None:
    signed = scale(-2, 2)
    assert not signed.keys_are_values
    assert [signed.value_for_key(k) for k in range(10)] == [None, -2, -1, 0, 1, 2, None, None, None, None]
    wide = scale(0, 20)
    assert [wide.value_for_key(k) for k in (0, 1, 9)] == [None, 0, 8]
    assert wide.steps == 21


# --- finding checklists ---------------------------------------------------------------------


def test_resolve_checklist(tmp_path: Path, critical_checklist_path: Path, isolated_dirs: Path) -> None:
    assert resolve_checklist(None) == critical_checklist_path
    assert resolve_checklist("critical-reading") == critical_checklist_path
    for checklist_id in BUNDLED:
        assert resolve_checklist(checklist_id) == bundled_checklists()[checklist_id], "--checklist ID for every pack"
    own = write_checklist(tmp_path / "mini.toml", valid_data())
    assert resolve_checklist(str(own)) == own
    assert resolve_checklist(None, checklist_id="mini", beside=tmp_path / "x.readtui.toml") == own
    user_dir = isolated_dirs / "checklists"
    user_dir.mkdir(parents=True)
    write_checklist(user_dir / "other.toml", valid_data() | {"id": "other"})
    assert resolve_checklist("other") == user_dir / "other.toml"
    with pytest.raises(ReadtuiError) as caught:
        resolve_checklist("nothing")
    known = ", ".join(sorted([*BUNDLED, "other"]))
    assert str(caught.value) == (
        f"--checklist: no bundled or user checklist 'nothing' (known: {known}); give an id or a .toml path"
    )
    with pytest.raises(ReadtuiError) as caught:
        resolve_checklist(None, checklist_id="gone", beside=tmp_path / "x.readtui.toml")
    assert str(caught.value) == (
        f"{tmp_path / 'x.readtui.toml'}: checklist 'gone' not found (known: {known}); pass --checklist ID|PATH"
    )
    with pytest.raises(ReadtuiError, match="no such checklist file"):
        resolve_checklist("./missing.toml")


# --- the bundled checklist ------------------------------------------------------------------


BUNDLED = sorted(bundled_checklists())
SOURCES = {
    "critical-reading": ["SIFT", "CRAAP"],
    "quick": ["critical-reading"],
    "propaganda-techniques": ["Da San Martino et al. 2020", "SemEval-2020 Task 11", "aclanthology.org", "CC BY 4.0"],
    "credibility-signals": ["Credibility Coalition", "W3C", "credweb.org/cciv/r/1/", "MIT", "5-point"],
    "fallacies": ["readtui's own"],
    "sift": ["Mike Caulfield", "hapgood.us", "CC BY 4.0"],
    "craap": ["Meriam Library", "California State University, Chico", "Blakeslee"],
}
"""What each bundled pack's description must say of its source (and licence, where it has one)."""
MANY_OPTIONS = {("propaganda-techniques", "techniques"), ("fallacies", "fallacies")}
"""Items that list every technique of their framework in one multi, picked from a list."""


def paragraph_count() -> int:
    from readtui.core.essay import load_essay, sample_essay_path

    return len(load_essay(sample_essay_path()).paragraphs)


def answers_per_essay(checklist, paragraphs: int) -> int:
    """The required answers a reader gives for an essay of ``paragraphs`` paragraphs."""
    required = [item for item in checklist.items.values() if item.required]
    per_paragraph = sum(item.scope == "paragraph" for item in required)
    return per_paragraph * paragraphs + sum(item.scope == "essay" for item in required)


def test_every_pack_the_issue_asks_for_is_bundled() -> None:
    assert set(BUNDLED) == set(SOURCES)


@pytest.mark.parametrize("checklist_id", BUNDLED)
def test_bundled_checklist_validates(checklist_id: str) -> None:
    """Every bundled checklist is valid: the app trusts them without validating them again."""
    checklist = load_checklist(bundled_checklists()[checklist_id])
    assert checklist.id == checklist_id, "bundled files are named after their ids"
    assert checklist.format == "readtui-checklist/1"
    assert checklist.version
    for words in SOURCES[checklist_id]:
        assert words in checklist.description, f"{checklist_id}'s description names its source: {words!r}"


@pytest.mark.parametrize("checklist_id", BUNDLED)
def test_bundled_labels_exist_have_keys_and_are_used(checklist_id: str) -> None:
    checklist = load_checklist(bundled_checklists()[checklist_id])
    referenced = set()
    for item in checklist.items.values():
        referenced |= {item.evidence} | {option.evidence for option in getattr(item, "options", [])}
    referenced.discard(None)
    assert referenced <= set(checklist.labels), "every label an item or option names exists"
    keys = [label.key for label in checklist.label]
    assert all(keys) and len(set(keys)) == len(keys), "one key each, none shared"
    assert all(label.help for label in checklist.label)


def test_quick_takes_the_sample_in_under_30_answers() -> None:
    quick = load_checklist(bundled_checklists()["quick"])
    assert answers_per_essay(quick, paragraph_count()) < 30
    areas = [section.id for section, items in quick.items_in("paragraph") for _ in items]
    assert areas == ["evidence", "sourcing", "loaded-language", "logical-leaps"], "one question per area"
    [(_, verdict)] = quick.items_in("essay")
    assert [item.kind for item in verdict] == ["text"]


def test_packs_share_label_ids_where_they_mean_the_same() -> None:
    packs = {checklist_id: load_checklist(path) for checklist_id, path in bundled_checklists().items()}
    critical, quick = packs["critical-reading"], packs["quick"]
    assert {(label.id, label.key, label.title) for label in quick.label} == {
        (label.id, label.key, label.title) for label in critical.label
    }
    for item_id in ("claims-supported", "sources-named"):  # asked in the same words: the same item
        assert quick.items[item_id] == critical.items[item_id]
    assert {"appeal-to-fear", "false-dilemma"} <= set(packs["fallacies"].labels) & set(
        packs["propaganda-techniques"].labels
    )


@pytest.mark.parametrize(
    ("checklist_id", "item_id", "count"), [("propaganda-techniques", "techniques", 14), ("fallacies", "fallacies", 15)]
)
def test_each_technique_is_an_option_wanting_its_own_quote(checklist_id: str, item_id: str, count: int) -> None:
    checklist = load_checklist(bundled_checklists()[checklist_id])
    item = checklist.items[item_id]
    assert isinstance(item, MultiItem) and item.scope == "paragraph"
    labels = [option.wanted_label(item.evidence) for option in item.options]
    assert len(labels) == count and len(set(labels)) == count and None not in labels
    assert "fewest words" in item.help, "the SemEval annotators quoted as little as shows it"


@pytest.mark.parametrize("checklist_id", ["sift", "craap"])
def test_essay_packs_ask_nothing_per_paragraph(checklist_id: str) -> None:
    checklist = load_checklist(bundled_checklists()[checklist_id])
    assert checklist.items_in("paragraph") == []
    kinds = {item.kind for item in checklist.items.values()}
    assert kinds == ({"choice", "text"} if checklist_id == "sift" else {"scale"})


def test_bundled_checklist_paragraph_sections(critical_checklist) -> None:
    sections = {section.id: items for section, items in critical_checklist.items_in("paragraph")}
    expected = ("evidence", "sourcing", "language", "leaps")
    assert len(sections) == 4
    for word, section_id in zip(expected, sections, strict=True):
        assert word in section_id, (word, list(sections))
    for section_id, items in sections.items():
        assert 2 <= len(items) <= 4, section_id
        assert {item.kind for item in items} <= {"choice", "multi", "scale"}, "paragraph items are quick to answer"


def test_bundled_checklist_essay_section(critical_checklist) -> None:
    essay_sections = critical_checklist.items_in("essay")
    assert len(essay_sections) == 1
    section, items = essay_sections[0]
    assert all(i.scope == "essay" for i in section.item), "an overall section holds only essay items"
    by_id = {i.id: i for i in items}
    assert isinstance(by_id["credibility"], ScaleItem) and by_id["credibility"].required
    assert isinstance(by_id["main-claim"], TextItem) and by_id["main-claim"].required
    assert isinstance(by_id["summary"], TextItem) and by_id["summary"].required


@pytest.mark.parametrize("checklist_id", BUNDLED)
def test_bundled_checklist_meets_the_writing_guidance(checklist_id: str) -> None:
    """The limits docs/checklists.md asks checklist authors to keep to."""
    checklist = load_checklist(bundled_checklists()[checklist_id])
    for section in checklist.section:
        assert section.help and len(section.help) <= 90, section.id
        for entry in section.item:
            assert entry.help.strip(), f"{entry.id} has no help"
            assert len(entry.help) <= 300, entry.id
            assert len(entry.prompt) <= 60, entry.id
            for option in getattr(entry, "options", []):
                assert len(option.label) <= 22, (entry.id, option.id)
            if (checklist_id, entry.id) not in MANY_OPTIONS:
                assert len(getattr(entry, "options", [])) <= 9, entry.id
            if isinstance(entry, ScaleItem):
                assert entry.low and entry.high and len(entry.low) <= 16 and len(entry.high) <= 16
                assert entry.keys_are_values


def test_checklist_models_are_frozen(critical_checklist) -> None:
    clone = copy.deepcopy(critical_checklist)
    with pytest.raises(dataclasses.FrozenInstanceError):
        clone.id = "changed"  # type: ignore[misc]


# --- any damage gives ReadtuiError lines, never a crash -------------------------------------

toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=10),
    st.booleans(),
    st.floats(allow_nan=False),
    st.sampled_from(["choice", "multi", "scale", "text", "paragraph", "essay", "readtui-checklist/1", "a", "-x"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["id", "kind", "x", "options", "item"]), children, max_size=3),
    ),
    max_leaves=8,
)


def paths_in(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_in(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_in(child, (*prefix, index))
    return found


@st.composite
def damaged(draw, base: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = paths_in(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["id", "kind", "min", "extra", "options", "scope"]))] = draw(toml_values)
        else:
            parent[path[-1]] = draw(toml_values)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged(valid_data()))
def test_damaged_checklists_give_one_line_problems(tmp_path: Path, data: dict[str, Any]) -> None:
    path = write_checklist(tmp_path / "fuzz.toml", data)
    try:
        load_checklist(path)
    except ReadtuiError as error:
        lines = str(error).splitlines()
        assert lines and all(line.startswith(f"{path}: ") for line in lines)
    report = validate_file(str(path))
    assert all(str(problem).startswith(f"{path}: ") for problem in report.problems)
