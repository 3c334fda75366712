"""The core: essays, checklists, assessments, storage, sessions, statistics and scoring.

Nothing here imports Textual or `readtui.tui`; an import-linter contract checks it.
"""
