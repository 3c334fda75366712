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


def not_in_schema() -> Lazy:
    """`pydantic.json_schema.SkipJsonSchema()`: a field the JSON Schema leaves out (one never in a file)."""
    return Lazy(lambda: _pydantic().json_schema.SkipJsonSchema())


@functools.cache
def _adapter(model: type) -> Any:
    return _pydantic().TypeAdapter(model)


def validate(model: type, data: Any, file: str | Path) -> Any:
    """Validate parsed TOML into ``model``; every problem becomes one line naming ``file``."""
    pydantic = _pydantic()
    try:
        return _adapter(model).validate_python(data)
    except pydantic.ValidationError as error:
        raise ReadtuiErrors(describe_validation_error(file, error, model)) from None


def json_schema(model: type) -> dict[str, Any]:
    """The JSON Schema of ``model``, for editors."""
    return _tagged_unions_as_conditions(_adapter(model).json_schema())


def _tagged_unions_as_conditions(node: Any) -> Any:
    """Each ``oneOf`` with a ``discriminator`` (an item, tagged by its ``kind``) as one condition per
    tag. Editors (taplo) ignore ``discriminator``: a misspelt key in a choice item would be reported
    as "valid under none of the schemas"; with the conditions, as the key it is."""
    if isinstance(node, list):
        return [_tagged_unions_as_conditions(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tagged_unions_as_conditions(value) for key, value in node.items()}
    tag = node.get("discriminator")
    if not (isinstance(tag, dict) and "oneOf" in node and "mapping" in tag):
        return node
    name, mapping = tag["propertyName"], tag["mapping"]
    rest = {key: value for key, value in node.items() if key not in ("oneOf", "discriminator")}
    return rest | {
        "type": "object",
        "required": [name],
        "properties": {name: {"enum": list(mapping)}},
        "allOf": [
            {"if": {"properties": {name: {"const": value}}}, "then": {"$ref": ref}} for value, ref in mapping.items()
        ],
    }


# --- building without validating --------------------------------------------------------------


def build(model: type, data: Any) -> Any:
    """Build ``model`` from parsed TOML, trusting the values and checking only the shape.

    Raises TypeError, ValueError or KeyError on anything unexpected: the caller then validates
    with `validate`, which says what is wrong.
    """
    return _builder(model)(data)


@functools.cache
def _init_hints(model: type) -> dict[str, Any]:
    hints = typing.get_type_hints(model)
    return {field.name: hints[field.name] for field in dataclasses.fields(model) if field.init}


def _same(value: Any) -> Any:
    return value


@functools.cache
def _builder(hint: Any) -> Callable[[Any], Any]:
    """The function that builds a value of ``hint``, made once per type: a long assessment has a
    million values, and looking at the type of each one again cost seconds."""
    origin = get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _model_builder(hint)
    if origin is list:
        return _list_builder(_builder(get_args(hint)[0]))
    if origin is dict:
        return _dict_builder(_builder(get_args(hint)[1]))
    if origin in (Union, types.UnionType):
        return _union_builder(get_args(hint))
    if origin is Literal:
        return functools.partial(_build_literal, get_args(hint))
    if hint is int:
        return _build_int
    if hint in (str, bool, datetime):
        return functools.partial(_build_instance, hint)
    return _same  # Annotated and the rest: pydantic checks them after the first frame


def _model_builder(model: type) -> Callable[[Any], Any]:
    fields = {name: _builder(hint) for name, hint in _init_hints(model).items()}

    def build_model(data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"{model.__name__}: expected a table")
        if not fields.keys() >= data.keys():
            raise TypeError(f"{model.__name__}: unknown keys {sorted(data.keys() - fields.keys())}")
        return model(**{name: fields[name](value) for name, value in data.items()})

    return build_model


def _list_builder(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build_list(value: Any) -> list:
        if not isinstance(value, list):
            raise TypeError("expected an array")
        return list(value) if item is _same else [item(member) for member in value]

    return build_list


def _dict_builder(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build_dict(value: Any) -> dict:
        if not isinstance(value, dict):
            raise TypeError("expected a table")
        return dict(value) if item is _same else {key: item(member) for key, member in value.items()}

    return build_dict


def _build_literal(allowed: tuple, value: Any) -> Any:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {allowed}")
    return value


def _build_int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected an integer")
    return value


def _build_instance(kind: type, value: Any) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}")
    return value


_PLAIN_TYPES = {int, str, bool, list, dict}


def _union_builder(members: tuple) -> Callable[[Any], Any]:
    models = [member for member in members if dataclasses.is_dataclass(member)]
    if models:
        return functools.partial(_build_tagged, models)
    builders = [_builder(member) for member in members]
    if builders[0] is _same:
        return _same  # the first member takes any value
    bases = [get_origin(member) or member for member in members]
    # Members that take only values of their own type (int, str, list…): the value's type picks one.
    by_type = dict(zip(reversed(bases), reversed(builders), strict=True)) if set(bases) <= _PLAIN_TYPES else {}

    def build_union(value: Any) -> Any:
        builder = by_type.get(type(value))
        if builder is not None:
            return builder(value)
        for builder in builders:
            try:
                return builder(value)
            except (TypeError, ValueError):
                continue
        raise TypeError(f"{value!r} fits none of {members}")

    return build_union


def _build_tagged(models: list[type], value: Any) -> Any:
    """One of ``models``, tagged by `kind` (as the item kinds of a checklist are)."""
    kind = value.get("kind") if isinstance(value, dict) else None
    for model in models:
        if kind in get_args(_init_hints(model)["kind"]):
            return build(model, value)
    raise ValueError(f"unknown kind {kind!r}")


# --- turning pydantic errors into one line per problem -------------------------------------

ITEM_KINDS = ("choice", "multi", "scale", "text")
"""The `kind`s of checklist items: pydantic names the branch of the item union after them."""
_ANSWER_BRANCHES = frozenset({"int", "str", "list[str]"})
"""How pydantic names the branches of the assessment's answer union in an error's location."""
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_EXPECTED = {
    "int_type": "a whole number, without quotes",
    "bool_type": "true or false, without quotes",
    "string_type": "text in quotes",
    "list_type": "an array, [ … ]",
    "dict_type": "a table",
    "dataclass_type": "a table",
}
"""What a value of the wrong type should have been, by pydantic's error type (new users quote numbers)."""


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


def describe_validation_error(file: str | Path, error: Any, model: type | None = None) -> list[ReadtuiError]:
    """One ReadtuiError per pydantic error, phrased for people editing TOML (``model``, the type
    validated, lets an unknown key be answered with the keys that were meant)."""
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
            message = unknown_key_message(str(loc[-1]), model, loc[:-1])
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
        elif kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]} (got {short_repr(detail.get('input'))})"
        elif kind == "value_error":
            message = str(detail.get("ctx", {}).get("error", detail["msg"]))
        else:
            message = f"{detail['msg']} (got {short_repr(detail.get('input'))})"
        problems.append(ReadtuiError(file, message, where or None))
    return problems


