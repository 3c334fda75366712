"""The installed ``readtui`` command, for the tests that run it in a real (pseudo-)terminal."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

READTUI = shutil.which("readtui") or str(Path(sys.executable).with_name("readtui"))
needs_command = pytest.mark.skipif(not Path(READTUI).exists(), reason="the readtui command is not installed")
