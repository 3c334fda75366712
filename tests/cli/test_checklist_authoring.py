"""Writing your own checklist: `readtui checklist new` (a commented starter, or a copy of a bundled
one), `checklist check` (= validate), `checklist list` (= checklists); and the JSON Schema that
editors use, checked with jsonschema against every bundled checklist and against readtui's own
validation."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from readtui.core.authoring import STARTER, checklist_id_for
from readtui.core.checklist import bundled_checklists, checklist_from_data
from readtui.core.errors import ReadtuiError, ReadtuiErrors
from readtui.core.launch import prepare_session
from readtui.core.storage import atomic_create, load_checklist
from readtui.tui.app import make_app
from tests.app.conftest import screen_text
from tests.conftest import cli, read_toml

BUNDLED = sorted(bundled_checklists())


def _starter() -> dict[str, Any]:
    return tomllib.loads(STARTER.format(format="readtui-checklist/1", id="x", path="x.toml"))


def _starter_items(data: dict) -> list[dict]:
    return [item for section in data["section"] for item in section["item"]]


def new(path: Path, *args: str):
    return cli("checklist", "new", path, *args)


# --- checklist new: the starter --------------------------------------------------------------------


def test_the_starter_is_written_and_is_valid_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "source-check.toml"
    result = new(path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"wrote {path}: checklist source-check, 4 items"
    checklist = load_checklist(path)
    assert checklist.id == "source-check" and checklist.version == "1"
    assert {item.kind for item in checklist.items.values()} == {"choice", "multi", "scale", "text"}
    assert {item.scope for item in checklist.items.values()} == {"paragraph", "essay"}
    assert checklist.labels and any(item.evidence for item in checklist.items.values())
    check = cli("checklist", "check", path)
    assert (check.exit_code, check.stdout) == (0, f"{path}: ok (checklist source-check 1, 4 items)\n")


def test_the_starter_shows_every_key_of_a_checklist() -> None:
    data = _starter()
    used = set(data) | {key for table in data["section"] + data["label"] for key in table}
    used |= {key for section in data["section"] for item in section["item"] for key in item}
    used |= {key for item in _starter_items(data) for option in item.get("options", []) for key in option}
    assert used == {
        *("format", "id", "title", "version", "description", "section", "label", "help", "key", "item"),
        *("prompt", "kind", "scope", "required", "evidence", "options", "needs_evidence", "label"),
        *("min", "max", "low", "high"),
    }


def test_the_starter_names_the_schema_for_editors_on_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    new(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# #:schema ./checklist.schema.json"
    # Uncommented as the next lines say, it is a taplo directive: first in the first block of comments.
    path.write_text("\n".join([lines[0].removeprefix("# "), *lines[1:]]) + "\n", encoding="utf-8")
    assert load_checklist(path).id == "mine"


async def test_the_starter_opens_in_readtui_and_saves_answers(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    new(path)
    out = tmp_path / "answers.toml"
    prepared = prepare_session(None, checklist_spec=str(path), reader="tester", out=out)
    assert prepared.check() == []
    app = make_app(prepared, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Are the sources named?" in screen_text(app)
        await pilot.press("1")
        await pilot.press("q")
        await pilot.pause()
    prepared.close()
    data = read_toml(out)
    assert data["checklist"]["id"] == "mine"
    assert data["paragraph"][0]["answers"] == {"sources-named": "all"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("My List.toml", "my-list"), ("notes_2024.toml", "notes_2024"), ("--x--.toml", "x"), ("Ünï.toml", "n")],
)
def test_the_id_is_made_from_the_file_name(tmp_path: Path, name: str, expected: str) -> None:
    assert checklist_id_for(tmp_path / name) == expected


def test_a_file_name_that_differs_from_the_id_gets_a_note(tmp_path: Path) -> None:
    result = new(tmp_path / "My List.toml")
    assert result.exit_code == 0
    assert "readtui finds a checklist by id as my-list.toml" in result.stdout
    assert load_checklist(tmp_path / "My List.toml").id == "my-list"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("critical-reading.toml", "'critical-reading' is the id of a bundled checklist"),
        ("Critical Reading.toml", "'critical-reading' is the id of a bundled checklist"),
        ("mine.txt", "give the checklist a file name ending in .toml"),
        ("mine", "give the checklist a file name ending in .toml"),
        ("---.toml", "no checklist id can be made from this file name"),
    ],
)
def test_names_that_cannot_work_are_refused(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    result = new(path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: ") and expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not path.exists()


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("my own work\n", encoding="utf-8")
    for args in ((), ("--from", "critical-reading")):
        result = new(path, *args)
        assert result.exit_code == 2
        assert result.stderr == f"{path}: already exists; it is never overwritten (choose another name)\n"
        assert path.read_text(encoding="utf-8") == "my own work\n"
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "nowhere.toml")  # a dangling link: writing through it would create a file
    assert new(link).exit_code == 2
    assert not (tmp_path / "nowhere.toml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.toml", "mine.toml"]  # no temporary files left


def test_a_file_that_appears_while_writing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check before writing can be overtaken; the hard link that publishes the file cannot."""
    path = tmp_path / "mine.toml"
    real_link = os.link

    def someone_else_first(source, target, **kwargs):
        Path(target).write_text("theirs\n", encoding="utf-8")
        return real_link(source, target, **kwargs)

    monkeypatch.setattr(os, "link", someone_else_first)
    with pytest.raises(ReadtuiError, match="already exists"):
        atomic_create(path, "mine\n")
    assert path.read_text(encoding="utf-8") == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]


