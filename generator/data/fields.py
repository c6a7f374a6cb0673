"""The one walker of the model's field types: what validation ("did you mean"), the importer and its mapping, the
new-file templates and the register workbooks read from the pydantic models."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the model or container type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def named_fields(model: type[BaseModel]) -> dict[str, Any]:
    """The model's fields by the name a file gives them (the alias where there is one): their annotations."""
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def step(annotation: Any, part: str | int) -> Any:
    """The type one step down from `annotation`: a model's field by name, a list's item by index, a mapping's
    value by any key; None where there is no such step."""
    if isinstance(part, str) and (tagged := _tagged_option(annotation, part)) is not None:
        return tagged  # pydantic names the option of a tagged union (a governance rule's kind) in a location
    annotation = unwrap(annotation)
    if is_model(annotation) and isinstance(part, str):
        return named_fields(annotation).get(part)
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is list and isinstance(part, int):
        return args[0]
    if origin is dict:
        return args[1]
    return None


def _tagged_option(annotation: Any, tag: str) -> Any:
    """The model of a union of models whose `kind` is the literal `tag`; None when there is none."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    for option in typing.get_args(annotation):
        option = unwrap(option)
        kind = option.model_fields.get("kind") if is_model(option) else None
        if kind is not None and typing.get_args(kind.annotation) == (tag,):
            return option
    return None
