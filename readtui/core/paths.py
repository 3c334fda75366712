"""Where readtui keeps its own files."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "readtui"


def user_data_dir() -> Path:
    """The data directory: ``$READTUI_DATA_DIR`` or the platform's user data dir."""
    override = os.environ.get("READTUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_path() -> Path:
    """The config file: ``$READTUI_CONFIG`` or ``config.toml`` in the platform's user config dir."""
    override = os.environ.get("READTUI_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def sessions_index_path() -> Path:
    """The index of recent assessments that ``readtui sessions`` lists."""
    return user_data_dir() / "sessions.toml"
