"""Validating files into readtui's dataclasses with pydantic, imported only when it is needed.

The models (`checklist.py`, `assessment.py`, `config.py`) are plain dataclasses, so the reading
screen can be built and painted before pydantic is imported (that import and the schema build
cost about 80 ms and 12 MiB). Their constraints are written as `Lazy` metadata, which pydantic
expands into its own when it first builds a schema. The app builds its first frame with `build`
(no checks beyond the shape of the data) and validates with `validate` right after it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from readtui.core.errors import ReadtuiError, ReadtuiErrors

FORBID_EXTRA = {"extra": "forbid"}
"""`__pydantic_config__` of every model: unknown keys are errors."""


class Lazy:
    """`Annotated` metadata standing for pydantic metadata that ``make`` creates, once pydantic is loaded."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return handler(Annotated[source, self.make()])


def _pydantic() -> types.ModuleType:
    import pydantic

    return pydantic


def constrained(**constraints: Any) -> Lazy:
    """`pydantic.Field(**constraints)`, e.g. ``pattern``, ``min_length``, ``ge``, ``discriminator``."""
    return Lazy(lambda: _pydantic().Field(**constraints))


def strict() -> Lazy:
    """`pydantic.Strict()`: no coercion ("3" is not an integer, 1 is not a string)."""
    return Lazy(lambda: _pydantic().Strict())


def checked_by(check: Callable[[Any], Any]) -> Lazy:
    """`pydantic.AfterValidator(check)`: ``check`` raises ValueError, reported at this field."""
    return Lazy(lambda: _pydantic().AfterValidator(check))


@functools.cache
def _adapter(model: type) -> Any:
    return _pydantic().TypeAdapter(model)


def validate(model: type, data: Any, file: str | Path) -> Any:
    """Validate parsed TOML into ``model``; every problem becomes one line naming ``file``."""
    pydantic = _pydantic()
    try:
        return _adapter(model).validate_python(data)
    except pydantic.ValidationError as error:
        raise ReadtuiErrors(describe_validation_error(file, error)) from None


def json_schema(model: type) -> dict[str, Any]:
    """The JSON Schema of ``model``, for editors."""
    return _adapter(model).json_schema()


# --- building without validating --------------------------------------------------------------


def build(model: type, data: Any) -> Any:
    """Build ``model`` from parsed TOML, trusting the values and checking only the shape.

    Raises TypeError, ValueError or KeyError on anything unexpected: the caller then validates
    with `validate`, which says what is wrong.
    """
    if not isinstance(data, dict):
        raise TypeError(f"{model.__name__}: expected a table")
    hints = _init_hints(model)
    unknown = set(data) - set(hints)
    if unknown:
        raise TypeError(f"{model.__name__}: unknown keys {sorted(unknown)}")
    return model(**{name: _build_value(hints[name], value) for name, value in data.items()})


@functools.cache
def _init_hints(model: type) -> dict[str, Any]:
    hints = typing.get_type_hints(model)
    return {field.name: hints[field.name] for field in dataclasses.fields(model) if field.init}


def _build_value(hint: Any, value: Any) -> Any:
    origin = get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return build(hint, value)
    if origin is list:
        if not isinstance(value, list):
            raise TypeError("expected an array")
        (item_hint,) = get_args(hint)
        return [_build_value(item_hint, item) for item in value]
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError("expected a table")
        _, value_hint = get_args(hint)
        return {key: _build_value(value_hint, item) for key, item in value.items()}
    if origin in (Union, types.UnionType):
        return _build_union(get_args(hint), value)
    if origin is Literal:
        if value not in get_args(hint):
            raise ValueError(f"{value!r} is not one of {get_args(hint)}")
        return value
    if hint is int and (type(value) is not int):
        raise TypeError("expected an integer")
    if hint in (str, bool, datetime) and not isinstance(value, hint):
        raise TypeError(f"expected {hint.__name__}")
    return value


def _build_union(members: Iterable[Any], value: Any) -> Any:
    members = list(members)
    models = [member for member in members if dataclasses.is_dataclass(member)]
    if models:
        # Tagged by `kind`, as the item kinds of a checklist are.
        kind = value.get("kind") if isinstance(value, dict) else None
        for model in models:
            if kind in get_args(_init_hints(model)["kind"]):
                return build(model, value)
        raise ValueError(f"unknown kind {kind!r}")
    for member in members:
        try:
            return _build_value(member, value)
        except (TypeError, ValueError):
            continue
    raise TypeError(f"{value!r} fits none of {members}")