def test_without_hard_links_the_file_is_renamed_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source, target, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    atomic_create(tmp_path / "mine.toml", "mine\n")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]
    assert (tmp_path / "mine.toml").read_text(encoding="utf-8") == "mine\n"


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "mine.toml"
    result = new(path)
    assert result.exit_code == 2
    assert result.stderr == f"{path}: could not write: No such file or directory\n"


# --- checklist new --from ------------------------------------------------------------------------


@pytest.mark.parametrize("bundled", BUNDLED)
def test_a_copy_of_every_bundled_checklist(tmp_path: Path, bundled: str) -> None:
    path = tmp_path / "my-copy.toml"
    result = new(path, "--from", bundled)
    assert result.exit_code == 0, result.output
    original, copied = load_checklist(bundled_checklists()[bundled]), load_checklist(path)
    assert (copied.id, copied.version) == ("my-copy", "1")
    assert copied.section == original.section and copied.label == original.label
    assert (copied.title, copied.description) == (original.title, original.description)
    text = path.read_text(encoding="utf-8")
    assert f"# Copied from the checklist {bundled!r}, version {original.version!r}." in text
    source_text = bundled_checklists()[bundled].read_text(encoding="utf-8")
    assert text.count("\n#") >= source_text.count("\n#"), "its comments are kept"


def test_a_copy_of_a_file_of_ones_own(tmp_path: Path) -> None:
    new(tmp_path / "first.toml")
    result = new(tmp_path / "second.toml", "--from", str(tmp_path / "first.toml"))
    assert result.exit_code == 0, result.output
    assert load_checklist(tmp_path / "second.toml").items == load_checklist(tmp_path / "first.toml").items


def test_a_copy_of_nothing_is_refused(tmp_path: Path) -> None:
    result = new(tmp_path / "mine.toml", "--from", "no-such-pack")
    assert result.exit_code == 2
    assert result.stderr.startswith("--checklist: no bundled or user checklist 'no-such-pack'")
    assert not (tmp_path / "mine.toml").exists()


# --- checklist check and list ----------------------------------------------------------------------


