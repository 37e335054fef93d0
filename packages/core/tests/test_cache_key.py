"""The cache key: what it depends on, what it ignores, and that it never changes by accident."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest
from flyteidl.core import interface_pb2, literals_pb2, types_pb2

from featherkit import task
from featherkit.cache import cache_key, key_components
from featherkit.cache.key import cache_form, literal_digest
from featherkit.errors import FeatherkitUserError
from featherkit.metadata import TaskMetadata


def _int(value: int) -> literals_pb2.Literal:
    return literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=value))
    )


def _str(value: str) -> literals_pb2.Literal:
    return literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value))
    )


def _inputs(**literals: literals_pb2.Literal) -> literals_pb2.LiteralMap:
    return literals_pb2.LiteralMap(literals=literals)


INT = types_pb2.LiteralType(simple=types_pb2.INTEGER)
STR = types_pb2.LiteralType(simple=types_pb2.STRING)


class IdlTask:
    """A task as the key sees it: a name, metadata and an IDL interface (no type engine)."""

    def __init__(
        self,
        name: str = "pkg.mod.fn",
        version: str = "1",
        inputs: dict[str, types_pb2.LiteralType] | None = None,
        outputs: dict[str, types_pb2.LiteralType] | None = None,
        ignore: tuple[str, ...] = (),
        description: str = "",
    ) -> None:
        def variables(types: dict[str, types_pb2.LiteralType]) -> interface_pb2.VariableMap:
            return interface_pb2.VariableMap(
                variables={
                    n: interface_pb2.Variable(type=t, description=description or n)
                    for n, t in types.items()
                }
            )

        self.name = name
        self.metadata = TaskMetadata(
            cache=True, cache_version=version, cache_ignore_input_vars=ignore
        )
        self.interface = interface_pb2.TypedInterface(
            inputs=variables({"a": INT, "b": STR} if inputs is None else inputs),
            outputs=variables({"o0": INT} if outputs is None else outputs),
        )


def _key(task_: object, **literals: literals_pb2.Literal) -> str:
    return cache_key(task_, _inputs(**literals))  # type: ignore[arg-type]


def test_golden_key_never_changes_by_accident():
    # a change here invalidates every user's cache: bump KEY_SCHEME on purpose instead
    assert _key(IdlTask(), a=_int(1), b=_str("x")) == (
        "680179dc1d45b8147be39359d134a8b509be3fdb707c2ebd243adc4dc7a2aefe"
    )


def test_key_follows_the_documented_framing():
    def frame(label: bytes, value: bytes) -> bytes:
        return len(label).to_bytes(4, "big") + label + len(value).to_bytes(4, "big") + value

    def det(message) -> bytes:
        return message.SerializeToString(deterministic=True)

    def sha(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    interface = (
        frame(b"inputs", b"") + frame(b"a", det(INT)) + frame(b"b", det(STR))
        + frame(b"outputs", b"") + frame(b"o0", det(INT))
    )
    stream = (
        frame(b"scheme", b"featherkit-cache-key/1") + frame(b"task", b"pkg.mod.fn")
        + frame(b"version", b"1") + frame(b"interface", sha(interface))
        + frame(b"input", b"a") + sha(det(_int(1)))
        + frame(b"input", b"b") + sha(det(_str("x")))
    )
    assert _key(IdlTask(), a=_int(1), b=_str("x")) == hashlib.sha256(stream).hexdigest()


def test_every_component_changes_the_key():
    base = _key(IdlTask(), a=_int(1), b=_str("x"))
    assert _key(IdlTask(name="pkg.mod.other"), a=_int(1), b=_str("x")) != base
    assert _key(IdlTask(version="2"), a=_int(1), b=_str("x")) != base
    assert _key(IdlTask(outputs={"o0": STR}), a=_int(1), b=_str("x")) != base
    assert _key(IdlTask(outputs={"out": INT}), a=_int(1), b=_str("x")) != base
    assert _key(IdlTask(inputs={"a": INT, "b": INT}), a=_int(1), b=_str("x")) != base
    assert _key(IdlTask(), a=_int(2), b=_str("x")) != base
    assert _key(IdlTask(), a=_int(1), b=_str("y")) != base


def test_descriptions_do_not_change_the_key():
    assert _key(IdlTask(description="docs v2"), a=_int(1), b=_str("x")) == _key(
        IdlTask(), a=_int(1), b=_str("x")
    )


def test_swapping_values_between_inputs_changes_the_key():
    both = IdlTask(inputs={"a": STR, "b": STR})
    assert _key(both, a=_str("x"), b=_str("y")) != _key(both, a=_str("y"), b=_str("x"))
    # framing: moving characters across the boundary of two inputs changes the key
    assert _key(both, a=_str("xy"), b=_str("")) != _key(both, a=_str("x"), b=_str("y"))


def test_ignored_inputs_are_dropped():
    ignoring = IdlTask(ignore=("b",))
    assert _key(ignoring, a=_int(1), b=_str("x")) == _key(ignoring, a=_int(1), b=_str("y"))
    assert _key(ignoring, a=_int(1), b=_str("x")) != _key(IdlTask(), a=_int(1), b=_str("x"))
    # the ignored input does not even need to be there
    assert _key(ignoring, a=_int(1)) == _key(ignoring, a=_int(1), b=_str("x"))
    assert key_components(ignoring, _inputs(a=_int(1))).ignored == ("b",)  # type: ignore[arg-type]


def test_unknown_ignored_input_is_a_clear_error():
    with pytest.raises(FeatherkitUserError, match=r"'pkg.mod.fn'.*unknown input\(s\) 'zz'"):
        _key(IdlTask(ignore=("zz",)), a=_int(1), b=_str("x"))


def test_missing_input_is_a_clear_error():
    with pytest.raises(FeatherkitUserError, match="input 'b' is missing"):
        _key(IdlTask(), a=_int(1))


def test_explicit_hash_stands_in_for_the_value():
    one = _int(1)
    one.hash = "h-abc"
    two = _int(2)
    two.hash = "h-abc"
    other = _int(1)
    other.hash = "h-other"
    assert _key(IdlTask(), a=one, b=_str("x")) == _key(IdlTask(), a=two, b=_str("x"))
    assert _key(IdlTask(), a=one, b=_str("x")) != _key(IdlTask(), a=other, b=_str("x"))
    assert cache_form(one) == literals_pb2.Literal(hash="h-abc")


def test_hashes_inside_collections_and_maps():
    def collection(*items: literals_pb2.Literal) -> literals_pb2.Literal:
        return literals_pb2.Literal(collection=literals_pb2.LiteralCollection(literals=items))

    def mapping(**items: literals_pb2.Literal) -> literals_pb2.Literal:
        return literals_pb2.Literal(map=literals_pb2.LiteralMap(literals=items))

    hashed_a, hashed_b = _str("big value"), _str("another big value")
    hashed_a.hash = hashed_b.hash = "same"
    assert literal_digest(collection(_int(1), hashed_a)) == literal_digest(
        collection(_int(1), hashed_b)
    )
    assert literal_digest(mapping(k=collection(hashed_a))) == literal_digest(
        mapping(k=collection(hashed_b))
    )
    assert literal_digest(collection(_int(1), hashed_a)) != literal_digest(
        collection(_int(2), hashed_a)
    )
    # without hashes the literal is used as it is
    plain = collection(_int(1), _str("x"))
    assert cache_form(plain) is plain


def test_map_order_does_not_matter():
    one = literals_pb2.Literal(map=literals_pb2.LiteralMap(literals={"x": _int(1), "y": _int(2)}))
    two = literals_pb2.Literal(map=literals_pb2.LiteralMap(literals={"y": _int(2), "x": _int(1)}))
    assert literal_digest(one) == literal_digest(two)


def test_components_make_the_key():
    components = key_components(IdlTask(), _inputs(a=_int(1), b=_str("x")))  # type: ignore[arg-type]
    assert components.key == _key(IdlTask(), a=_int(1), b=_str("x"))
    assert (components.task, components.version) == ("pkg.mod.fn", "1")
    assert set(components.inputs) == {"a", "b"}
    assert components.inputs["a"] == literal_digest(_int(1))


# --- through real tasks ----------------------------------------------------------------------


@task(cache=True, cache_version="1")
def with_default(a: int, b: int = 2) -> int:
    return a + b


@task(cache=True, cache_version="1")
def same_signature(a: int, b: int = 2) -> int:
    return a - b


def test_omitted_default_and_explicit_value_give_one_key():
    # flytekit 1.16 gives two keys here (it hashes only the inputs passed); featherkit fills
    # defaults before computing literals, so both calls are the same call
    omitted = cache_key(with_default, with_default.inputs_to_literals({"a": 1}))
    explicit = cache_key(with_default, with_default.inputs_to_literals({"a": 1, "b": 2}))
    assert omitted == explicit
    assert explicit != cache_key(with_default, with_default.inputs_to_literals({"a": 1, "b": 3}))


def test_two_tasks_never_share_a_key():
    inputs = with_default.inputs_to_literals({"a": 1})
    assert cache_key(with_default, inputs) != cache_key(same_signature, inputs)


def test_metadata_change_is_seen():
    hand_made = IdlTask()
    before = _key(hand_made, a=_int(1), b=_str("x"))
    hand_made.metadata = TaskMetadata(cache=True, cache_version="2")
    assert _key(hand_made, a=_int(1), b=_str("x")) != before


def test_key_is_the_same_in_other_processes_and_hash_seeds(tmp_path):
    module = tmp_path / "keytasks.py"
    module.write_text(textwrap.dedent("""
        from featherkit import task

        @task(cache=True, cache_version="3")
        def mixed(names: dict[str, int], tags: list[str], n: int = 4) -> str:
            return ""
    """))
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import keytasks
        from featherkit.cache import cache_key
        t = keytasks.mixed
        print(cache_key(t, t.inputs_to_literals(
            {"names": {"zeta": 1, "alpha": 2, "mid": 3}, "tags": ["x", "y"]})))
    """)
    keys = set()
    for seed in ("1", "2", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        keys.add(result.stdout.strip())
    assert len(keys) == 1
    (key,) = keys
    assert len(key) == 64
    assert int(key, 16) >= 0


def _with(literal: literals_pb2.Literal, **fields: object) -> literals_pb2.Literal:
    copy = literals_pb2.Literal()
    copy.CopyFrom(literal)
    for name, value in fields.items():
        if name == "metadata":
            copy.metadata.update(value)  # type: ignore[call-overload]
        else:
            setattr(copy, name, value)
    return copy


def _unknown_field(literal: literals_pb2.Literal) -> literals_pb2.Literal:
    # field 99, varint 1: a field this flyteidl does not know, kept as an unknown field
    return literals_pb2.Literal.FromString(literal.SerializeToString() + b"\x98\x06\x01")


_EVERY_KIND = {
    "int": _int(7),
    "zero": _int(0),
    "negative": _int(-1),
    "empty primitive": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive())
    ),
    "float": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(float_value=1.5))
    ),
    "bool": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(boolean=True))
    ),
    "datetime": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(
            primitive=literals_pb2.Primitive(datetime={"seconds": 1700000000, "nanos": 5})
        )
    ),
    **{f"string of {n}": _str("x" * n) for n in (0, 1, 120, 121, 122, 123, 124, 125, 126, 200)},
    "hash": _with(_int(7), hash="h-1"),
    "metadata": _with(_int(7), metadata={"b": "2", "a": "1"}),
    "unknown field": _unknown_field(_int(7)),
    "binary": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(binary=literals_pb2.Binary(value=b"\n\x02\n\x00", tag="t"))
    ),
    "none": literals_pb2.Literal(scalar=literals_pb2.Scalar(none_type=literals_pb2.Void())),
    "generic": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(generic={"fields": {"z": {"number_value": 1}, "a": {}}})
    ),
    "union with hash": literals_pb2.Literal(
        scalar=literals_pb2.Scalar(
            union=literals_pb2.Union(value=_with(_int(7), hash="h-u"))
        )
    ),
    "collection": literals_pb2.Literal(
        collection=literals_pb2.LiteralCollection(literals=[_int(1), _with(_int(2), hash="h")])
    ),
    "map": literals_pb2.Literal(
        map=literals_pb2.LiteralMap(literals={"k": _int(1), "j": _str("v")})
    ),
}


@pytest.mark.parametrize("kind", sorted(_EVERY_KIND))
def test_the_hot_path_key_agrees_with_the_components(kind):
    # cache_key reads a lone primitive from its bytes; key_components always takes the long
    # way (cache_form, deterministic serialization): both must give one key for every literal
    literal = _EVERY_KIND[kind]
    idl = IdlTask(inputs={"a": INT})
    inputs = _inputs(a=literal)
    expected = key_components(idl, inputs)  # type: ignore[arg-type]
    assert cache_key(idl, inputs) == expected.key  # type: ignore[arg-type]
    assert expected.inputs["a"] == literal_digest(literal)


def test_a_replaced_interface_is_seen():
    idl = IdlTask()
    before = _key(idl, a=_int(1), b=_str("x"))
    idl.interface = IdlTask(outputs={"o0": STR}).interface
    assert _key(idl, a=_int(1), b=_str("x")) == _key(
        IdlTask(outputs={"o0": STR}), a=_int(1), b=_str("x")
    ) != before
    idl.interface = IdlTask().interface  # an equal interface, another object: the same key
    assert _key(idl, a=_int(1), b=_str("x")) == before
