"""Promises and bindings: what a workflow body handles while it is compiled.

A workflow body runs once, when decorated, with a :class:`Promise` for each workflow input.
Calling a task (a workflow, a launch plan) there records a node and returns promises for its
outputs. A node input is bound to a :class:`Binding`: a promise (another node's output, maybe
an attribute path into it), a constant (a literal, with the native value kept for local runs),
or a list / dict mixing both (``BindingDataCollection`` / ``BindingDataMap`` on the wire).

Anything a cluster could not do with a value that does not exist yet (``if promise:``,
``len(promise)``, formatting it, iterating it) raises :class:`WorkflowCompileError` naming the
workflow, the node and the output. Comparing a promise (``n > 3``) makes a
:class:`ComparisonExpression`, combined with ``&`` and ``|`` into a
:class:`ConjunctionExpression`: the conditions :mod:`featherkit.workflow.conditional` records.
"""

from __future__ import annotations

import abc
import dataclasses
import operator
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from featherkit.errors import FeatherkitUserError

if TYPE_CHECKING:
    from flyteidl.core import condition_pb2, literals_pb2, types_pb2

    from featherkit.workflow.node import Node


class WorkflowCompileError(FeatherkitUserError):
    """A workflow body did something a Flyte cluster could not run; raised at decoration."""


class NodeHandle(abc.ABC):
    """What promises need of the node they come from: ordering and overrides.

    :class:`featherkit.workflow.node.Node` is the implementation; it sits above this module (a
    node holds bindings of promises), so promises reach their node through this base only.
    """

    __slots__ = ()

    @abc.abstractmethod
    def add_upstream(self, other: Node) -> None:
        """Wait for ``other`` (``other >> self``), without a data edge."""

    @abc.abstractmethod
    def with_overrides(self, *args: Any, **kwargs: Any) -> Node:
        """Override this node's settings (see :mod:`featherkit.workflow.overrides`)."""


#: The start node: a promise of a workflow input has this node id.
START_NODE = ""


def type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


