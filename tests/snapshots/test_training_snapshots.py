"""The training screen's feedback, as a snapshot (the app driven by keys: tests/app/test_training_app.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import open_training


def test_snapshot_of_the_feedback(snap_compare, tmp_path: Path, small_essay_file: Path, key_file: Path) -> None:
    app = open_training(small_essay_file, key_file, tmp_path / "snap.toml")
    try:
        assert snap_compare(app, press=["n", "3", "j", "j", "j", "j", "j", "j", "j", "2", "c"], terminal_size=(100, 32))
    finally:
        app.prepared.close()
