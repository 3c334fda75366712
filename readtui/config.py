"""The user's config file: key remapping and theme (no Textual)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from readtui.checklist import describe_validation_error
from readtui.errors import ReadtuiErrors
from readtui.paths import user_config_path
from readtui.storage import parse_toml


class Config(BaseModel):
    """``config.toml``: ``theme = "nord"`` and ``[keymap]`` with ``binding-id = "keys"``."""

    model_config = ConfigDict(extra="forbid")

    theme: str | None = None
    keymap: dict[str, str] = Field(default_factory=dict)


def load_config(path: Path | None = None) -> Config:
    """Read the config file if there is one; a bad one is a ReadtuiError naming the problem."""
    path = path or user_config_path()
    if not path.exists():
        return Config()
    try:
        return Config.model_validate(parse_toml(path))
    except ValidationError as error:
        raise ReadtuiErrors(describe_validation_error(path, error)) from None
