"""The type engine: finds the transformer for a Python type and converts through it.

Everything per type is computed once and kept in plain dicts keyed by the type object
(``list[int]`` and ``Optional[str]`` are hashable): the transformer, the literal type and the
compiled converter functions. A conversion call is then one dict lookup and one call.

How a transformer is found for a type ``tp`` (the first rule that answers wins):

1. ``None`` means ``NoneType``; ``Annotated[T, ...]`` means ``T``, unless one of the
   annotations is itself a :class:`TypeTransformer`, which is then used.
2. A transformer registered for exactly ``tp``.
3. A transformer registered for the generic origin of ``tp`` (``list`` for ``list[int]``;
   ``X | Y`` counts as ``typing.Union``).
4. A transformer overriding :meth:`TypeTransformer.matches` that accepts ``tp``, in
   registration order (enums before their ``str`` base, dataclasses).
5. A transformer registered for a base class of ``tp`` (its MRO, ``object`` excluded).
6. The fallback (pickle) transformer, with a one-time :class:`PickleFallbackWarning`.

Core's builtins arrive as a :class:`DeferredTransformers` group: the primitives (``int``,
``str``, ...) are registered at once, the other builtins' modules are imported the first time
a lookup gets past rule 2 for a type the registered ones do not hold (or something asks for
the whole list). A task on primitives, as a pod runs it, never imports them. Because only an
exact match (rule 2) is answered before the group is complete, and the group then takes the
place it was given, every answer is the one the complete list gives.
"""

from __future__ import annotations

import os
import sys
import threading
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from featherkit.types.base import Reader, ToLiteral, TypeTransformer, Writer, qualified_name
from featherkit.types.errors import TypeTransformerError, type_name
from featherkit.types.hashing import HashMethod, hash_method_of

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

_NoneType = type(None)


class PickleFallbackWarning(UserWarning):
    """A type has no transformer, so its values travel as pickles (fragile across versions)."""


class DeferredTransformers:
    """A group of transformers (core's builtins) whose modules load when first needed.

    ``eager`` are registered with the engine at once; ``load()`` returns the whole group in
    its order (``eager`` among them, the same objects). Where an installed plugin registered
    a transformer for a type of the group, the plugin's wins, as for any builtin. Internal to
    core: a plugin registers its transformers themselves.
    """

    def __init__(
        self,
        eager: Sequence[TypeTransformer[Any]],
        load: Callable[[], Sequence[TypeTransformer[Any]]],
    ) -> None:
        self.eager = tuple(eager)
        self._load = load

    @property
    def python_type(self) -> object:
        """A key no transformer shares (registries key transformers by their type)."""
        return self

    def load(self) -> list[TypeTransformer[Any]]:
        group = list(self._load())
        missing = [t for t in self.eager if t not in group]
        if missing:
            raise ValueError(f"the deferred transformer group lost {missing!r}")
        return group


