"""The user's config file: key remapping, theme and auto-advance (no pydantic until it is validated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from readtui.core.paths import user_config_path
from readtui.core.schema import FORBID_EXTRA, build, validate
from readtui.core.storage import parse_toml


@dataclass(kw_only=True)
class Config:
    """``config.toml``: ``theme = "nord"``, ``auto_advance = true`` and ``[keymap]`` with
    ``binding-id = "keys"``."""

    __pydantic_config__ = FORBID_EXTRA
    theme: str | None = None
    auto_advance: bool = False
    """After a choice, move to the next item still unanswered (tick-all-that-apply items stay)."""
    keymap: dict[str, str] = field(default_factory=dict)


def load_config(path: Path | None = None) -> Config:
    """Read the config file if there is one; a bad one is a ReadtuiError naming the problem."""
    path = path or user_config_path()
    if not path.exists():
        return Config()
    data = parse_toml(path)
    try:
        return build(Config, data)  # types are all it has to check: no need for pydantic
    except (TypeError, ValueError, KeyError):
        return validate(Config, data, path)