# --- turning pydantic errors into one line per problem -------------------------------------

ITEM_KINDS = ("choice", "multi", "scale", "text")
"""The `kind`s of checklist items: pydantic names the branch of the item union after them."""
_ANSWER_BRANCHES = frozenset({"int", "str", "list[str]"})
"""How pydantic names the branches of the assessment's answer union in an error's location."""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def field_path(loc: Iterable[str | int]) -> str:
    """``("section", 1, "item", 0, "options")`` → ``section[2].item[1].options`` (counting from 1).

    Keys that TOML would need to quote (empty, spaces, dots, control characters) are shown quoted,
    so the path stays unambiguous and on one line.
    """
    path = ""
    parts = list(loc)
    for n, part in enumerate(parts):
        if isinstance(part, int):
            path += f"[{part + 1}]"
        elif part in ITEM_KINDS and n >= 2 and parts[n - 2] == "item" and isinstance(parts[n - 1], int):
            continue  # the discriminated-union branch name after item[i], not a key in the file
        else:
            path += f".{quote_key(part)}" if path else quote_key(part)
    return path


def quote_key(key: str) -> str:
    """A key as a field path shows it: bare if TOML allows it bare, else quoted (one line, unambiguous)."""
    return key if _BARE_KEY.fullmatch(key) else repr(key)


def describe_validation_error(file: str | Path, error: Any) -> list[ReadtuiError]:
    """One ReadtuiError per pydantic error, phrased for people editing TOML."""
    problems = []
    answer_problems: set[tuple] = set()
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        kind = detail["type"]
        # An answer that fits none of int, str and list[str] fails once per branch: report it once.
        at = loc.index("answers") if "answers" in loc else -1
        if at >= 0 and len(loc) > at + 2 and loc[at + 2] in _ANSWER_BRANCHES:
            if loc[: at + 2] in answer_problems:
                continue
            answer_problems.add(loc[: at + 2])
            value = detail.get("input") if len(loc) == at + 3 else "…"
            message = (
                f"an answer must be an option id, a whole number or a list of option ids (got {short_repr(value)})"
            )
            problems.append(ReadtuiError(file, message, field_path(loc[: at + 2])))
            continue
        where = field_path(loc)
        if kind in ("missing", "missing_argument"):
            message = "missing required key"
        elif kind in ("extra_forbidden", "unexpected_keyword_argument"):
            parent = field_path(loc[:-1])
            where = parent or None
            message = f"unknown key {loc[-1]!r}"
        elif kind == "union_tag_invalid":
            tag = detail.get("ctx", {}).get("tag", "?")
            where = f"{where}.kind" if where else "kind"
            message = f"unknown kind {tag!r} (expected one of: {', '.join(ITEM_KINDS)})"
        elif kind == "union_tag_not_found":
            where = f"{where}.kind" if where else "kind"
            message = f"missing required key (one of: {', '.join(ITEM_KINDS)})"
        elif kind == "string_pattern_mismatch" and loc and loc[-1] == "key":
            message = f"bad key {detail['input']!r}: a label's key is one lowercase letter"
        elif kind == "string_pattern_mismatch":
            message = f"bad id {detail['input']!r}: use lowercase letters, digits, '-' and '_', starting with a letter or digit"
        elif kind == "literal_error" and loc and loc[-1] == "scope" and "item" in loc:
            message = f"unknown scope {short_repr(detail['input'])} (expected paragraph or essay; 'before' is set on a section)"
        elif kind == "literal_error" and loc and loc[-1] == "scope":
            message = (
                f'unknown scope {short_repr(detail["input"])}: a section\'s scope can only be "before" '
                "(paragraph and essay are set on its items)"
            )
        elif kind == "too_short" and loc and loc[-1] == "options":
            message = "needs at least 2 options"
        elif kind == "value_error":
            message = str(detail.get("ctx", {}).get("error", detail["msg"]))
        else:
            message = f"{detail['msg']} (got {short_repr(detail.get('input'))})"
        problems.append(ReadtuiError(file, message, where or None))
    return problems


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
