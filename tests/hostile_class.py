"""A class whose files are hostile: reader names, notes, the essay's title and the checklist's
texts are markup and escape sequences, for the tests of the HTML that ``compare`` writes."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from tests.conftest import items_of, pack, read_toml, write_checklist, write_three_readers

HOSTILE = "<script>alert('x')</script><img src=x onerror=\"alert('i')\"><a href=\"javascript:alert('a')\">a</a>"
"""What each hostile text starts with (a word follows, to tell the texts apart)."""
NAMES = [f"{HOSTILE} Ana [b]\x1b[31m", f"{HOSTILE} Ben", f"{HOSTILE} Chloé"]


def _checklist(data: dict) -> None:
    data["title"] = f"{HOSTILE} checklist"
    data["label"][0]["title"] = f"{HOSTILE} label"
    item = items_of(data)["claims-supported"]
    item["prompt"] = f"{HOSTILE} prompt"
    for n, option in enumerate(item["options"]):
        option["label"] = f"{HOSTILE} option {n}"


def write_hostile_class(directory: Path) -> tuple[list[Path], Path]:
    """``write_three_readers`` made hostile, and the checklist they use (pass it with --checklist)."""
    checklist = write_checklist(directory / "hostile-checklist.toml", pack("1.2", _checklist))
    readers = directory / "readers"
    readers.mkdir()
    paths = write_three_readers(readers)
    for path, name in zip(paths, NAMES, strict=True):
        data = read_toml(path)
        data["reader"]["name"] = name
        data["essay"]["title"] = f"{HOSTILE} essay"
        for record in data["paragraph"]:
            record["note"] = f"{HOSTILE} note {record.get('note', '')}".rstrip()
            for highlight in record.get("highlight", []):
                highlight["note"] = f"{HOSTILE} highlight"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return paths, checklist
