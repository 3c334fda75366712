"""``readtui compare --tui`` as snapshots: the disagreement map and the readers side by side (driven by
keys: tests/app/test_compare_app.py)."""

from __future__ import annotations

from readtui.tui.compare_app import CompareApp


def test_map_snapshot(snap_compare, comparison) -> None:
    assert snap_compare(CompareApp(comparison), press=["right", "right"], terminal_size=(80, 24))


def test_readers_snapshot(snap_compare, comparison) -> None:
    assert snap_compare(CompareApp(comparison), press=["right", "right", "enter"], terminal_size=(80, 24))


def test_map_names_snapshot(snap_compare, comparison) -> None:
    """Wide enough, each question stands above its column (the one under the cursor in bold)."""
    assert snap_compare(CompareApp(comparison), press=["right", "right", "right"], terminal_size=(160, 50))