class TypeEngine:
    """Converts Python values to Flyte literals and back through registered transformers."""

    def __init__(
        self, transformers: Iterable[TypeTransformer[Any] | DeferredTransformers] = ()
    ) -> None:
        self._registered: list[TypeTransformer[Any]] = []
        self._claims: dict[Any, TypeTransformer[Any]] = {}
        self._exact: dict[Any, TypeTransformer[Any]] = {}
        self._predicates: list[TypeTransformer[Any]] = []
        self._fallback: TypeTransformer[Any] | None = None
        self._warned: set[Any] = set()
        self._in_progress = threading.local()
        self._lookup: dict[Any, TypeTransformer[Any]] = {}
        self._literal_types: dict[Any, types_pb2.LiteralType] = {}
        self._to_literal: dict[Any, ToLiteral] = {}
        self._writers: dict[Any, Writer] = {}
        self._readers: dict[Any, Reader] = {}
        #: the transformers as given, while a deferred group is not loaded yet (else None)
        self._given: list[Any] | None = None
        self._loading = threading.Lock()
        given = list(transformers)
        self._register_all(given, load=False)
        if any(isinstance(t, DeferredTransformers) for t in given):
            self._given = given

    def _register_all(self, given: list[Any], *, load: bool) -> None:
        """Register ``given`` in order; a deferred group gives its eager members, or, with
        ``load``, all of them: either way without the types a transformer outside any group
        (an installed plugin's) registered."""
        outside = {t.python_type for t in given if not isinstance(t, DeferredTransformers)}
        for item in given:
            if not isinstance(item, DeferredTransformers):
                self._add(item)
                continue
            for member in item.load() if load else item.eager:
                if member.python_type not in outside:
                    self._add(member)

    def _complete(self) -> None:
        """Load every deferred group and register the whole list again, in its order.

        Another thread may look a type up meanwhile: an exact match it finds is already the
        final one (nothing is replaced while registering again), and anything else waits here
        until ``_given`` is cleared, last.
        """
        with self._loading:
            given = self._given
            if given is None:
                return
            self._registered, self._claims, self._exact, self._predicates = [], {}, {}, []
            self._fallback = None
            self._register_all(given, load=True)
            self._given = None

    # -- registration -------------------------------------------------------------------------

    def register(self, transformer: TypeTransformer[Any], *, replace: bool = False) -> None:
        """Register ``transformer`` for its ``python_type``.

        A second transformer for the same ``python_type`` is a :class:`ValueError` naming both,
        unless ``replace=True`` (how an installed plugin takes over a core builtin). A
        transformer with ``is_fallback`` set becomes the fallback for unknown types.
        """
        if self._given is not None:
            self._complete()  # (a registration after construction sees the whole list)
        self._add(transformer, replace=replace)

    def _add(self, transformer: TypeTransformer[Any], *, replace: bool = False) -> None:
        key = transformer.python_type
        existing = self._claims.get(key)
        if existing is not None and existing is not transformer:
            if not replace:
                raise ValueError(
                    f"two type transformers claim {type_name(key)}: {qualified_name(existing)} "
                    f"(registered first) and {qualified_name(transformer)}; register the second "
                    "with replace=True to override"
                )
            self._unregister(existing)
        elif existing is transformer:
            return
        self._claims[key] = transformer
        self._registered.append(transformer)
        if type(transformer).matches is not TypeTransformer.matches:
            self._predicates.append(transformer)
        else:
            self._exact[key] = transformer
        if transformer.is_fallback:
            self._fallback = transformer
        transformer.bind(self)
        self._clear_caches()

    def _unregister(self, transformer: TypeTransformer[Any]) -> None:
        self._registered.remove(transformer)
        if transformer in self._predicates:
            self._predicates.remove(transformer)
        if self._exact.get(transformer.python_type) is transformer:
            del self._exact[transformer.python_type]
        if self._fallback is transformer:
            self._fallback = None

    def _clear_caches(self) -> None:
        for cache in (
            self._lookup,
            self._literal_types,
            self._to_literal,
            self._writers,
            self._readers,
        ):
            cache.clear()

    @property
    def transformers(self) -> list[TypeTransformer[Any]]:
        """The registered transformers, in registration order."""
        if self._given is not None:
            self._complete()
        return list(self._registered)

    @property
    def fallback(self) -> TypeTransformer[Any]:
        """The transformer for types nothing else handles (pickle, unless one was registered)."""
        if self._given is not None:
            self._complete()
        if self._fallback is None:
            from featherkit.types.pickle import PickleTransformer

            self._fallback = PickleTransformer()
            self._fallback.bind(self)
        return self._fallback

    # -- lookup -------------------------------------------------------------------------------

    def get_transformer(self, python_type: Any) -> TypeTransformer[Any]:
        """The transformer for ``python_type`` (see the module docstring for the rules)."""
        try:
            return self._lookup[python_type]
        except KeyError:
            pass
        except TypeError:  # an unhashable annotation: look it up every time
            return self._find(python_type, warn=True)
        found = self._find(python_type, warn=True)
        self._lookup[python_type] = found
        return found

    def find_transformer(self, python_type: Any) -> TypeTransformer[Any] | None:
        """The transformer for ``python_type``, or ``None`` when only the fallback would
        take it (no warning is given)."""
        found = self._find(python_type, warn=False)
        return None if found is self.fallback and not found.matches(python_type) else found

    def _find(self, tp: Any, *, warn: bool) -> TypeTransformer[Any]:
        if tp is None:
            tp = _NoneType
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            for extra in args[1:]:
                if isinstance(extra, TypeTransformer):
                    return extra
            return self._find(args[0], warn=warn)
        try:
            found = self._exact.get(tp)
        except TypeError:
            found = None
        if found is not None:
            return found
        if self._given is not None:  # past rule 2: the answer may be in a deferred group
            self._complete()
            return self._find(tp, warn=warn)
        if origin is not None:
            if origin is types.UnionType:
                origin = typing.Union
            found = self._exact.get(origin)
            if found is not None:
                return found
        for candidate in self._predicates:
            if candidate.matches(tp):
                return candidate
        if isinstance(tp, type):
            for base in tp.__mro__[1:]:
                if base is object:
                    break
                found = self._exact.get(base)
                if found is not None:
                    return found
        fallback = self.fallback
        if warn:
            self._warn_fallback(tp)
        return fallback

    def _warn_fallback(self, tp: Any) -> None:
        try:
            if tp in self._warned:
                return
            self._warned.add(tp)
        except TypeError:
            pass
        warnings.warn(
            f"featherkit has no type transformer for {type_name(tp)}: its values will be "
            f"pickled ({self.fallback.name}), which only works between identical Python "
            "environments; register a TypeTransformer or use a supported type",
            PickleFallbackWarning,
            stacklevel=_caller_stacklevel(),
        )

    # -- literal types ------------------------------------------------------------------------

    def to_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        """The Flyte ``LiteralType`` of ``python_type`` (a fresh copy the caller may change)."""
        cached = self.literal_type_of(python_type)
        copy = type(cached)()
        copy.CopyFrom(cached)
        return copy

    def literal_type_of(self, python_type: Any, *, warn: bool = True) -> types_pb2.LiteralType:
        """The engine's own cached ``LiteralType`` of ``python_type``: never modify it.

        ``warn=False`` skips the pickle-fallback warning (dataclass fields use it, so the
        warning is given once, for the type the user actually declared).
        """
        try:
            return self._literal_types[python_type]
        except (KeyError, TypeError):
            pass
        if warn:
            transformer = self.get_transformer(python_type)
        else:
            try:
                transformer = self._lookup.get(python_type) or self._find(python_type, warn=False)
            except TypeError:
                transformer = self._find(python_type, warn=False)
        in_progress: set[Any] = self._in_progress.__dict__.setdefault("types", set())
        key = _hashable_key(python_type)
        if key in in_progress:
            raise TypeTransformerError(
                f"{type_name(python_type)} refers to itself; recursive types have no literal type"
            )
        in_progress.add(key)
        try:
            result = transformer.literal_type_for(python_type, self)
        finally:
            in_progress.discard(key)
        if warn or transformer is not self._fallback:
            # (a silent fallback lookup is not cached, so that the declared use still warns)
            _store(self._literal_types, python_type, result)
        return result

    # -- conversions --------------------------------------------------------------------------

    def to_literal(
        self,
        value: Any,
        python_type: Any,
        expected: types_pb2.LiteralType | None = None,
    ) -> literals_pb2.Literal:
        """Convert ``value``, declared as ``python_type``, to a ``Literal``.

        ``expected`` is accepted for flytekit-shaped call sites; transformers always receive
        the literal type the engine derives from ``python_type`` (which is what an interface
        built from the same type declares).
        """
        try:
            convert = self._to_literal[python_type]
        except (KeyError, TypeError):
            convert = self.to_literal_function(python_type)
        return convert(value)

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Any:
        """Convert ``literal`` to a value of ``python_type``."""
        try:
            read = self._readers[python_type]
        except (KeyError, TypeError):
            read = self.reader(python_type)
        return read(literal)

    def to_literal_function(self, python_type: Any) -> ToLiteral:
        """The compiled ``value -> Literal`` function for ``python_type`` (cached)."""
        try:
            return self._to_literal[python_type]
        except (KeyError, TypeError):
            pass
        transformer = self.get_transformer(python_type)
        literal_type = self.literal_type_of(python_type)
        convert = transformer.compile_to_literal(python_type, literal_type, self)
        hasher = hash_method_of(python_type)
        if hasher is not None:
            convert = _with_hash(convert, hasher)
        _store(self._to_literal, python_type, convert)
        return convert

    def writer(self, python_type: Any) -> Writer:
        """The compiled ``(value, out_literal) -> None`` function for ``python_type`` (cached)."""
        try:
            return self._writers[python_type]
        except (KeyError, TypeError):
            pass
        transformer = self.get_transformer(python_type)
        literal_type = self.literal_type_of(python_type)
        write = transformer.compile_writer(python_type, literal_type, self)
        hasher = hash_method_of(python_type)
        if hasher is not None:
            write = _writer_with_hash(write, hasher)
        _store(self._writers, python_type, write)
        return write

    def reader(self, python_type: Any) -> Reader:
        """The compiled ``Literal -> value`` function for ``python_type`` (cached)."""
        try:
            return self._readers[python_type]
        except (KeyError, TypeError):
            pass
        transformer = self.get_transformer(python_type)
        read = transformer.compile_reader(python_type, self)
        _store(self._readers, python_type, read)
        return read

    def guess_python_type(self, literal_type: types_pb2.LiteralType) -> Any:
        """A Python type for ``literal_type`` (to rebuild an interface from a serialized task).

        Transformers are asked in registration order, the fallback last; the first answer
        wins. :class:`ValueError` when none recognises the type.
        """
        fallback = self.fallback  # (first: it completes the list)
        for transformer in [*self._registered, fallback]:
            guessed = transformer.guess_with(literal_type, self)
            if guessed is not None:
                return guessed
        raise ValueError(f"no type transformer recognises the literal type {literal_type}")

    def to_html(self, value: Any, python_type: Any) -> str:
        """An HTML fragment showing ``value`` (for decks), by the type's transformer."""
        return self.get_transformer(python_type).to_html(value, python_type)


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller_stacklevel() -> int:
    """The ``stacklevel`` pointing at the first frame outside this package."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _PACKAGE_DIR:
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _with_hash(convert: ToLiteral, hasher: HashMethod[Any]) -> ToLiteral:
    """``convert`` setting ``literal.hash`` from ``Annotated[T, HashMethod(fn)]``."""

    def convert_hashed(value: Any) -> literals_pb2.Literal:
        literal = convert(value)
        literal.hash = hasher.calculate(value)
        return literal

    return convert_hashed


def _writer_with_hash(write: Writer, hasher: HashMethod[Any]) -> Writer:
    def write_hashed(value: Any, out: literals_pb2.Literal) -> None:
        write(value, out)
        out.hash = hasher.calculate(value)

    return write_hashed


def _hashable_key(tp: Any) -> Any:
    try:
        hash(tp)
    except TypeError:
        return id(tp)
    return tp


def _store(cache: dict[Any, Any], key: Any, value: Any) -> None:
    try:
        cache[key] = value
    except TypeError:
        pass
