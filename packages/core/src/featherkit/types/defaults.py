"""The transformers core registers by default, and a private engine holding them."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from featherkit.types.base import set_standalone_engine

if TYPE_CHECKING:
    from featherkit.types.base import TypeTransformer
    from featherkit.types.engine import DeferredTransformers, TypeEngine

_default_engine: TypeEngine | None = None
_default_lock = threading.Lock()


def builtin_transformers() -> list[TypeTransformer[Any]]:
    """Fresh instances of every transformer core registers (through its own plugin).

    Order matters only for :meth:`TypeEngine.guess_python_type` (first answer wins) and for
    transformers that match by predicate (enums are asked before dataclasses).
    """
    return complete_builtins(primitive_transformers())


def primitive_transformers() -> list[TypeTransformer[Any]]:
    """Fresh instances of the primitives' transformers (``int``, ``float``, ``str``, ``bool``,
    ``None``): the builtins a plain task needs, in one light module."""
    from featherkit.types.primitives import (
        BoolTransformer,
        FloatTransformer,
        IntTransformer,
        NoneTransformer,
        StrTransformer,
    )

    return [IntTransformer(), FloatTransformer(), StrTransformer(), BoolTransformer(),
            NoneTransformer()]


def complete_builtins(primitives: list[TypeTransformer[Any]]) -> list[TypeTransformer[Any]]:
    """Every builtin, in order, around the given :func:`primitive_transformers` instances."""
    from featherkit.types.blobs import DirectoryTransformer, FileTransformer
    from featherkit.types.choices import ChoicesTransformer
    from featherkit.types.containers import DictTransformer, ListTransformer, TupleTransformer
    from featherkit.types.dataclass import DataclassTransformer
    from featherkit.types.enums import EnumTransformer
    from featherkit.types.iterators import IteratorTransformer
    from featherkit.types.pickle import PickleTransformer
    from featherkit.types.temporal import DatetimeTransformer, DateTransformer, TimedeltaTransformer
    from featherkit.types.unions import UnionTransformer

    return [
        ChoicesTransformer(),  # first: its literal types are simple ones with an annotation
        *primitives,
        DatetimeTransformer(),
        DateTransformer(),
        TimedeltaTransformer(),
        ListTransformer(),
        DictTransformer(),
        UnionTransformer(),
        EnumTransformer(),
        DataclassTransformer(),
        TupleTransformer(),
        FileTransformer(),
        DirectoryTransformer(),
        IteratorTransformer(),
        PickleTransformer(),
    ]


def deferred_builtins() -> DeferredTransformers:
    """The builtins as core's plugin registers them: the primitives at once, the rest (and
    their modules) when an engine first needs them (:class:`DeferredTransformers`)."""
    from featherkit.types.engine import DeferredTransformers

    primitives = primitive_transformers()
    return DeferredTransformers(primitives, lambda: complete_builtins(primitives))


def default_engine() -> TypeEngine:
    """An engine with only the builtins, for transformer methods called outside any engine.

    Core's real engine is built by its plugin manager; this one exists so that
    ``IntTransformer().to_literal(...)`` works on its own, as in flytekit.
    """
    global _default_engine
    if _default_engine is None:
        with _default_lock:
            if _default_engine is None:
                from featherkit.types.engine import TypeEngine

                _default_engine = TypeEngine(builtin_transformers())
    return _default_engine


set_standalone_engine(default_engine)
