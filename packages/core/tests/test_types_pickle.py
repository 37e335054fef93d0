"""The pickle fallback: a PythonPickle blob in a content-named file, read back from it."""

from __future__ import annotations

import hashlib
import pickle
import warnings
from pathlib import Path
from typing import Any

import pytest

from featherkit.types import TypeEngine, TypeTransformerError, builtin_transformers
from featherkit.types.pickle import Pickled, PickleTransformer, default_storage_dir


class Opaque:
    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.payload == self.payload

    def __hash__(self) -> int:
        return 0


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    return tmp_path / "pickles"


@pytest.fixture
def engine(storage: Path) -> TypeEngine:
    transformers = [t for t in builtin_transformers() if not isinstance(t, PickleTransformer)]
    return TypeEngine([*transformers, PickleTransformer(lambda: storage)])


def test_unknown_value_is_written_as_a_pickle_blob(engine: TypeEngine, storage: Path) -> None:
    with pytest.warns(UserWarning, match="Opaque"):
        literal = engine.to_literal(Opaque({"a": 1}), Opaque)
    blob = literal.scalar.blob
    assert blob.metadata.type.format == "PythonPickle"
    assert blob.metadata.type.dimensionality == 0  # SINGLE
    path = Path(blob.uri)
    assert path.parent == storage.resolve()
    data = path.read_bytes()
    assert path.name == hashlib.sha256(data).hexdigest()
    assert pickle.loads(data) == Opaque({"a": 1})
    assert not [p for p in storage.iterdir() if p.name.startswith(".tmp")]
    assert engine.to_python_value(literal, Opaque) == Opaque({"a": 1})


def test_equal_values_share_one_file(engine: TypeEngine, storage: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = engine.to_literal(Opaque([1, 2]), Opaque)
        second = engine.to_literal(Opaque([1, 2]), Opaque)
        third = engine.to_literal(Opaque([3]), Opaque)
    assert first.scalar.blob.uri == second.scalar.blob.uri != third.scalar.blob.uri
    assert len(list(storage.iterdir())) == 2


def test_literal_type_names_the_class(engine: TypeEngine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lt = engine.to_literal_type(Opaque)
    assert lt.blob.format == "PythonPickle"
    assert lt.metadata.fields["python_class_name"].string_value == str(Opaque)


def test_pickled_marker_sends_anything_as_a_pickle_without_warning(engine: TypeEngine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        literal = engine.to_literal({1, 2}, Pickled)
        assert engine.to_python_value(literal, Pickled[set[int]]) == {1, 2}


def test_pickle_inside_optional_is_tagged_flytepickle(engine: TypeEngine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        literal = engine.to_literal(Opaque(1), Opaque | None)
        assert literal.scalar.union.type.structure.tag == "FlytePickle"
        assert engine.to_python_value(literal, Opaque | None) == Opaque(1)
        assert engine.to_python_value(engine.to_literal(None, Opaque | None), Opaque | None) is None


def test_none_is_not_pickled(engine: TypeEngine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeTransformerError, match="received None"):
            engine.to_literal(None, Opaque)


def test_unpicklable_value_is_a_clear_error(engine: TypeEngine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeTransformerError, match="cannot pickle"):
            engine.to_literal(Opaque(lambda: 1), Opaque)


def test_reads_file_uris_and_refuses_remote_ones(engine: TypeEngine, tmp_path: Path) -> None:
    target = tmp_path / "value.pkl"
    target.write_bytes(pickle.dumps(Opaque("x")))
    transformer = PickleTransformer(lambda: tmp_path)
    assert transformer.load(target.as_uri()) == Opaque("x")
    assert transformer.load(str(target)) == Opaque("x")
    with pytest.raises(TypeTransformerError, match="remote storage"):
        transformer.load("s3://bucket/key")


def test_default_storage_dir_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FEATHERKIT_PICKLE_DIR", str(tmp_path))
    assert default_storage_dir() == tmp_path
    monkeypatch.delenv("FEATHERKIT_PICKLE_DIR")
    assert default_storage_dir().name == "featherkit-pickles"


def test_a_registered_pickle_transformer_is_the_fallback(engine: TypeEngine, storage: Path) -> None:
    assert isinstance(engine.fallback, PickleTransformer)
    assert engine.fallback.storage_dir_provider() == storage
