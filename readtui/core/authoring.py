"""``readtui checklist new``: a commented starter checklist, or a copy of a bundled one to edit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from readtui.core.checklist import (
    CHECKLIST_FORMAT,
    Checklist,
    bundled_checklists,
    checklist_from_data,
    resolve_checklist,
)
from readtui.core.errors import ReadtuiError, visible_controls
from readtui.core.storage import atomic_create, load_checklist

SCHEMA_FILE = "checklist.schema.json"
"""The file `readtui schema checklist` is saved to, as the starter's ``#:schema`` line names it."""

_EDITOR_HELP = f"""\
# #:schema ./{SCHEMA_FILE}
# Editor help (taplo, Even Better TOML): run  readtui schema checklist > {SCHEMA_FILE}
# in this folder, then delete the "# " before "#:schema" on the first line.
"""

STARTER = (
    _EDITOR_HELP
    + """\
#
# A readtui checklist: the questions a reader answers beside an essay. Every key is explained
# in readtui's guide, docs/checklists.md. Text after # is a comment, for you only.
#
#   check it after each edit:    readtui checklist check {path}
#   try it on the sample essay:  readtui --checklist {path}

format = "{format}"   # always this line
id = "{id}"   # saved in every assessment; once it is in use, keep it
title = "My checklist"   # shown to readers
version = "1"   # change it whenever you change the questions
description = "What this checklist is for, and where its questions come from."

# Highlight labels: the kinds of words a reader can mark in a paragraph to back an answer.
[[label]]
id = "vague-source"
title = "Vague source"
key = "v"   # one letter that picks this label in the label picker
help = "A claim with no one you could check behind it: 'officials said', 'experts agree'."

# A section is a heading with items under it. Sections and items appear in the order written.
[[section]]
id = "sources"
title = "Sources"
help = "Who says so, and could you check?"   # one short line under the title

  # An item is one question. Without `scope`, it is asked once for every paragraph.
  [[section.item]]
  id = "sources-named"
  prompt = "Are the sources named?"   # the question, 60 characters or fewer
  help = "Named means you could look them up: a person with a role, an organisation, a dated report."
  kind = "choice"   # choice: pick one option, with keys 1-9
  evidence = "vague-source"   # the label whose highlights back an answer to this item
  options = [
    {{ id = "all", label = "Yes, all named" }},
    {{ id = "some", label = "Some named", needs_evidence = true }},   # asks for a highlight
    {{ id = "vague", label = "Only vague ones", needs_evidence = true }},
    {{ id = "no-sources", label = "No sources given" }},
  ]

  [[section.item]]
  id = "wording"
  prompt = "How loaded is the wording?"
  help = "Loaded words carry a verdict the facts haven't earned: 'regime', 'slammed', 'scheme'."
  kind = "scale"   # scale: a whole number from min to max
  min = 1
  max = 5
  low = "Neutral"   # names the lowest value
  high = "Very loaded"   # names the highest value

  [[section.item]]
  id = "tactics"
  prompt = "Which tactics do you spot?"
  help = "Tick each one you can point to. Press 0 if there are none."
  kind = "multi"   # multi: tick any number of options; 0 means none of these
  options = [
    {{ id = "us-vs-them", label = "Us versus them" }},
    {{ id = "absolutes", label = "Always / never / all" }},
  ]

[[section]]
id = "overall"
title = "Overall"

  # scope = "essay": asked once, on the overall screen after the last paragraph.
  [[section.item]]
  id = "main-claim"
  prompt = "In one sentence, what is the essay's main claim?"
  kind = "text"   # text: the reader's own words
  scope = "essay"
  required = false   # may be left blank (items are required unless you say so)
"""
)

_NOT_ID = re.compile(r"[^a-z0-9_-]+")


def checklist_id_for(path: Path) -> str:
    """The id a new checklist at ``path`` gets: its file name, made a valid id (``My List.toml`` →
    ``my-list``). Refused if that is a bundled checklist's id, which would hide the new one."""
    if path.suffix != ".toml":
        raise ReadtuiError(path, "give the checklist a file name ending in .toml, e.g. my-checklist.toml")
    checklist_id = _NOT_ID.sub("-", path.stem.lower()).lstrip("-_")[:64].rstrip("-_")
    if not checklist_id:
        raise ReadtuiError(path, "no checklist id can be made from this file name: use letters or digits")
    if checklist_id in bundled_checklists():
        raise ReadtuiError(
            path,
            f"{checklist_id!r} is the id of a bundled checklist, which would be used instead of yours: "
            f"choose another file name, e.g. {checklist_id}-mine.toml",
        )
    return checklist_id


def starter_text(checklist_id: str, shown_path: str) -> str:
    """The commented starter checklist (valid as it is)."""
    import shlex

    return STARTER.format(format=CHECKLIST_FORMAT, id=checklist_id, path=visible_controls(shlex.quote(shown_path)))


def copied_text(source: Path, checklist_id: str) -> str:
    """``source``'s text, comments and all, with the new id, version 1 and a note of where it came from."""
    original = load_checklist(source)
    text = source.read_bytes().decode("utf-8-sig")
    text = _replace_value(text, "version", '"1"')
    text = _replace_value(text, "id", f'"{checklist_id}"')
    note = (
        f"# Copied from the checklist {original.id!r}, version {visible_controls(original.version)!r}. Its item,\n"
        "# option and label ids are kept, so answers and highlights compare with it while they mean the same.\n"
    )
    return _EDITOR_HELP + note + "\n" + text


def _replace_value(text: str, key: str, value: str) -> str:
    from readtui.core.positions import value_span

    start, end = value_span(text, (key,))
    return text[:start] + value + text[end:]


def new_checklist(path: Path, source_spec: str | None = None) -> Checklist:
    """Write a new checklist at ``path`` (never over a file): the starter, or a copy of the checklist
    ``source_spec`` (an id or a file). Returns it, as readtui will load it."""
    checklist_id = checklist_id_for(path)
    if source_spec is None:
        text = starter_text(checklist_id, str(path))
    else:
        text = copied_text(resolve_checklist(source_spec), checklist_id)
    checklist = checklist_from_data(path, tomllib.loads(text))  # what is written must open as it is
    atomic_create(path, text)
    return checklist
