"""``FrozenRecord``: the methods ``@dataclass(frozen=True)`` generates, written once.

``@dataclass(frozen=True)`` builds ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` for each class by ``exec``-ing generated source: about
0.7 ms per class, paid by every pod's start for the records core creates while it loads. A
record instead is ``@dataclass(init=False, repr=False, eq=False)`` (so ``fields``, ``asdict``
and ``replace`` still work), inherits the other methods from here, and writes its own
``__init__`` (its signature is its documentation) as one :meth:`FrozenRecord._assign` call.
A record declares plain fields only (no ``ClassVar`` or ``InitVar``): every name in its
``__dataclass_fields__`` is a field.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any, ClassVar


class FrozenRecord:
    """Base of a frozen record; behaves as ``@dataclass(frozen=True)`` would make it."""

    __slots__ = ()
    if TYPE_CHECKING:  # set by @dataclass on each record class
        __dataclass_fields__: ClassVar[dict[str, Any]]

    def _assign(self, *values: Any) -> None:
        """Set the fields, in their declared order, as a frozen dataclass's ``__init__`` does."""
        for name, value in zip(self.__dataclass_fields__, values):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__dataclass_fields__)
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def _frozen(self, name: str) -> bool:
        """Whether ``name`` may not change: any attribute of the record class itself, only its
        fields on a plain subclass (the rule of a frozen dataclass)."""
        cls = type(self)
        return "__dataclass_fields__" in cls.__dict__ or name in cls.__dataclass_fields__

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen(name):
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self._frozen(name):
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)
