"""A task's typed interface: inputs with defaults and descriptions, and named outputs."""

from __future__ import annotations

import inspect
import typing
from collections import OrderedDict
from collections.abc import Callable
from types import FunctionType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flyteidl.core import interface_pb2

    from featherkit.docstring import Docstring


class _Missing:
    def __repr__(self) -> str:
        return "<no default>"


NO_DEFAULT: Any = _Missing()


def kwtypes(**kwargs: Any) -> OrderedDict[str, Any]:
    """Name types in order, as in ``inputs=kwtypes(a=int, b=str)``."""
    return OrderedDict(kwargs)


def is_named_tuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


class Interface:
    """Inputs and outputs of a task, as Python types.

    ``output_tuple`` is the NamedTuple class a multi-output call returns (the declared one,
    or one named ``DefaultNamedTupleOutput``, as flytekit names it, generated from the output
    names). Given ``doc_text`` instead of descriptions, the
    docstring is parsed when descriptions are first asked for (at serialization, say), not
    when the task is defined: decorating many tasks stays cheap.
    """

    def __init__(
        self,
        inputs: dict[str, Any] | None = None,
        outputs: dict[str, Any] | None = None,
        defaults: dict[str, Any] | None = None,
        input_descriptions: dict[str, str] | None = None,
        output_descriptions: dict[str, str] | None = None,
        output_tuple: type | None = None,
        docstring: Docstring | None = None,
        *,
        doc_text: str | None = None,
    ) -> None:
        self._fill(
            dict(inputs or {}), dict(outputs or {}), dict(defaults or {}), input_descriptions,
            output_descriptions, output_tuple, docstring, doc_text,
        )

    def _fill(
        self,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        defaults: dict[str, Any],
        input_descriptions: dict[str, str] | None,
        output_descriptions: dict[str, str] | None,
        output_tuple: type | None,
        docstring: Docstring | None,
        doc_text: str | None,
    ) -> None:
        """``__init__`` on dicts that become the interface's own (not copied again)."""
        self.inputs: dict[str, Any] = inputs
        self.outputs: dict[str, Any] = outputs
        self.defaults: dict[str, Any] = defaults
        self._input_descriptions = input_descriptions
        self._output_descriptions = output_descriptions
        self._docstring = docstring
        self._doc_text = doc_text
        if len(self.outputs) > 1 and output_tuple is None:
            fields = list(self.outputs.items())
            # flytekit's name for the tuple of several unnamed outputs
            output_tuple = typing.cast(type, typing.NamedTuple("DefaultNamedTupleOutput", fields))
        self.output_tuple = output_tuple

    @property
    def docstring(self) -> Docstring:
        if self._docstring is None:
            # the parser (and its regular expressions) load on first use: decorating and
            # running a task never need descriptions
            from featherkit.docstring import parse_docstring

            self._docstring = parse_docstring(self._doc_text)
        return self._docstring

    @property
    def input_descriptions(self) -> dict[str, str]:
        if self._input_descriptions is None:
            documented = self.docstring.params
            self._input_descriptions = {k: v for k, v in documented.items() if k in self.inputs}
        return self._input_descriptions

    @property
    def output_descriptions(self) -> dict[str, str]:
        if self._output_descriptions is None:
            self._output_descriptions = output_descriptions(self.docstring, self.outputs)
        return self._output_descriptions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interface):
            return NotImplemented
        return (
            self.inputs == other.inputs
            and self.outputs == other.outputs
            and self.defaults == other.defaults
            and self.input_descriptions == other.input_descriptions
            and self.output_descriptions == other.output_descriptions
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Interface(inputs={self.inputs!r}, outputs={self.outputs!r}, "
            f"defaults={self.defaults!r})"
        )

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
    if type(return_type) is type and not issubclass(return_type, tuple):
        return {"o0": return_type}, None  # a plain class (int, str, ...): the usual case
    if isinstance(return_type, tuple):
        # ``-> (int, str)``: flytekit reads a tuple of types as ``Tuple[int, str]``
        return_type = tuple.__class_getitem__(return_type) if return_type else typing.Tuple[()]  # noqa: UP006
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


_VAR_ARGS = inspect.CO_VARARGS | inspect.CO_VARKEYWORDS


def _parameters(fn: Callable[..., Any], where: str) -> tuple[list[str], dict[str, Any]]:
    """Parameter names in order and their defaults.

    Read from the code object for plain functions (``inspect.signature`` costs more than the
    rest of decorating); other callables go through ``inspect``.
    """
    if type(fn) is not FunctionType or "__wrapped__" in fn.__dict__:
        signature = inspect.signature(fn)
        names, defaults = [], {}
        for name, param in signature.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(
                    f"{where}: *args and **kwargs are not supported (parameter {name!r})"
                )
            names.append(name)
            if param.default is not param.empty:
                defaults[name] = param.default
        return names, defaults
    code = fn.__code__
    positional = code.co_argcount
    names = list(code.co_varnames[: positional + code.co_kwonlyargcount])
    if code.co_flags & _VAR_ARGS:
        star = code.co_varnames[len(names)]
        raise TypeError(f"{where}: *args and **kwargs are not supported (parameter {star!r})")
    given = fn.__defaults__
    defaults = dict(zip(names[positional - len(given) : positional], given)) if given else {}
    keyword_only = fn.__kwdefaults__
    if keyword_only:
        defaults.update(keyword_only)
    return names, defaults


def _annotations(fn: Callable[..., Any], where: str) -> dict[str, Any]:
    annotations = getattr(fn, "__annotations__", None)
    if isinstance(annotations, dict):
        for value in annotations.values():
            if isinstance(value, str):  # a forward reference (or ``from __future__ import
                break  # annotations``): typing resolves it
        else:
            return annotations
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception as exc:
        raise TypeError(f"{where}: cannot resolve the type annotations: {exc}") from exc


def interface_from_function(fn: Callable[..., Any], where: str) -> Interface:
    """Build the interface from ``fn``'s signature and annotations (docstring: lazily)."""
    hints = _annotations(fn, where)
    names, defaults = _parameters(fn, where)
    inputs: dict[str, Any] = {}
    for name in names:
        if name not in hints:
            raise TypeError(f"{where}: input {name!r} needs a type annotation")
        inputs[name] = hints[name]
    returns = hints.get("return", inspect.Signature.empty)
    outputs, output_tuple = output_names(returns, where)
    interface = Interface.__new__(Interface)
    # the dicts are made here for the interface alone: __init__'s copies would be waste
    interface._fill(inputs, outputs, defaults, None, None, output_tuple, None, fn.__doc__)
    return interface
