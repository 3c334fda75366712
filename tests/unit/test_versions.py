"""A checklist's versions: the diff, the bundled history, and retired answers (kept, written back
as they were, shown, left out of progress, comparisons and scores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readtui.core.assessment import ESSAY
from readtui.core.checklist import bundled_checklists, checklist_from_data
from readtui.core.launch import prepare_session
from readtui.core.storage import file_sha256, load_assessment, load_checklist
from readtui.core.validation import validate_file
from readtui.core.versions import checklist_diff, history_dir, history_path
from tests.conftest import answered_with_1_2, items_of, pack, release_1_3, write_checklist

BUNDLED = bundled_checklists()["critical-reading"]


def test_the_diff_names_every_kind_of_change(tmp_path: Path) -> None:
    def edit(data: dict) -> None:
        release_1_3(data)
        items = items_of(data)
        items["claims-supported"]["options"].append({"id": "maybe", "label": "Maybe"})
        items["claims-supported"]["options"][0]["label"] = "Yes, in detail"
        items["emotion-vs-reason"]["kind"] = "text"
        items["emotion-vs-reason"].pop("options")
        items["loaded-words"]["max"] = 7
        data["label"] = [label for label in data["label"] if label["id"] != "logical-leap"]
        data["label"].append({"id": "new-label", "title": "New"})
        for section in data["section"]:
            for item in section["item"]:
                if item.get("evidence") == "logical-leap":
                    item.pop("evidence")

    old = load_checklist(BUNDLED)
    new = checklist_from_data(tmp_path / "new.toml", pack("1.3", edit))
    diff = checklist_diff(old, new)
    assert diff.added == ["new-question"]
    assert diff.removed == ["checkable"]
    assert diff.changed == [
        "claims-supported: option added: maybe",
        "claims-supported: option removed: partly",
        "claims-supported: option renamed: yes “Yes, with specifics” → “Yes, in detail”",
        "sources-named: prompt reworded: Who is named as a source?",
        "loaded-words: scale 1–5 → 1–7",
        "emotion-vs-reason: kind choice → text",
        "label added: new-label",
        "label removed: logical-leap",
    ]


def test_history_keeps_every_version_of_each_bundled_pack_with_a_history() -> None:
    """A pack with a history must have its current version there, unchanged: otherwise the next
    release could not say what changed (copy checklists/<id>.toml to history/<id>/<version>.toml)."""
    assert (history_dir() / "critical-reading").is_dir()
    for directory in history_dir().iterdir():
        for path in directory.glob("*.toml"):
            checklist = load_checklist(path)
            assert (checklist.id, checklist.version) == (directory.name, path.stem)
        current = bundled_checklists()[directory.name]
        version = load_checklist(current).version
        kept = history_path(directory.name, version)
        assert kept is not None, f"copy {current.name} to history/{directory.name}/{version}.toml"
        assert kept.read_bytes() == current.read_bytes(), f"{current.name} changed without a new version"


@pytest.mark.parametrize("bad", ["../critical-reading", "1.1/../../x", ""])
def test_a_recorded_version_is_never_a_path(bad: str) -> None:
    assert history_path("critical-reading", bad) is None
    assert history_path(bad or "..", "1.1") is None


def test_a_newer_pack_says_what_changed_and_keeps_every_answer(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    answered_with_1_2(small_essay_file, out)
    before = out.read_text(encoding="utf-8")
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))

    second = prepare_session(small_essay_file, checklist_spec=str(newer), reader="tester", out=out)
    try:
        assert second.notices == [
            "Checklist critical-reading 1.2 → 1.3 since this file was saved: 1 item added (new-question); "
            "1 item retired (checkable); 2 other changes. 3 answers no longer fit: kept in the file, "
            "listed as retired on the overall screen. Details: ctrl+p, Checklist info."
        ]
        session = second.session
        changes = session.changes
        assert changes.details() == [
            "Checklist critical-reading 1.2 → 1.3 since this file was saved",
            "  added: new-question",
            "  retired: checkable",
            "  claims-supported: option removed: partly",
            "  sources-named: prompt reworded: Who is named as a source?",
            "",
            "Retired answers (3)",
            "  ¶ 1  Could you check the key claim yourself?: Yes, easily  (item removed)",
            "  ¶ 1  Are the factual claims backed by evidence?: Partly  (option 'partly' removed)",
            "  ¶ 2  Could you check the key claim yourself?: unsure  (item removed)",
        ]
        # Not counted: ¶ 1 lacks claims-supported again, and nothing answers a removed item.
        assert (1, "claims-supported") in session.unanswered_required()
        assert not session.answer_counts()["claims-supported"]
        session.choose(1, session.checklist.items["new-question"], 1)
        session.choose(2, session.checklist.items["loaded-words"], 3)
        session.set_note(ESSAY, "done")
        second.save()
    finally:
        second.close()
    after = out.read_text(encoding="utf-8")
    for line in ['checkable = "easily"', 'claims-supported = "partly"', 'unsure = [\n    "checkable",\n]']:
        assert before.count(line) == 1 and after.count(line) == 1, line
    saved = load_assessment(out)
    assert (saved.checklist.version, saved.checklist.sha256) == ("1.2", file_sha256(BUNDLED)), (
        "while it holds answers 1.3 has no place for, the file names the version they were given with"
    )
    assert saved.paragraph[0].answers == {
        "loaded-words": 1,
        "new-question": "yes",
        "checkable": "easily",
        "claims-supported": "partly",
    }

    assert validate_file(str(out), str(newer)).problems == [], "not a broken file: its retired answers are warnings"

    # Opened again with 1.3: the same notice, the same retired answers, and still nothing is dropped.
    third = prepare_session(small_essay_file, checklist_spec=str(newer), reader="tester", out=out)
    try:
        assert third.notices == second.notices
        assert len(third.session.changes.retired) == 3
        third.save()
    finally:
        third.close()
    assert out.read_text(encoding="utf-8") == after


def test_a_newer_version_that_retires_nothing_is_recorded_at_once(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    answered_with_1_2(small_essay_file, out)
    reworded = write_checklist(
        tmp_path / "critical-reading.toml",
        pack("1.3", lambda data: items_of(data)["checkable"].update(prompt="Can you check it?")),
    )
    second = prepare_session(small_essay_file, checklist_spec=str(reworded), reader="tester", out=out)
    try:
        assert second.notices == [
            "Checklist critical-reading 1.2 → 1.3 since this file was saved: 1 other change. Every answer still "
            "fits. Details: ctrl+p, Checklist info."
        ]
        second.save()
    finally:
        second.close()
    saved = load_assessment(out).checklist
    assert (saved.version, saved.sha256) == ("1.3", file_sha256(reworded))
    third = prepare_session(small_essay_file, checklist_spec=str(reworded), reader="tester", out=out)
    third.close()
    assert third.notices == []


def test_answering_a_retired_answer_s_item_again_replaces_it(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    answered_with_1_2(small_essay_file, out)
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))
    second = prepare_session(small_essay_file, checklist_spec=str(newer), reader="tester", out=out)
    try:
        session = second.session
        session.choose(1, session.checklist.items["claims-supported"], 1)
        assert [a.item_id for a in session.changes.still_retired(session.assessment)] == ["checkable", "checkable"]
        second.save()
    finally:
        second.close()
    assert load_assessment(out).paragraph[0].answers["claims-supported"] == "yes"


def test_an_edited_checklist_file_of_the_same_version_lists_the_retired_answers(
    tmp_path: Path, small_essay_file: Path
) -> None:
    own = write_checklist(tmp_path / "critical-reading.toml", pack("1.2"))
    out = tmp_path / "mine.readtui.toml"
    first = prepare_session(small_essay_file, checklist_spec=str(own), reader="tester", out=out)
    first.session.choose(1, first.session.checklist.items["checkable"], 2)
    first.save()
    first.close()
    write_checklist(own, pack("1.2", release_1_3))
    second = prepare_session(small_essay_file, checklist_spec=str(own), reader="tester", out=out)
    try:
        assert second.notices == [
            "The checklist critical-reading 1.2 was edited since this file was saved. 1 answer no longer fits "
            "(¶ 1 checkable): "
            "kept in the file, listed as retired on the overall screen. Details: ctrl+p, Checklist info."
        ]
        assert second.session.changes.details()[-1] == "  ¶ 1  checkable: with-effort  (item removed)"
        second.save()
    finally:
        second.close()
    assert 'checkable = "with-effort"' in out.read_text(encoding="utf-8")


def test_validate_warns_of_retired_answers_when_the_checklist_changed(tmp_path: Path, small_essay_file: Path) -> None:
    out = tmp_path / "mine.readtui.toml"
    answered_with_1_2(small_essay_file, out)
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))
    report = validate_file(str(out), str(newer))
    assert report.problems == []
    assert [w.split(": ", 1)[1] for w in report.warnings] == [
        f"checklist: recorded version '1.2', found '1.3' at {newer}",
        "retired answer (kept in the file, left out of comparisons and scores): "
        "¶ 1  Could you check the key claim yourself?: Yes, easily  (item removed)",
        "retired answer (kept in the file, left out of comparisons and scores): "
        "¶ 1  Are the factual claims backed by evidence?: Partly  (option 'partly' removed)",
        "retired answer (kept in the file, left out of comparisons and scores): "
        "¶ 2  Could you check the key claim yourself?: unsure  (item removed)",
    ]
    # The very checklist the file recorded: an answer to an item it does not have is a broken file.
    broken = tmp_path / "broken.readtui.toml"
    text = out.read_text(encoding="utf-8")
    broken.write_text(text.replace("loaded-words = 1", 'loaded-words = 1\nno-such-item = "x"', 1), "utf-8")
    report = validate_file(str(broken))
    assert report.warnings == []
    assert [p.message for p in report.problems] == ["unknown item id 'no-such-item' in checklist 'critical-reading'"]


def test_compare_leaves_retired_answers_out_with_a_warning(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.core.corpus import load_comparison
    from tests.conftest import write_assessment

    answers = {1: {"checkable": "easily", "claims-supported": "partly", "loaded-words": 2}}
    ana = write_assessment(tmp_path / "ana.toml", small_essay_file, critical_checklist, "ana", answers)
    ben = write_assessment(tmp_path / "ben.toml", small_essay_file, critical_checklist, "ben", {1: {"loaded-words": 3}})
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3))
    loaded = load_comparison([str(ana), str(ben)], str(newer))
    assert loaded.warnings == [
        f"{ana}: made with critical-reading 1.2: 2 retired answer(s) left out: "
        "¶ 1 checkable (item removed), ¶ 1 claims-supported (option 'partly' removed)"
    ]
    assert "checkable" not in [item.id for item in loaded.items]
    assert loaded.essays[0].files[0].record(1).answers == {"loaded-words": 2}


def test_highlights_of_a_retired_label_are_kept_and_warned_of(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from tests.conftest import phrase, write_assessment

    def drop_label(data: dict) -> None:
        data["label"] = [label for label in data["label"] if label["id"] != "logical-leap"]
        for section in data["section"]:
            for item in section["item"]:
                if item.get("evidence") == "logical-leap":
                    item.pop("evidence")

    highlight = phrase(small_essay_file, 1, "makes a claim")
    highlight.label = "logical-leap"
    mine = write_assessment(
        tmp_path / "mine.toml", small_essay_file, critical_checklist, "me", {1: {}}, highlight={1: [highlight]}
    )
    newer = write_checklist(tmp_path / "critical-reading.toml", pack("1.3", drop_label))
    report = validate_file(str(mine), str(newer))
    assert report.problems == []
    assert report.warnings[-1] == (
        f"{mine}: highlight of a label the checklist no longer has (kept): ¶ 1 'logical-leap'"
    )
    prepared = prepare_session(small_essay_file, checklist_spec=str(newer), reader="me", out=mine)
    try:
        assert prepared.session.changes.details()[-2:] == [
            "Highlights of a retired label (1), kept",
            "  ¶ 1  logical-leap: “makes a claim”",
        ]
        prepared.save()
    finally:
        prepared.close()
    assert load_assessment(mine).paragraph[0].highlight == [highlight]


def test_score_leaves_a_learner_s_retired_answers_out_with_a_warning(
    tmp_path: Path, small_essay_file: Path, critical_checklist
) -> None:
    from readtui.core.corpus import load_learners
    from tests.conftest import write_assessment

    newer = load_checklist(write_checklist(tmp_path / "critical-reading.toml", pack("1.3", release_1_3)))
    key = write_assessment(tmp_path / "key.toml", small_essay_file, newer, "key", {1: {"loaded-words": 2}})
    learner = write_assessment(
        tmp_path / "learner.toml",
        small_essay_file,
        critical_checklist,
        "lee",
        {1: {"checkable": "no", "loaded-words": 2}},
    )
    loaded = load_learners(key, [str(learner)], str(tmp_path / "critical-reading.toml"))
    assert f"{learner}: made with critical-reading 1.2: 1 retired answer(s) left out: ¶ 1 checkable (item removed)" in (
        loaded.warnings
    )
    assert loaded.learners[0][1].paragraph[0].answers == {"loaded-words": 2}
