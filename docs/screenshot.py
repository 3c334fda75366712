"""Regenerate docs/screenshot.svg, the picture of the reading screen in the README.

python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from readtui.core.launch import prepare_session
from readtui.tui.app import make_app

KEYS = ["2", "j", "1", "3", "j", "j", "j", "3", "j", "j", "4", "f", "k"]


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        prepared = prepare_session(None, checklist_spec=None, reader="alice", out=Path(directory) / "a.toml")
        app = make_app(prepared)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press(*KEYS)
            await pilot.pause()
            app.save_screenshot(str(Path(__file__).with_name("screenshot.svg")))
        prepared.close()


if __name__ == "__main__":
    asyncio.run(main())
