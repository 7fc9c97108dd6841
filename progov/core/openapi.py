"""The API contract's component names: one name, one schema class.

ninja builds `components.schemas` of the OpenAPI document by merging each operation's
JSON-schema definitions into one dict keyed by the class's name, so two classes that
share a name (a meeting's `MoveIn` and an agenda item's `MoveIn`) silently collapse into
whichever came last, and one of the endpoints is documented with the other's body. The
generated document alone cannot show that, so this walks the classes the operations
use. `manage.py openapi` refuses to write or pass a document with a collision, and
`core/tests/test_openapi_names.py` asserts there is none.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ninja import NinjaAPI
from ninja.params.models import ParamModel
from pydantic import BaseModel

#: ninja's own wrappers: a response wrapper's one field is the real model; never a component.
WRAPPER_NAMES = frozenset({"NinjaResponseSchema"})


def _is_component(cls: type) -> bool:
    return not issubclass(cls, ParamModel) and cls.__name__ not in WRAPPER_NAMES


def _classes_in(annotation: Any) -> Iterator[type]:
    """The model and enum classes an annotation mentions (list[X], X | None, Annotated…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        yield annotation
        return
    if typing.get_origin(annotation) is typing.Literal:
        return
    for arg in typing.get_args(annotation):
        yield from _classes_in(arg)


def _operation_models(api: NinjaAPI) -> Iterator[type]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield from operation.models
                for model in operation.response_models.values():
                    if isinstance(model, type):
                        yield model


def component_classes(api: NinjaAPI) -> dict[str, set[type]]:
    """Every schema or enum class the API's operations use, nested ones too, by name."""
    found: dict[str, set[type]] = defaultdict(set)
    seen: set[type] = set()
    todo = list(_operation_models(api))
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if _is_component(cls):
            found[cls.__name__].add(cls)
        if issubclass(cls, BaseModel):
            for field in cls.model_fields.values():
                todo.extend(_classes_in(field.annotation))
    return dict(found)


def name_collisions(api: NinjaAPI) -> dict[str, list[str]]:
    """Component names that more than one class claims, with the classes' dotted paths."""
    return {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in sorted(component_classes(api).items())
        if len(classes) > 1
    }