class Promise:
    """The output ``var`` of node ``node_id`` (``""``: a workflow input), maybe an attribute path
    into it. It has no value while the workflow is compiled; pass it to other calls.
    """

    __slots__ = ("_node", "_owner", "_path", "_type", "_var")

    def __init__(
        self,
        owner: str,
        node: Node | None,
        var: str,
        python_type: Any,
        attr_path: tuple[str | int, ...] = (),
    ) -> None:
        self._owner = owner  # the workflow being compiled, for messages
        self._node = node
        self._var = var
        self._type = python_type
        self._path = attr_path

    # -- what it refers to ------------------------------------------------------------------

    @property
    def node(self) -> Node | None:
        """The node whose output this is (None for a workflow input)."""
        return self._node

    @property
    def node_id(self) -> str:
        """The node's id, read when asked (``with_overrides(node_name=...)`` may rename it)."""
        return self._node.id if self._node is not None else START_NODE

    @property
    def var(self) -> str:
        return self._var

    @property
    def attr_path(self) -> tuple[str | int, ...]:
        return self._path

    @property
    def python_type(self) -> Any:
        return self._type

    def describe(self) -> str:
        """``input 'a'`` or ``output 'o0' of node n1 (task 'mod.t')``, plus any attribute path."""
        if self._node is None:
            text = f"input {self._var!r}"
        else:
            text = f"output {self._var!r} of node {self._node.id} ({self._node.describe()})"
        if self._path:
            text += " at " + "".join(
                f"[{p!r}]" if isinstance(p, int) or not str(p).isidentifier() else f".{p}"
                for p in self._path
            )
        return text

    def __repr__(self) -> str:
        return f"Promise({self.describe()}, type={type_name(self._type)})"

    # -- attribute access and indexing (flytekit's attribute access) -----------------------

    def __getattr__(self, name: str) -> Promise:
        if name.startswith("_"):
            raise AttributeError(name)
        tp = _strip_optional(self._type)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            fields = _field_types(tp)
            if name not in fields:
                raise self._error(
                    f"has no attribute {name!r}: {type_name(tp)} has fields "
                    f"{', '.join(fields) or '(none)'}"
                )
            return Promise(self._owner, self._node, self._var, fields[name], (*self._path, name))
        if tp is Any:
            return Promise(self._owner, self._node, self._var, Any, (*self._path, name))
        raise self._error(
            f"has no attribute {name!r}: attribute access needs a dataclass, "
            f"this is {type_name(self._type)}"
        )

    def __getitem__(self, key: Any) -> Promise:
        tp = _strip_optional(self._type)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is list and isinstance(key, int) and not isinstance(key, bool):
            item = args[0] if args else Any
        elif origin is dict and isinstance(key, str):
            item = args[1] if len(args) == 2 else Any
        elif tp is Any and isinstance(key, (int, str)) and not isinstance(key, bool):
            item = Any
        else:
            raise self._error(
                f"cannot be indexed by {key!r}: indexing needs a list[...] and an int, or a "
                f"dict[str, ...] and a str key; this is {type_name(self._type)}"
            )
        return Promise(self._owner, self._node, self._var, item, (*self._path, key))

    # -- ordering without a data edge ------------------------------------------------------

    def runs_before(self, other: Any) -> Any:
        """Make ``other``'s node wait for this one (``a >> b``)."""
        return _runs_before(self._node, other, self._owner)

    def __rshift__(self, other: Any) -> Any:
        self.runs_before(other)
        return other

    # -- what cannot be done with a value that does not exist yet ---------------------------

    def _error(self, what: str) -> WorkflowCompileError:
        return WorkflowCompileError(f"workflow {self._owner!r}: {self.describe()} {what}")

    def _no_value(self, use: str) -> WorkflowCompileError:
        return self._error(
            f"is a promise, not a value, while the workflow is compiled: it cannot be {use}. "
            "A workflow body only wires calls together; do the work in a task"
        )

    def __bool__(self) -> bool:
        raise self._error(
            "is a promise, not a value, while the workflow is compiled: it cannot be used as a "
            "bool (if/while/and/or/not/is). Branch with conditional(...).if_(...), comparing "
            "promises with ==, !=, <, <=, >, >= and combining comparisons with & and |"
        )

    def __iter__(self) -> Iterator[Any]:
        raise self._no_value("iterated or unpacked")

    def __len__(self) -> int:
        raise self._no_value("measured with len()")

    def __contains__(self, item: Any) -> bool:
        raise self._no_value("searched with 'in'")

    def __format__(self, spec: str) -> str:
        raise self._no_value("formatted into a string")

    def __str__(self) -> str:
        raise self._no_value("turned into a string with str()")

    def __index__(self) -> int:
        raise self._no_value("used as an index or number")

    def __int__(self) -> int:
        raise self._no_value("converted with int()")

    def __float__(self) -> float:
        raise self._no_value("converted with float()")

    def __hash__(self) -> int:
        return id(self)

    # comparisons build the conditions of conditional(...).if_(...)
    def __eq__(self, other: object) -> Any:
        return _compare(self, "==", other)

    def __ne__(self, other: object) -> Any:
        return _compare(self, "!=", other)

    def __lt__(self, other: object) -> Any:
        return _compare(self, "<", other)

    def __le__(self, other: object) -> Any:
        return _compare(self, "<=", other)

    def __gt__(self, other: object) -> Any:
        return _compare(self, ">", other)

    def __ge__(self, other: object) -> Any:
        return _compare(self, ">=", other)

    def is_(self, value: bool) -> Any:
        """The condition ``promise == value`` (flytekit's spelling for bools)."""
        return _compare(self, "==", value)

    def is_true(self) -> Any:
        return self.is_(True)

    def is_false(self) -> Any:
        return self.is_(False)

    def is_none(self) -> Any:
        """The condition ``promise == None``."""
        return _compare(self, "==", None)

    def __and__(self, other: Any) -> Any:
        raise self._error(
            "cannot be combined with &: & and | combine comparisons; compare the promise "
            "first, e.g. flag.is_true() & (n > 3)"
        )

    __rand__ = __and__
    __or__ = __and__
    __ror__ = __and__

    def with_overrides(self, *args: Any, **kwargs: Any) -> Promise:
        """Override the settings of the node this promise comes from (see
        :mod:`featherkit.workflow.overrides`); returns this promise, so calls chain."""
        if self._node is None:
            raise self._error(
                "is a workflow input: only the result of a call has a node to override"
            )
        self._node.with_overrides(*args, **kwargs)
        return self

    def _arith(self, op: str) -> Callable[[Any], Any]:
        def fail(other: Any) -> Any:
            raise self._no_value(f"used in arithmetic ({op})")

        return fail

    def __add__(self, other: Any) -> Any:
        return self._arith("+")(other)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._arith("-")(other)

    __rsub__ = __sub__

    def __mul__(self, other: Any) -> Any:
        return self._arith("*")(other)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        return self._arith("/")(other)

    __rtruediv__ = __truediv__


