"""The built-in tabs a deck can hold, and ``@task(deck_fields=...)`` validation.

The field values are flytekit's ``DeckField`` values, so a flytekit ``DeckField`` member (a
``str`` enum) and the plain strings ``"Input"``, ``"Output"``, ... are accepted alike.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any


class DeckField(str, enum.Enum):
    """A built-in deck tab; the value is the tab's title (and flytekit's DeckField value)."""

    INPUT = "Input"
    OUTPUT = "Output"
    SOURCE_CODE = "Source Code"
    TIMELINE = "Timeline"
    DEPENDENCIES = "Dependencies"


#: What ``enable_deck=True`` shows when ``deck_fields`` is not given, in tab order.
DEFAULT_FIELDS: tuple[DeckField, ...] = (
    DeckField.INPUT,
    DeckField.OUTPUT,
    DeckField.SOURCE_CODE,
    DeckField.TIMELINE,
    DeckField.DEPENDENCIES,
)

_BY_VALUE = {field.value: field for field in DeckField}
_VALID = ", ".join(repr(field.value) for field in DeckField)


def _field(item: Any) -> DeckField:
    # a str enum from another library (flytekit's DeckField) carries the value in .value;
    # its str() is "DeckField.INPUT", so never rely on str() here
    value = item.value if isinstance(item, enum.Enum) else item
    if isinstance(value, str) and value in _BY_VALUE:
        return _BY_VALUE[value]
    raise ValueError(f"unknown deck field {item!r}; valid fields are {_VALID}")


def validate_deck_fields(value: Any) -> tuple[DeckField, ...]:
    """Check ``deck_fields`` when a task is defined; returns them as :class:`DeckField`.

    Registered with core's ``register_task_arguments``, which prefixes errors with the task.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"deck_fields must be a tuple or list of deck fields, e.g. ('Input', 'Output'), "
            f"got {type(value).__name__} {value!r}; valid fields are {_VALID}"
        )
    fields: list[DeckField] = []
    for item in value:
        field = _field(item)
        if field in fields:
            raise ValueError(f"deck field {field.value!r} is listed twice")
        fields.append(field)
    return tuple(fields)
