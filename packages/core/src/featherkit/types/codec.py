"""Typed conversion between Python values and *plain* values (what msgpack and JSON hold).

This is featherkit's replacement for what flytekit gets from mashumaro: the encoding of
dataclasses, of dicts with non-``str`` keys, and of dataclass attributes that Flyte's
propeller hands to a downstream task. The plain form is chosen to be byte-for-byte what
flytekit 1.16 writes, so data crosses both ways:

=====================  ===========================================================
Python (declared)      plain value
=====================  ===========================================================
int, float, str, bool  itself (an ``int`` in a ``float`` field stays an int, as mashumaro
                       leaves it)
bytes                  itself (msgpack ``bin``; base64 text in the JSON form)
None                   None (msgpack ``nil``)
datetime, date         ``isoformat()`` string
timedelta              ``total_seconds()`` float
Enum                   its ``value``
Literal[...]           itself, when it is one of the allowed values
list[T], tuple[...]    list
dict[K, V]             dict with encoded keys (msgpack keeps int keys)
Optional / Union       the first variant that accepts the value
dataclass              dict of its fields, in declaration order, ``None`` fields included
Any, untyped list/dict passed through unchanged
=====================  ===========================================================

Unlike mashumaro, encoding checks every value against its declared type and a mismatch is a
:class:`~featherkit.types.TypeTransformerError` whose ``path`` leads to the culprit
(``.items[3].name``). Decoding is strict about kinds too, with the lenience Flyte needs:
an integral float reads as ``int`` (JSON and the Flyte console have only one number type),
an ``int`` reads as ``float``.

``json_mode`` decoders read the older form, a ``google.protobuf.Struct`` (JSON) where every
number is a double, ``bytes`` are base64 text and mapping keys are strings.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

from featherkit.types.errors import TypeTransformerError, mismatch, short_repr, type_name

if typing.TYPE_CHECKING:
    from featherkit.types.base import TypeTransformer
    from featherkit.types.engine import TypeEngine

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]

_NoneType = type(None)
_UNION_ORIGINS = (typing.Union, types.UnionType)


def strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if tp is None:
        return _NoneType
    return tp


def is_union(tp: Any) -> bool:
    return get_origin(tp) in _UNION_ORIGINS


def dataclass_fields(cls: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    """The fields of dataclass ``cls`` with their resolved (string-free) types."""
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except Exception:  # an unresolvable forward reference: use what the fields say
        hints = {}
    result = []
    for field in dataclasses.fields(cls):
        tp = hints.get(field.name, field.type)
        if isinstance(tp, str):
            raise TypeTransformerError(
                f"cannot resolve the annotation {tp!r} of field {field.name!r} of "
                f"{type_name(cls)}; define the types it names at module level"
            )
        result.append((field, tp))
    return result


def has_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING or (
        field.default_factory is not dataclasses.MISSING
    )


class Codec:
    """Compiles and caches an encoder and decoders per declared type.

    ``engine`` gives the type engine to ask about a type the codec does not know by itself
    (a plugin's type): its transformer's ``plain_encoder``/``plain_decoder`` are used.
    """

    def __init__(self, engine: Callable[[], TypeEngine] | None = None) -> None:
        self._engine = engine
        self._encoders: dict[Any, Encoder] = {}
        self._decoders: dict[tuple[Any, bool], Decoder] = {}

    # -- encoding -----------------------------------------------------------------------------

    def encoder(self, tp: Any) -> Encoder:
        """A function turning a value of declared type ``tp`` into its plain form."""
        try:
            return self._encoders[tp]
        except KeyError:
            pass
        except TypeError:
            return self._compile_encoder(strip(tp))
        # A forwarding placeholder lets a dataclass refer to itself (``children: list[Node]``).
        cell: list[Encoder] = []
        self._encoders[tp] = lambda value: cell[0](value)
        try:
            compiled = self._compile_encoder(strip(tp))
        except BaseException:
            del self._encoders[tp]
            raise
        cell.append(compiled)
        self._encoders[tp] = compiled
        return compiled

    def _compile_encoder(self, tp: Any) -> Encoder:
        simple = _SIMPLE_ENCODERS.get(tp)
        if simple is not None:
            return simple
        origin = get_origin(tp)
        args = get_args(tp)
        if origin in _UNION_ORIGINS:
            return self._union_encoder(tp, args)
        if origin is typing.Literal:
            return _choice_checker(args)
        if tp is list or origin is list:
            if not args or args[0] is Any:
                return _container_check(list, "list")
            return _list_encoder(self.encoder(args[0]), type_name(tp))
        if tp is dict or origin is dict:
            if not args or (args[0] is Any and args[1] is Any):
                return _container_check(dict, "dict")
            return _dict_encoder(self.encoder(args[0]), self.encoder(args[1]), type_name(tp))
        if tp is tuple or origin is tuple:
            return self._tuple_encoder(tp, args)
        found = self.transformer_for(tp)
        if found is not None and not found[0].codec_native:
            transformer, engine = found
            return transformer.plain_encoder(tp, engine)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return _enum_encoder(tp)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._dataclass_encoder(tp)
        raise TypeTransformerError(
            f"{type_name(tp)} cannot be encoded as a plain value (inside a dataclass or a "
            "dict with non-str keys); supported: int, float, str, bool, bytes, None, "
            "datetime, date, timedelta, Enum, list, tuple, dict, Optional/Union, dataclasses, "
            "Any"
        )

    def transformer_for(self, tp: Any) -> tuple[TypeTransformer[Any], TypeEngine] | None:
        """The engine's transformer for a type outside the builtin kinds (``None`` when the
        engine has only its pickle fallback for it: a pickle has no plain form)."""
        if self._engine is None:
            return None
        engine = self._engine()
        transformer = engine.find_transformer(tp)
        if transformer is None:
            return None
        return transformer, engine

    def _union_encoder(self, tp: Any, args: tuple[Any, ...]) -> Encoder:
        allows_none = _NoneType in args
        encoders = [self.encoder(a) for a in args if a is not _NoneType]
        expected = type_name(tp)

        def encode(value: Any) -> Any:
            if value is None:
                if allows_none:
                    return None
                raise mismatch(expected, value)
            return _first_accepting(encoders, value, expected)

        return encode

    def _tuple_encoder(self, tp: Any, args: tuple[Any, ...]) -> Encoder:
        expected = type_name(tp)
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item = self.encoder(args[0]) if args else _encode_any
            inner = _list_encoder(item, expected)

            def encode_variadic(value: Any) -> Any:
                if not isinstance(value, (tuple, list)):
                    raise mismatch(expected, value)
                return inner(list(value))

            return encode_variadic
        items = [self.encoder(a) for a in args]

        def encode_fixed(value: Any) -> Any:
            if not isinstance(value, (tuple, list)) or len(value) != len(items):
                raise mismatch(expected, value)
            out = []
            for index, (item_encoder, item) in enumerate(zip(items, value)):
                try:
                    out.append(item_encoder(item))
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{index}]") from None
            return out

        return encode_fixed

    def _dataclass_encoder(self, cls: type) -> Encoder:
        fields = [(f.name, self.encoder(tp)) for f, tp in dataclass_fields(cls)]
        expected = type_name(cls)

        def encode(value: Any) -> Any:
            if not isinstance(value, cls):
                raise mismatch(f"an instance of dataclass {expected}", value)
            out = {}
            for name, field_encoder in fields:
                try:
                    out[name] = field_encoder(getattr(value, name))
                except TypeTransformerError as err:
                    raise err.add_parent("." + name) from None
            return out

        return encode

    def lazy_decoder(self, tp: Any, *, json_mode: bool = False) -> Decoder:
        """A decoder compiled on first use: for fallbacks that most types never need (and
        some cannot have, such as a list of a plugin's type)."""
        compiled: list[Decoder] = []

        def decode(value: Any) -> Any:
            if not compiled:
                compiled.append(self.decoder(tp, json_mode=json_mode))
            return compiled[0](value)

        return decode

    # -- decoding -----------------------------------------------------------------------------

    def decoder(self, tp: Any, *, json_mode: bool = False) -> Decoder:
        """A function turning a plain value into a value of declared type ``tp``."""
        key = (tp, json_mode)
        try:
            return self._decoders[key]
        except KeyError:
            pass
        except TypeError:
            return self._compile_decoder(strip(tp), json_mode)
        cell: list[Decoder] = []
        self._decoders[key] = lambda value: cell[0](value)
        try:
            compiled = self._compile_decoder(strip(tp), json_mode)
        except BaseException:
            del self._decoders[key]
            raise
        cell.append(compiled)
        self._decoders[key] = compiled
        return compiled

    def _compile_decoder(self, tp: Any, json_mode: bool) -> Decoder:
        if json_mode and tp is bytes:
            return _decode_base64
        simple = _SIMPLE_DECODERS.get(tp)
        if simple is not None:
            return simple
        origin = get_origin(tp)
        args = get_args(tp)
        if origin in _UNION_ORIGINS:
            return self._union_decoder(tp, args, json_mode)
        if origin is typing.Literal:
            return _choice_checker(args)
        if tp is list or origin is list:
            if not args or args[0] is Any:
                return _container_check(list, "list")
            return _list_decoder(self.decoder(args[0], json_mode=json_mode), type_name(tp))
        if tp is dict or origin is dict:
            if not args or (args[0] is Any and args[1] is Any):
                return _container_check(dict, "dict")
            key_decoder = self._key_decoder(args[0], json_mode)
            value_decoder = self.decoder(args[1], json_mode=json_mode)
            return _dict_decoder(key_decoder, value_decoder, type_name(tp))
        if tp is tuple or origin is tuple:
            return self._tuple_decoder(tp, args, json_mode)
        found = self.transformer_for(tp)
        if found is not None and not found[0].codec_native:
            transformer, engine = found
            return transformer.plain_decoder(tp, engine)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return _enum_decoder(tp)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._dataclass_decoder(tp, json_mode)
        raise TypeTransformerError(
            f"{type_name(tp)} cannot be decoded from a plain value (inside a dataclass or a "
            "dict with non-str keys)"
        )

    def _key_decoder(self, tp: Any, json_mode: bool) -> Decoder:
        """JSON object keys are strings: numbers must be parsed back from them."""
        decode = self.decoder(tp, json_mode=json_mode)
        if not json_mode:
            return decode
        base = strip(tp)
        if base is int or base is float:
            parse = base

            def decode_number_key(key: Any) -> Any:
                if isinstance(key, str):
                    try:
                        return parse(key)
                    except ValueError:
                        raise mismatch(type_name(parse), key) from None
                return decode(key)

            return decode_number_key
        return decode

    def _union_decoder(self, tp: Any, args: tuple[Any, ...], json_mode: bool) -> Decoder:
        allows_none = _NoneType in args
        decoders = [self.decoder(a, json_mode=json_mode) for a in args if a is not _NoneType]
        expected = type_name(tp)

        def decode(value: Any) -> Any:
            if value is None:
                if allows_none:
                    return None
                raise mismatch(expected, value)
            return _first_accepting(decoders, value, expected)

        return decode

    def _tuple_decoder(self, tp: Any, args: tuple[Any, ...], json_mode: bool) -> Decoder:
        expected = type_name(tp)
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item = self.decoder(args[0], json_mode=json_mode) if args else _decode_any
            inner = _list_decoder(item, expected)
            return lambda value: tuple(inner(value))
        items = [self.decoder(a, json_mode=json_mode) for a in args]

        def decode_fixed(value: Any) -> Any:
            if not isinstance(value, (list, tuple)) or len(value) != len(items):
                raise mismatch(f"a list of {len(items)} items for {expected}", value)
            out = []
            for index, (item_decoder, item) in enumerate(zip(items, value)):
                try:
                    out.append(item_decoder(item))
                except TypeTransformerError as err:
                    raise err.add_parent(f"[{index}]") from None
            return tuple(out)

        return decode_fixed

    def _dataclass_decoder(self, cls: type, json_mode: bool) -> Decoder:
        init_fields: list[tuple[str, Decoder, bool]] = []
        late_fields: list[tuple[str, Decoder, bool]] = []
        for field, tp in dataclass_fields(cls):
            entry = (field.name, self.decoder(tp, json_mode=json_mode), not has_default(field))
            (init_fields if field.init else late_fields).append(entry)
        expected = type_name(cls)

        def decode(value: Any) -> Any:
            if not isinstance(value, dict):
                raise mismatch(f"a mapping of the fields of dataclass {expected}", value)
            kwargs = {}
            for name, field_decoder, required in init_fields:
                if name in value:
                    try:
                        kwargs[name] = field_decoder(value[name])
                    except TypeTransformerError as err:
                        raise err.add_parent("." + name) from None
                elif required:
                    raise TypeTransformerError(
                        f"missing field {name!r} of dataclass {expected}, which has no default",
                        expected=expected,
                        received=f"keys {sorted(map(str, value))}",
                    )
            result = cls(**kwargs)
            for name, field_decoder, _ in late_fields:
                if name in value:
                    try:
                        object.__setattr__(result, name, field_decoder(value[name]))
                    except TypeTransformerError as err:
                        raise err.add_parent("." + name) from None
            return result

        return decode


# -- the leaves ---------------------------------------------------------------------------------


def _encode_any(value: Any) -> Any:
    return value


_decode_any = _encode_any


def _encode_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise mismatch("int", value)


def _encode_float(value: Any) -> Any:
    kind = type(value)
    if kind is float or kind is int:
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise mismatch("float", value)


def _encode_str(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise mismatch("str", value)


def _encode_bool(value: Any) -> Any:
    if value is True or value is False:
        return value
    raise mismatch("bool", value)


def _encode_bytes(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise mismatch("bytes", value)


def _encode_none(value: Any) -> Any:
    if value is None:
        return None
    raise mismatch("None", value)


def _encode_datetime(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise mismatch("datetime", value)


def _encode_date(value: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise mismatch("date", value)


def _encode_timedelta(value: Any) -> Any:
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise mismatch("timedelta", value)


def _decode_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise mismatch("int (or an integral float)", value)


def _decode_float(value: Any) -> Any:
    if type(value) is float:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise mismatch("float", value)


def _decode_bytes(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise mismatch("bytes", value)


def _decode_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            import base64

            return base64.b64decode(value)
        except ValueError:
            pass
    raise mismatch("base64 text of bytes", value)


def parse_datetime(text: str) -> datetime.datetime:
    """``datetime.fromisoformat`` that also takes a ``Z`` suffix on Python 3.10."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def _decode_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            pass
    raise mismatch("an ISO 8601 datetime string", value)


def _decode_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise mismatch("an ISO 8601 date string", value)


def _decode_timedelta(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.timedelta(seconds=value)
    raise mismatch("a number of seconds", value)


_SIMPLE_ENCODERS: dict[Any, Encoder] = {
    int: _encode_int,
    float: _encode_float,
    str: _encode_str,
    bool: _encode_bool,
    bytes: _encode_bytes,
    _NoneType: _encode_none,
    datetime.datetime: _encode_datetime,
    datetime.date: _encode_date,
    datetime.timedelta: _encode_timedelta,
    Any: _encode_any,
    object: _encode_any,
}

_SIMPLE_DECODERS: dict[Any, Decoder] = {
    int: _decode_int,
    float: _decode_float,
    str: lambda value: value if isinstance(value, str) else _raise(mismatch("str", value)),
    bool: lambda value: value if isinstance(value, bool) else _raise(mismatch("bool", value)),
    bytes: _decode_bytes,
    _NoneType: _encode_none,
    datetime.datetime: _decode_datetime,
    datetime.date: _decode_date,
    datetime.timedelta: _decode_timedelta,
    Any: _decode_any,
    object: _decode_any,
}


def _raise(error: Exception) -> Any:
    raise error


def _container_check(kind: type, expected: str) -> Encoder:
    def check(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        raise mismatch(expected, value)

    return check


def _first_accepting(functions: list[Callable[[Any], Any]], value: Any, expected: str) -> Any:
    """The result of the first function that accepts ``value``, as mashumaro tries variants.

    When all refuse, a refusal from inside a nested value (it has a path) is more useful than
    "no variant fits", so it wins when it is the only one.
    """
    deep: list[TypeTransformerError] = []
    for function in functions:
        try:
            return function(value)
        except TypeTransformerError as err:
            if err.path:
                deep.append(err)
    if len(deep) == 1:
        raise deep[0]
    raise mismatch(expected, value)


def _list_encoder(item: Encoder, expected: str) -> Encoder:
    def encode(value: Any) -> Any:
        if not isinstance(value, list):
            raise mismatch(expected, value)
        try:
            return [item(x) for x in value]
        except TypeTransformerError:
            _locate_in_list(item, value)
            raise

    return encode


_list_decoder = _list_encoder


def _locate_in_list(function: Callable[[Any], Any], values: list[Any]) -> None:
    """Re-run ``function`` over ``values`` to raise the first failure with its index."""
    for index, x in enumerate(values):
        try:
            function(x)
        except TypeTransformerError as err:
            raise err.add_parent(f"[{index}]") from None


def _dict_encoder(key: Encoder, item: Encoder, expected: str) -> Encoder:
    def encode(value: Any) -> Any:
        if not isinstance(value, dict):
            raise mismatch(expected, value)
        try:
            return {key(k): item(v) for k, v in value.items()}
        except TypeTransformerError:
            _locate_in_dict(key, item, value)
            raise

    return encode


_dict_decoder = _dict_encoder


def _locate_in_dict(key: Encoder, item: Encoder, values: dict[Any, Any]) -> None:
    for k, v in values.items():
        try:
            key(k)
        except TypeTransformerError as err:
            err.message = f"invalid key: {err.message}"
            raise err.add_parent(f"[{short_repr(k)}]") from None
        try:
            item(v)
        except TypeTransformerError as err:
            raise err.add_parent(f"[{short_repr(k)}]") from None


def _choice_checker(values: tuple[Any, ...]) -> Encoder:
    """``typing.Literal[...]``: the value itself, when it is one of the allowed ones."""
    expected = f"one of {list(values)}"

    def check(value: Any) -> Any:
        for allowed in values:
            if value == allowed and type(value) is type(allowed):
                return value
        raise mismatch(expected, value)

    return check


def _enum_encoder(cls: type[enum.Enum]) -> Encoder:
    values = {member.value for member in cls}
    expected = f"a member of {type_name(cls)}"

    def encode(value: Any) -> Any:
        if isinstance(value, cls):
            return value.value
        try:
            if value in values and not isinstance(value, enum.Enum):
                return value
        except TypeError:  # unhashable
            pass
        raise mismatch(expected, value)

    return encode


def _enum_decoder(cls: type[enum.Enum]) -> Decoder:
    expected = f"one of the values {sorted(map(repr, (m.value for m in cls)))} of {type_name(cls)}"

    def decode(value: Any) -> Any:
        try:
            return cls(value)
        except (ValueError, TypeError):
            raise mismatch(expected, value) from None

    return decode


def to_json_compatible(value: Any) -> Any:
    """The JSON form of a plain value: base64 ``bytes`` (as mashumaro), string keys."""
    if isinstance(value, bytes):
        import base64

        return base64.encodebytes(value).decode()
    if isinstance(value, (list, tuple)):
        return [to_json_compatible(v) for v in value]
    if isinstance(value, dict):
        return {
            (k if isinstance(k, str) else str(k)): to_json_compatible(v) for k, v in value.items()
        }
    return value


def locate_unpackable(value: Any, path: str = "") -> tuple[str, Any] | None:
    """The path and value of the first thing msgpack cannot encode inside ``value``."""
    if value is None or isinstance(value, (bool, str, bytes, bytearray, float)):
        return None
    if isinstance(value, int):
        return None if -(2**63) <= value < 2**64 else (path, value)
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = locate_unpackable(item, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = locate_unpackable(k, f"{path}[{short_repr(k)}]") or locate_unpackable(
                v, f"{path}[{short_repr(k)}]"
            )
            if found:
                return found
        return None
    return (path, value)


def _packb(plain: Any, **options: Any) -> bytes:
    """``msgpack.packb``, imported by the first call, which then puts it in this name's place
    (msgpack is a millisecond of every pod's start, and a task of plain ints never uses it)."""
    global _packb
    import msgpack

    _packb = msgpack.packb
    return msgpack.packb(plain, **options)  # type: ignore[no-any-return]


def _unpackb(payload: bytes, **options: Any) -> Any:
    """``msgpack.unpackb``, imported by the first call (as :func:`_packb`)."""
    global _unpackb
    import msgpack

    _unpackb = msgpack.unpackb
    return msgpack.unpackb(payload, **options)


def pack(plain: Any) -> bytes:
    """msgpack bytes of a plain value, exactly as flytekit (mashumaro) packs them."""
    try:
        return _packb(plain, use_bin_type=True)
    except (TypeError, ValueError, OverflowError) as exc:
        found = locate_unpackable(plain)
        if found is None:
            raise TypeTransformerError(f"cannot be encoded as msgpack: {exc}") from exc
        path, culprit = found
        raise TypeTransformerError(
            f"cannot be encoded as msgpack: {type_name(type(culprit))} {short_repr(culprit)} "
            "(declare a precise type, e.g. a dataclass, instead of an untyped container)",
            expected="a msgpack-encodable value",
            received=type_name(type(culprit)),
            path=path,
        ) from None


def unpack(payload: bytes) -> Any:
    """The plain value in msgpack bytes (int map keys allowed, as flytekit reads them)."""
    try:
        return _unpackb(payload, strict_map_key=False)
    except Exception as exc:
        raise TypeTransformerError(f"invalid msgpack payload: {exc}") from exc