def unknown_key_message(key: str, model: type | None, loc: tuple[str | int, ...]) -> str:
    """What to say of an unknown ``key`` in the table at ``loc`` of ``model``: where it belongs if it
    is a key of a table inside this one (``scope`` on a section), else the key that was probably
    meant (``did you mean 'options'?``), else the keys allowed there."""
    import difflib

    table, names = _table_at(model, loc) if model else (None, [])
    if table is None:
        return "unknown key"
    for name, hint in _init_hints(table).items():
        inner = _unwrap(hint)
        inner = _unwrap(get_args(inner)[0]) if get_origin(inner) is list else inner
        if key in _keys_of(inner):
            where = ".".join([*names, name])
            header = f"[[{where}]]" if get_origin(_unwrap(hint)) is list else f"[{where}]"
            own = _unwrap(_init_hints(inner).get(key)) if dataclasses.is_dataclass(inner) else None
            table_of_its_own = f": write [[{where}.{key}]]" if get_origin(own) is list else ""
            return f"unknown key here: {key!r} belongs in each {header}{table_of_its_own}"
    known = list(_init_hints(table))
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key (expected one of: {', '.join(known)})"


def _table_at(model: type, loc: tuple[str | int, ...]) -> tuple[Any, list[str]]:
    """The dataclass at ``loc`` in ``model`` (None if there is none) and the keys that lead to it."""
    hint: Any = model
    names: list[str] = []
    for part in loc:
        hint = _unwrap(hint)
        if dataclasses.is_dataclass(hint):
            names.append(str(part))
            hint = _init_hints(hint).get(str(part))
        elif get_origin(hint) in (list, dict):
            hint = get_args(hint)[-1]
        elif get_origin(hint) in (Union, types.UnionType):
            # A tagged branch (an item's kind), named in the location.
            hint = next(
                (m for m in get_args(hint) if part in get_args(_init_hints(m).get("kind", Literal[None]))), None
            )
        else:
            return None, names
        if hint is None:
            return None, names
    hint = _unwrap(hint)
    return (hint if dataclasses.is_dataclass(hint) else None), names


def _keys_of(hint: Any) -> set[str]:
    """The keys of a table type, or of any branch of a union of them."""
    if dataclasses.is_dataclass(hint):
        return set(_init_hints(hint))
    if get_origin(hint) in (Union, types.UnionType):
        return {key for member in get_args(hint) for key in _keys_of(_unwrap(member))}
    return set()


def _unwrap(hint: Any) -> Any:
    """``Annotated[X, …]`` and ``X | None`` as ``X``."""
    while True:
        if get_origin(hint) is Annotated:
            hint = get_args(hint)[0]
        elif get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint):
            members = [m for m in get_args(hint) if m is not type(None)]
            if len(members) != 1:
                return hint
            hint = members[0]
        else:
            return hint


def short_repr(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
