"""A task's typed interface: inputs with defaults and descriptions, and named outputs."""

from __future__ import annotations

import inspect
import typing
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from featherkit.docstring import Docstring, parse_docstring

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2


class _Missing:
    def __repr__(self) -> str:
        return "<no default>"


NO_DEFAULT: Any = _Missing()


def kwtypes(**kwargs: Any) -> OrderedDict[str, Any]:
    """Name types in order, as in ``inputs=kwtypes(a=int, b=str)``."""
    return OrderedDict(kwargs)


def is_named_tuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


@dataclass
class Interface:
    """Inputs and outputs of a task, as Python types.

    ``output_tuple`` is the NamedTuple class a multi-output call returns (the declared one,
    or one generated from the output names).
    """

    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    input_descriptions: dict[str, str] = field(default_factory=dict)
    output_descriptions: dict[str, str] = field(default_factory=dict)
    output_tuple: type | None = None
    docstring: Docstring = field(default_factory=Docstring)

    def __post_init__(self) -> None:
        if len(self.outputs) > 1 and self.output_tuple is None:
            fields = list(self.outputs.items())
            self.output_tuple = typing.cast(type, typing.NamedTuple("Outputs", fields))

    @property
    def required_inputs(self) -> list[str]:
        return [name for name in self.inputs if name not in self.defaults]

    def to_idl(self) -> interface_pb2.TypedInterface:
        from flyteidl.core import interface_pb2

        from featherkit.type_registry import type_engine

        engine = type_engine()

        def variables(types: dict[str, Any], docs: dict[str, str]) -> interface_pb2.VariableMap:
            return interface_pb2.VariableMap(
                variables={
                    name: interface_pb2.Variable(
                        type=engine.to_literal_type(tp), description=docs.get(name, name)
                    )
                    for name, tp in types.items()
                }
            )

        return interface_pb2.TypedInterface(
            inputs=variables(self.inputs, self.input_descriptions),
            outputs=variables(self.outputs, self.output_descriptions),
        )


def output_names(return_type: Any, where: str) -> tuple[dict[str, Any], type | None]:
    """Outputs declared by a return annotation: ``o0, o1, ...`` or a NamedTuple's fields."""
    if return_type is None or return_type is type(None) or return_type is inspect.Signature.empty:
        return {}, None
    if is_named_tuple(return_type):
        hints = typing.get_type_hints(return_type, include_extras=True)
        return {name: hints[name] for name in return_type._fields}, return_type
    if typing.get_origin(return_type) is tuple:
        args = typing.get_args(return_type)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"o0": return_type}, None
        if len(args) == 1:
            raise TypeError(
                f"{where}: a one-element tuple return ({_type_name(return_type)}) is not allowed; "
                "return the value itself, or a NamedTuple with one field to name it"
            )
        if not args:
            raise TypeError(f"{where}: an empty tuple return type declares nothing; use None")
        return {f"o{i}": arg for i, arg in enumerate(args)}, None
    return {"o0": return_type}, None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


def output_descriptions(doc: Docstring, outputs: dict[str, Any]) -> dict[str, str]:
    """Descriptions of the outputs, documented the way flytekit reads them.

    Several named return entries (NumPy style ``total : int``) describe the outputs of the
    same names. Otherwise one return description (``:return:``, ``Returns:``) describes every
    output, a NamedTuple's fields included. Undocumented outputs are left out, so that
    :meth:`Interface.to_idl` falls back to their names.
    """
    if len(doc.named_returns) > 1:
        return {k: v for k, v in doc.named_returns.items() if k in outputs}
    if doc.returns:
        return {name: doc.returns for name in outputs}
    return {}


def interface_from_function(fn: Callable[..., Any], where: str) -> Interface:
    """Build the interface from ``fn``'s signature, annotations and docstring."""
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:
        raise TypeError(f"{where}: cannot resolve the type annotations: {exc}") from exc
    signature = inspect.signature(fn)
    inputs: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{where}: *args and **kwargs are not supported (parameter {name!r})")
        if name not in hints:
            raise TypeError(f"{where}: input {name!r} needs a type annotation")
        inputs[name] = hints[name]
        if param.default is not param.empty:
            defaults[name] = param.default
    returns = hints.get("return", inspect.Signature.empty)
    outputs, output_tuple = output_names(returns, where)
    doc = parse_docstring(fn.__doc__)
    return Interface(
        inputs=inputs,
        outputs=outputs,
        defaults=defaults,
        input_descriptions={k: v for k, v in doc.params.items() if k in inputs},
        output_descriptions=output_descriptions(doc, outputs),
        output_tuple=output_tuple,
        docstring=doc,
    )