class VoidPromise:
    """What a call of an entity without outputs returns: only good for ordering (``>>``)."""

    __slots__ = ("_node", "_owner")

    def __init__(self, owner: str, node: Node) -> None:
        self._owner = owner
        self._node = node

    @property
    def node(self) -> Node:
        return self._node

    def runs_before(self, other: Any) -> Any:
        return _runs_before(self._node, other, self._owner)

    def __rshift__(self, other: Any) -> Any:
        self.runs_before(other)
        return other

    def __bool__(self) -> bool:
        raise WorkflowCompileError(
            f"workflow {self._owner!r}: node {self._node.id} ({self._node.describe()}) has no "
            "outputs; its result cannot be used as a bool"
        )

    def with_overrides(self, *args: Any, **kwargs: Any) -> VoidPromise:
        """Override the settings of this call's node; returns this promise."""
        self._node.with_overrides(*args, **kwargs)
        return self

    def __repr__(self) -> str:
        return f"VoidPromise(node {self._node.id} ({self._node.describe()}))"


def _compare(promise: Promise, op: str, other: Any) -> Any:
    return ComparisonExpression(promise, op, other)


def node_of(value: Any) -> Node | None:
    """The node behind a promise, a void promise, a node or a tuple of a node's promises."""
    if isinstance(value, NodeHandle):
        return typing.cast("Node", value)
    if isinstance(value, (Promise, VoidPromise)):
        return value.node
    if isinstance(value, tuple) and value and all(isinstance(v, Promise) for v in value):
        nodes = {id(v.node) for v in value}
        if len(nodes) == 1:
            first: Promise = value[0]
            return first.node
    return None


def _runs_before(node: Node | None, other: Any, owner: str) -> Any:
    if node is None:
        raise WorkflowCompileError(
            f"workflow {owner!r}: a workflow input cannot be ordered with >> or runs_before; "
            "order the nodes that produce values"
        )
    target = node_of(other)
    if target is None:
        raise WorkflowCompileError(
            f"workflow {owner!r}: node {node.id} ({node.describe()}) >> {other!r}: the right "
            "side must be the result of a task, workflow or launch plan call"
        )
    if target is node:
        raise WorkflowCompileError(
            f"workflow {owner!r}: node {node.id} ({node.describe()}) cannot run before itself"
        )
    target.add_upstream(node)
    return other