def test_check_is_validate(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    new(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kind = "scale"', 'kind = "scales"').replace("low =", "lwo ="), encoding="utf-8")
    checked, validated = cli("checklist", "check", path), cli("validate", path)
    assert (checked.exit_code, checked.stdout, checked.stderr) == (
        validated.exit_code,
        validated.stdout,
        validated.stderr,
    )
    assert checked.exit_code == 2
    line = text.splitlines().index('  kind = "scale"   # scale: a whole number from min to max') + 1
    assert checked.stderr.splitlines() == [
        f"{path}:{line}:3: section[1].item[2].kind: unknown kind 'scales' (expected one of: choice, multi, scale, text)"
    ]


def test_list_is_checklists() -> None:
    listed = cli("checklist", "list")
    assert listed.exit_code == 0
    assert listed.stdout == cli("checklists").stdout
    assert all(name in listed.stdout for name in BUNDLED)


def test_a_misspelt_subcommand_is_named() -> None:
    result = cli("checklist", "chek", "x.toml")
    assert result.exit_code == 2
    assert "No such command 'chek'" in result.output


# --- the JSON Schema in editors ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def checklist_schema() -> dict[str, Any]:
    result = cli("schema", "checklist")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("bundled", BUNDLED)
def test_the_schema_accepts_every_bundled_checklist(checklist_schema: dict, bundled: str) -> None:
    data = tomllib.loads(bundled_checklists()[bundled].read_text(encoding="utf-8"))
    jsonschema.validate(data, checklist_schema, cls=jsonschema.Draft202012Validator)


def test_the_schema_accepts_the_starter(checklist_schema: dict) -> None:
    data = _starter()
    jsonschema.validate(data, checklist_schema, cls=jsonschema.Draft202012Validator)


def _item(data: dict, kind: str) -> dict:
    return next(item for item in _starter_items(data) if item["kind"] == kind)


BROKEN = {
    "unknown-top-key": lambda d: d.update(author="me"),
    "misspelt-item-key": lambda d: _item(d, "scale").update(lwo=_item(d, "scale").pop("low")),
    "unknown-kind": lambda d: _item(d, "choice").update(kind="choise"),
    "no-kind": lambda d: _item(d, "text").pop("kind"),
    "bad-id": lambda d: d.update(id="My list"),
    "id-too-long": lambda d: d.update(id="x" * 65),
    "number-as-text": lambda d: _item(d, "scale").update(max="5"),
    "text-as-number": lambda d: d.update(version=2),
    "bool-as-text": lambda d: _item(d, "text").update(required="no"),
    "one-option": lambda d: _item(d, "multi").update(options=_item(d, "multi")["options"][:1]),
    "option-without-label": lambda d: _item(d, "choice")["options"][0].pop("label"),
    "bad-scope": lambda d: _item(d, "text").update(scope="book"),
    "item-scope-before": lambda d: _item(d, "text").update(scope="before"),  # only a section says it
    "no-sections": lambda d: d.update(section=[]),
    "section-without-items": lambda d: d["section"][0].update(item=[]),
    "empty-prompt": lambda d: _item(d, "choice").update(prompt=""),
    "label-key-two-letters": lambda d: d["label"][0].update(key="vv"),
    "other-format": lambda d: d.update(format="readtui-checklist/2"),
    "scale-options": lambda d: _item(d, "scale").update(options=[{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_schema_and_readtui_agree_on_broken_checklists(checklist_schema: dict, case: str, tmp_path: Path) -> None:
    data = copy.deepcopy(_starter())
    BROKEN[case](data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, checklist_schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises((ReadtuiError, ReadtuiErrors)):
        checklist_from_data(tmp_path / "x.toml", data)


def test_an_editor_is_told_which_key_is_wrong(checklist_schema: dict) -> None:
    """Editors ignore `discriminator`: the item kinds are conditions, so a misspelt key in a choice
    item is reported as that key, not as "valid under none of the schemas"."""
    assert "discriminator" not in json.dumps(checklist_schema)
    data = _starter()
    _item(data, "choice")["otions"] = _item(data, "choice").pop("options")
    messages = sorted(error.message for error in jsonschema.Draft202012Validator(checklist_schema).iter_errors(data))
    assert messages == [
        "'options' is a required property",
        "Additional properties are not allowed ('otions' was unexpected)",
    ]
    _item(data, "choice")["kind"] = "choise"
    errors = list(jsonschema.Draft202012Validator(checklist_schema).iter_errors(data))
    assert any("'choise' is not one of ['choice', 'multi', 'scale', 'text']" in error.message for error in errors)


def test_what_only_readtui_checks(checklist_schema: dict, tmp_path: Path) -> None:
    """Ids that must be unique or must exist, and min below max, are beyond a JSON Schema: an editor
    accepts them, `readtui checklist check` does not (the guide says so)."""
    for change in (
        lambda d: _item(d, "text").update(id=_item(d, "choice")["id"]),
        lambda d: _item(d, "choice").update(evidence="no-such-label"),
        lambda d: _item(d, "scale").update(min=5, max=1),
    ):
        data = copy.deepcopy(_starter())
        change(data)
        jsonschema.validate(data, checklist_schema, cls=jsonschema.Draft202012Validator)
        with pytest.raises(ReadtuiErrors):
            checklist_from_data(tmp_path / "x.toml", data)


# --- the worked example in docs/checklists.md ----------------------------------------------------------

GUIDE = Path(__file__).parents[2] / "docs" / "checklists.md"

FIRST_ATTEMPT = """
  [[section.item]]
  id = "quotes-traced"
  prompt = "Could you trace the quotes to where they were said?"
  help = 'Search for the exact words. Don't trust a quote you can't trace.'
  kind = "choice"
  evidence = "vague-sources"
  otions = [
    { id = "yes", label = "Yes, traced" }
    { id = "Not found", label = "Couldn't find them" },
  ]
"""


def test_the_guide_shows_what_readtui_really_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps 1 to 5 of the guide, done here: every command's output is in the guide as printed."""
    guide = GUIDE.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def shown(*args: str) -> str:
        result = cli(*args)
        block = f"$ readtui {' '.join(args)}\n{result.stdout}{result.stderr}"
        assert block in guide, block
        return block

    path = Path("source-check.toml")
    shown("checklist", "new", str(path))
    text = path.read_text(encoding="utf-8")
    text = text.replace('title = "My checklist"', 'title = "Source check"')
    text = text.replace(
        'description = "What this checklist is for, and where its questions come from."',
        'description = "Who is quoted in a news story, and can you trace them?"',
    )
    last_option = '    { id = "no-sources", label = "No sources given" },\n  ]\n'
    text = text.replace(last_option, last_option + FIRST_ATTEMPT, 1)
    text = text.replace("  max = 5\n", '  max = "5"\n').replace(
        'title = "Overall"\n', 'title = "Overall"\nscope = "essay"\n'
    )
    assert FIRST_ATTEMPT.strip() in guide
    fixes = [
        (
            "help = 'Search for the exact words. Don't trust a quote you can't trace.'",
            "help = \"Search for the exact words. Don't trust a quote you can't trace.\"",
        ),
        ('{ id = "yes", label = "Yes, traced" }\n', '{ id = "yes", label = "Yes, traced" },\n'),
        ("  otions = [", "  options = ["),
        ('evidence = "vague-sources"', 'evidence = "vague-source"'),
    ]
    for old, new in fixes:
        path.write_text(text, encoding="utf-8")
        shown("checklist", "check", str(path))
        text = text.replace(old, new)
    text = text.replace(
        '{ id = "Not found", label = "Couldn\'t find them" }',
        '{ id = "not-found", label = "Couldn\'t find them", needs_evidence = true }',
    )
    text = text.replace('  max = "5"\n', "  max = 5\n").replace(
        'title = "Overall"\nscope = "essay"\n', 'title = "Overall"\n'
    )
    path.write_text(text, encoding="utf-8")
    assert (
        "$ readtui checklist check source-check.toml\nsource-check.toml: ok (checklist source-check 1, 5 items)\n"
        in guide
    )
    assert cli("checklist", "check", str(path)).stdout == "source-check.toml: ok (checklist source-check 1, 5 items)\n"
    finished = guide.split("The item as it ends up:\n\n```toml\n", 1)[1].split("```", 1)[0]
    assert finished in text


def test_every_toml_example_in_the_guide_is_toml() -> None:
    """Except the first attempt of step 3, whose mistakes are the point."""
    blocks = GUIDE.read_text(encoding="utf-8").split("```toml\n")[1:]
    examples = [block.split("```", 1)[0] for block in blocks]
    assert len(examples) >= 8
    for example in examples:
        if "Don't trust a quote you can't trace.'" not in example:
            tomllib.loads(example)