class NodeOutputs(tuple):  # type: ignore[type-arg]
    """Marker base of the tuples of promises a multi-output call returns (see outputs_tuple)."""

    __slots__ = ()

    def runs_before(self, other: Any) -> Any:
        node = node_of(self)
        owner = self[0]._owner if self else ""
        return _runs_before(node, other, owner)

    def with_overrides(self, *args: Any, **kwargs: Any) -> Any:
        """Override the settings of this call's node; returns these promises."""
        node = node_of(self)
        if node is not None:
            node.with_overrides(*args, **kwargs)
        return self

    def __rshift__(self, other: Any) -> Any:
        self.runs_before(other)
        return other


_OUTPUT_TUPLES: dict[type, type] = {}


def outputs_tuple(cls: type) -> type:
    """``cls`` (a NamedTuple class) made to hold promises and support ``>>``."""
    made = _OUTPUT_TUPLES.get(cls)
    if made is None:
        made = type(cls.__name__, (cls, NodeOutputs), {"__slots__": ()})
        _OUTPUT_TUPLES[cls] = made
    return made


def is_optional(tp: Any) -> bool:
    """``Optional[T]`` (or a union with ``None``)."""
    return type(None) in _union_kinds(tp)


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    if typing.get_origin(tp) is typing.Annotated:
        return typing.get_args(tp)[0]
    return tp


_FIELDS: dict[type, dict[str, Any]] = {}


def _field_types(cls: type) -> dict[str, Any]:
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = {f.name: hints.get(f.name, Any) for f in dataclasses.fields(cls)}
        _FIELDS[cls] = found
    return found


# -- bindings ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PromiseBinding:
    """Bound to another node's output (or a workflow input)."""

    promise: Promise


@dataclass(frozen=True, eq=False)
class ConstantBinding:
    """Bound to a constant: its literal (for the wire) and its native value (for local runs)."""

    literal: literals_pb2.Literal
    value: Any


@dataclass(frozen=True, eq=False)
class CollectionBinding:
    """A list whose items are bindings (``BindingDataCollection``)."""

    items: tuple[Binding, ...]


@dataclass(frozen=True, eq=False)
class MapBinding:
    """A str-keyed dict whose values are bindings (``BindingDataMap``)."""

    items: Mapping[str, Binding]


Binding = PromiseBinding | ConstantBinding | CollectionBinding | MapBinding


def promises_in(binding: Binding) -> Iterator[Promise]:
    """Every promise a binding refers to, in order."""
    if isinstance(binding, PromiseBinding):
        yield binding.promise
    elif isinstance(binding, CollectionBinding):
        for item in binding.items:
            yield from promises_in(item)
    elif isinstance(binding, MapBinding):
        for item in binding.items.values():
            yield from promises_in(item)


def resolve(binding: Binding, results: Mapping[str, Mapping[str, Any]]) -> Any:
    """The native value of a binding once its upstream nodes have produced ``results``."""
    if isinstance(binding, ConstantBinding):
        return binding.value
    if isinstance(binding, PromiseBinding):
        promise = binding.promise
        value = results[promise.node_id][promise._var]
        for step in promise._path:
            if isinstance(step, str) and not isinstance(value, Mapping):
                value = getattr(value, step)
            else:
                value = value[step]
        return value
    if isinstance(binding, CollectionBinding):
        return [resolve(item, results) for item in binding.items]
    return {key: resolve(item, results) for key, item in binding.items.items()}


def _union_kinds(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        return typing.get_args(tp)
    return ()


def _clash(upstream: types_pb2.LiteralType, expected: types_pb2.LiteralType) -> bool:
    """True when a value of ``upstream`` type clearly cannot feed an ``expected`` input."""
    up, want = upstream.WhichOneof("type"), expected.WhichOneof("type")
    if want == "union_type":
        if up == "union_type":
            return False
        return all(_clash(upstream, v) for v in expected.union_type.variants)
    if up == "union_type" or up is None or want is None:
        return False
    plain = {"simple", "collection_type", "map_value_type"}
    if up != want:
        return up in plain and want in plain
    if up == "simple":
        return bool(upstream.simple != expected.simple)
    if up == "collection_type":
        return _clash(upstream.collection_type, expected.collection_type)
    if up == "map_value_type":
        return _clash(upstream.map_value_type, expected.map_value_type)
    return False


class Binder:
    """Turns what a call was given for one input into a :class:`Binding`, checking types."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._types: dict[Any, Any] = {}

    def literal_type(self, tp: Any) -> types_pb2.LiteralType:
        try:
            return self._types[tp]
        except (KeyError, TypeError):
            pass
        lt = self.engine.to_literal_type(tp)
        try:
            self._types[tp] = lt
        except TypeError:
            pass
        return lt

    def bind(self, value: Any, tp: Any, where: str) -> Binding:
        return self._bind(value, tp, self.literal_type(tp), where)

    def _bind(self, value: Any, tp: Any, lt: types_pb2.LiteralType, where: str) -> Binding:
        if isinstance(value, Promise):
            if value._type is not Any:
                try:
                    theirs = self.literal_type(value._type)
                except Exception:
                    theirs = None
                if theirs is not None and _clash(theirs, lt):
                    raise WorkflowCompileError(
                        f"{where}: expected {type_name(tp)}, received {value.describe()} of "
                        f"type {type_name(value._type)}"
                    )
            return PromiseBinding(value)
        if isinstance(value, VoidPromise):
            raise WorkflowCompileError(
                f"{where}: received the result of node {value.node.id} "
                f"({value.node.describe()}), which has no outputs"
            )
        if isinstance(value, NodeOutputs) or (
            isinstance(value, tuple) and any(isinstance(v, Promise) for v in value)
        ):
            raise WorkflowCompileError(
                f"{where}: received a tuple of {len(value)} promises (a call with several "
                "outputs); pass one of them, e.g. result.o0 or a named field"
            )
        if isinstance(value, tuple):
            raise WorkflowCompileError(
                f"{where}: tuples are not Flyte values (received {value!r}); use a list or a "
                "dataclass"
            )
        kind = lt.WhichOneof("type")
        if kind == "union_type" and isinstance(value, (list, dict)):
            variants = _union_kinds(tp)
            for index, variant in enumerate(lt.union_type.variants):
                sub = variants[index] if index < len(variants) else Any
                try:
                    return self._bind(value, sub, variant, where)
                except (WorkflowCompileError, TypeError, ValueError):
                    continue
            raise WorkflowCompileError(
                f"{where}: {value!r} fits none of the variants of {type_name(tp)}"
            )
        if isinstance(value, list) and kind == "collection_type":
            args = typing.get_args(_strip_optional(tp))
            sub = args[0] if args else Any
            return CollectionBinding(
                tuple(
                    self._bind(item, sub, lt.collection_type, f"{where}[{i}]")
                    for i, item in enumerate(value)
                )
            )
        if isinstance(value, dict) and kind == "map_value_type":
            args = typing.get_args(_strip_optional(tp))
            sub = args[1] if len(args) == 2 else Any
            bad = [k for k in value if not isinstance(k, str)]
            if bad:
                raise WorkflowCompileError(f"{where}: map keys must be strings, got {bad[0]!r}")
            return MapBinding(
                {
                    key: self._bind(item, sub, lt.map_value_type, f"{where}[{key!r}]")
                    for key, item in value.items()
                }
            )
        if _has_promise(value):
            raise WorkflowCompileError(
                f"{where}: expected {type_name(tp)}, received a {type(value).__name__} holding "
                "promises; only list[...] and dict[str, ...] inputs can mix promises and "
                "constants"
            )
        if tp is Any:
            raise WorkflowCompileError(
                f"{where}: a constant needs a declared type (received {value!r})"
            )
        try:
            literal = self.engine.to_literal(value, tp, lt)
        except (TypeError, ValueError) as exc:
            raise WorkflowCompileError(
                f"{where}: expected {type_name(tp)}, received {type(value).__name__} "
                f"{_short(value)} ({exc})"
            ) from None
        if literal.WhichOneof("value") != "scalar":
            # a collection or map constant of a type the value does not look like (a tuple,
            # a set...) is written item by item as flytekit does
            raise WorkflowCompileError(
                f"{where}: expected {type_name(tp)}, received {type(value).__name__} "
                f"{_short(value)}"
            )
        return ConstantBinding(literal, value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _has_promise(value: Any) -> bool:
    if isinstance(value, (Promise, VoidPromise)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_promise(v) for v in value)
    if isinstance(value, dict):
        return any(_has_promise(v) for v in value.values())
    return False


# --- expressions: what comparing promises makes (the conditions of a conditional) ---------------


class _Expression(abc.ABC):
    """Base of comparison and conjunction expressions: combinable with & and |, never a bool."""

    def __and__(self, other: Any) -> ConjunctionExpression:
        return ConjunctionExpression(self, "&", other)

    def __or__(self, other: Any) -> ConjunctionExpression:
        return ConjunctionExpression(self, "|", other)

    def __rand__(self, other: Any) -> ConjunctionExpression:
        return ConjunctionExpression(other, "&", self)

    def __ror__(self, other: Any) -> ConjunctionExpression:
        return ConjunctionExpression(other, "|", self)

    def __bool__(self) -> bool:
        owners = {p._owner for p in self.promises()}
        where = f"workflow {sorted(owners)[0]!r}: " if owners else ""
        raise WorkflowCompileError(
            f"{where}condition {self!r} was used as a bool (and/or/not/if): {_LOGIC_HINT}"
        )

    @abc.abstractmethod
    def promises(self) -> Iterable[Promise]:
        """The promises the condition reads, in order."""

    @abc.abstractmethod
    def evaluate(self, value_of: Callable[[Promise], Any]) -> bool:
        """The condition's value, given the value of each promise (a local run)."""

    @abc.abstractmethod
    def to_idl(self) -> condition_pb2.BooleanExpression:
        """The condition on the wire."""


def _operand_text(value: Any) -> str:
    if isinstance(value, Promise):
        return operand_var(value)
    return repr(value)


def operand_var(promise: Promise) -> str:
    """flytekit's operand name: ``"<node id>.<output>"`` (``".x"`` for a workflow input)."""
    return f"{promise.node_id}.{promise.var}"


class ComparisonExpression(_Expression):
    """``lhs <op> rhs`` where at least one side is a promise."""

    def __init__(self, lhs: Any, op: str, rhs: Any) -> None:
        for side in (lhs, rhs):
            if isinstance(side, _Expression):
                raise WorkflowCompileError(
                    f"a condition cannot be compared with {op}: {_LOGIC_HINT}"
                )
            if isinstance(side, (VoidPromise, NodeOutputs)):
                raise WorkflowCompileError(
                    f"cannot compare {side!r} with {op}: compare one output (a promise)"
                )
        self.lhs = lhs
        self.op = op
        self.rhs = rhs

    def __repr__(self) -> str:
        return f"({_operand_text(self.lhs)} {self.op} {_operand_text(self.rhs)})"

    def promises(self) -> Iterable[Promise]:
        return [side for side in (self.lhs, self.rhs) if isinstance(side, Promise)]

    def evaluate(self, value_of: Callable[[Promise], Any]) -> bool:
        left = value_of(self.lhs) if isinstance(self.lhs, Promise) else self.lhs
        right = value_of(self.rhs) if isinstance(self.rhs, Promise) else self.rhs
        return bool(_COMPARATORS[self.op](left, right))

    def to_idl(self) -> condition_pb2.BooleanExpression:
        from flyteidl.core import condition_pb2

        expression = condition_pb2.BooleanExpression()
        comparison = expression.comparison
        comparison.operator = condition_pb2.ComparisonExpression.Operator.Value(
            _WIRE_COMPARATORS[self.op]
        )
        _operand(self.lhs, comparison.left_value)
        _operand(self.rhs, comparison.right_value)
        return expression


def _operand(value: Any, message: condition_pb2.Operand) -> None:
    if isinstance(value, Promise):
        message.var = operand_var(value)
        return
    from featherkit.type_registry import type_engine

    engine = type_engine()
    try:
        literal = engine.to_literal(value, type(value), engine.to_literal_type(type(value)))
    except Exception as exc:
        raise WorkflowCompileError(
            f"condition constant {value!r} ({type(value).__name__}) is not a Flyte primitive: "
            f"{exc}"
        ) from exc
    scalar = literal.scalar
    if literal.WhichOneof("value") != "scalar" or scalar.WhichOneof("value") not in (
        "primitive",
        "none_type",
    ):
        raise WorkflowCompileError(
            f"condition constant {value!r} ({type(value).__name__}) is not a Flyte primitive "
            "(int, float, str, bool, datetime, timedelta or None)"
        )
    if scalar.WhichOneof("value") == "none_type":
        message.scalar.CopyFrom(scalar)
    else:
        message.primitive.CopyFrom(scalar.primitive)


class ConjunctionExpression(_Expression):
    """``lhs & rhs`` or ``lhs | rhs`` of two conditions."""

    def __init__(self, lhs: Any, op: str, rhs: Any) -> None:
        for side in (lhs, rhs):
            if not isinstance(side, _Expression):
                raise WorkflowCompileError(
                    f"{op} combines conditions (comparisons of promises), got "
                    f"{_describe(side)}: {_LOGIC_HINT}"
                )
        self.lhs = lhs
        self.op = op
        self.rhs = rhs

    def __repr__(self) -> str:
        return f"({self.lhs!r} {self.op} {self.rhs!r})"

    def promises(self) -> Iterable[Promise]:
        return [*self.lhs.promises(), *self.rhs.promises()]

    def evaluate(self, value_of: Callable[[Promise], Any]) -> bool:
        left: bool = self.lhs.evaluate(value_of)
        if self.op == "&":
            return left and bool(self.rhs.evaluate(value_of))
        return left or bool(self.rhs.evaluate(value_of))

    def to_idl(self) -> condition_pb2.BooleanExpression:
        from flyteidl.core import condition_pb2

        expression = condition_pb2.BooleanExpression()
        conjunction = expression.conjunction
        conjunction.operator = (
            condition_pb2.ConjunctionExpression.AND
            if self.op == "&"
            else condition_pb2.ConjunctionExpression.OR
        )
        conjunction.left_expression.CopyFrom(self.lhs.to_idl())
        conjunction.right_expression.CopyFrom(self.rhs.to_idl())
        return expression


def _describe(value: Any) -> str:
    if isinstance(value, Promise):
        return value.describe()
    if isinstance(value, bool):
        return f"the bool {value} (an and/or/not/is already evaluated by Python)"
    return f"{type(value).__name__} {value!r}"


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
#: operator -> the name of ``ComparisonExpression.Operator`` on the wire
_WIRE_COMPARATORS = {"==": "EQ", "!=": "NEQ", "<": "LT", "<=": "LTE", ">": "GT", ">=": "GTE"}

_LOGIC_HINT = (
    "combine conditions with & and | (each comparison in parentheses), e.g. "
    "(x > 1) & (x < 10); Python's and/or/not/is and a promise used as a bool cannot be "
    "recorded in a workflow"
)


__all__ = [
    "START_NODE",
    "Binder",
    "Binding",
    "CollectionBinding",
    "ComparisonExpression",
    "ConjunctionExpression",
    "ConstantBinding",
    "MapBinding",
    "NodeOutputs",
    "Promise",
    "PromiseBinding",
    "VoidPromise",
    "WorkflowCompileError",
    "is_optional",
    "node_of",
    "outputs_tuple",
    "promises_in",
    "resolve",
]
