"""The pickle resolver: the conformance suite, opt-in, content addressing, digest checks."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from featherkit_resolver_pickle import LOCATION, PREFIX_SETTING, PickleResolver, pickle_resolver
from featherkit_resolver_pickle.resolver import MAGIC

from featherkit import SerializationSettings, serialize, task
from featherkit.extend import ResolverError, default_resolver, find_resolver, resolver_for
from featherkit.testing import (
    MemoryStorage,
    MissingCase,
    ResolverCase,
    TaskResolverSuite,
    registered,
)

SETTINGS = SerializationSettings(image="ghcr.io/featherkit/notebook:1", version="v1")


def nested_tasks(resolver: Any) -> list[Any]:
    """Tasks no container could import: defined in a function, closing over its locals."""
    factor = 7
    greeting = {"word": "hello"}

    @task(task_resolver=resolver)
    def scale(x: int) -> int:
        return x * factor

    @task(task_resolver=resolver)
    def greet(name: str, excited: bool = False) -> str:
        return f"{greeting['word']}, {name}" + ("!" if excited else "")

    @task(task_resolver=resolver)
    def scale_then_greet(x: int) -> str:
        return greet(name=str(scale(x=x)))  # a task calling the others: they travel too

    return [scale, greet, scale_then_greet]


class TestPickleResolver(TaskResolverSuite):
    @pytest.fixture
    def resolver(self, tmp_path: Path) -> PickleResolver:
        return PickleResolver(str(tmp_path / "pickles"))

    @pytest.fixture
    def tasks(self, resolver: PickleResolver) -> list[ResolverCase]:
        scale, greet, both = nested_tasks(resolver)
        return [
            ResolverCase(scale, {"x": 6}),
            ResolverCase(greet, {"name": "flyte", "excited": True}),
            ResolverCase(both, {"x": 2}),
        ]

    @pytest.fixture
    def missing(self, tmp_path: Path) -> list[MissingCase]:
        absent = str(tmp_path / "pickles" / f"{'0' * 64}.pkl")
        return [MissingCase([absent, "0" * 64], f"pickled task file {absent} does not exist")]


@pytest.fixture
def resolver(tmp_path: Path) -> PickleResolver:
    return PickleResolver(str(tmp_path / "pickles"))


# -- serialization --------------------------------------------------------------------------


def test_loader_args_are_uri_and_digest(resolver: PickleResolver, tmp_path: Path) -> None:
    scale = nested_tasks(resolver)[0]
    uri, digest = resolver.loader_args(SETTINGS, scale)
    assert uri == str(tmp_path / "pickles" / f"{digest}.pkl")
    assert hashlib.sha256(Path(uri).read_bytes()).hexdigest() == digest
    assert Path(uri).read_bytes().startswith(MAGIC)


def test_same_task_same_file(resolver: PickleResolver, tmp_path: Path) -> None:
    scale = nested_tasks(resolver)[0]
    first = resolver.loader_args(SETTINGS, scale)
    assert resolver.loader_args(SETTINGS, scale) == first
    assert len(list((tmp_path / "pickles").iterdir())) == 1


def test_a_task_that_has_run_can_be_pickled(resolver: PickleResolver) -> None:
    """Per-process caches (the type engine) are left behind, not pickled."""
    scale = nested_tasks(resolver)[0]
    assert scale(x=3) == 21
    loaded = resolver.load_task(resolver.loader_args(SETTINGS, scale))
    assert loaded(x=4) == 28


def test_prefix_from_settings(tmp_path: Path) -> None:
    scale = nested_tasks(pickle_resolver)[0]
    settings = SerializationSettings(
        image="i:1", version="v1", extra={PREFIX_SETTING: str(tmp_path / "from-settings")}
    )
    uri, _ = pickle_resolver.loader_args(settings, scale)
    assert uri.startswith(str(tmp_path / "from-settings") + os.sep)


def test_own_prefix_wins_over_settings(resolver: PickleResolver, tmp_path: Path) -> None:
    scale = nested_tasks(resolver)[0]
    settings = SerializationSettings(
        image="i:1", version="v1", extra={PREFIX_SETTING: str(tmp_path / "from-settings")}
    )
    uri, _ = resolver.loader_args(settings, scale)
    assert uri.startswith(str(tmp_path / "pickles") + os.sep)


def test_no_prefix_is_explained() -> None:
    scale = nested_tasks(pickle_resolver)[0]
    with pytest.raises(ResolverError, match=r"needs a prefix.*'pickle_prefix'"):
        pickle_resolver.loader_args(SETTINGS, scale)


def test_relative_prefix_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = PickleResolver("rel/pickles")
    uri, _ = relative.loader_args(SETTINGS, nested_tasks(relative)[0])
    assert uri.startswith(str(tmp_path / "rel" / "pickles") + os.sep)


@pytest.mark.parametrize("prefix", ["", 3])
def test_bad_prefix(prefix: Any) -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        PickleResolver(prefix)


def test_unpicklable_closure_is_explained(resolver: PickleResolver) -> None:
    lock = threading.Lock()

    @task(task_resolver=resolver)
    def locked(x: int) -> int:
        with lock:
            return x

    with pytest.raises(ResolverError, match=r"'.*locked' cannot be pickled: TypeError"):
        resolver.loader_args(SETTINGS, locked)


# -- opt-in only ----------------------------------------------------------------------------


def test_never_the_default() -> None:
    @task
    def plain(x: int) -> int:
        return x

    assert resolver_for(plain, SETTINGS) is default_resolver()
    with pytest.raises(ResolverError, match="pickle resolver"):
        serialize(plain, SETTINGS)  # nested: the module resolver refuses and points here


def test_project_wide_opt_in_through_settings(tmp_path: Path) -> None:
    @task
    def plain(x: int) -> int:
        return x + 1

    settings = SerializationSettings(
        image="i:1", version="v1",
        extra={"task_resolver": LOCATION, PREFIX_SETTING: str(tmp_path / "p")},
    )
    args = list(serialize(plain, settings).container.args)
    assert args[args.index("--resolver") + 1] == LOCATION
    uri, digest = args[args.index("--") + 1:]
    assert pickle_resolver.load_task([uri, digest])(x=1) == 2


def test_registered_instance_loads_what_any_instance_wrote(resolver: PickleResolver) -> None:
    """The container only has the registered instance; the prefix lives in the args."""
    assert find_resolver(LOCATION) is pickle_resolver
    args = resolver.loader_args(SETTINGS, nested_tasks(resolver)[1])
    assert pickle_resolver.load_task(args)(name="you") == "hello, you"


# -- loading --------------------------------------------------------------------------------


def test_tampered_file_is_refused(resolver: PickleResolver) -> None:
    uri, digest = resolver.loader_args(SETTINGS, nested_tasks(resolver)[0])
    data = bytearray(Path(uri).read_bytes())
    data[-3] ^= 0xFF
    Path(uri).write_bytes(bytes(data))
    with pytest.raises(ResolverError, match=r"has SHA-256 [0-9a-f]{64}, but the task was "
                       rf"serialized with {digest}.*refusing"):
        resolver.load_task([uri, digest])


def test_replaced_file_is_refused(resolver: PickleResolver) -> None:
    scale, greet, _ = nested_tasks(resolver)
    uri, digest = resolver.loader_args(SETTINGS, scale)
    other_uri, _ = resolver.loader_args(SETTINGS, greet)
    Path(uri).write_bytes(Path(other_uri).read_bytes())
    with pytest.raises(ResolverError, match="changed after serialization"):
        resolver.load_task([uri, digest])


@pytest.mark.parametrize(
    "args",
    [[], ["/x.pkl"], ["/x.pkl", "a" * 64, "extra"], ["", "a" * 64]],
)
def test_malformed_args(args: list[str]) -> None:
    with pytest.raises(ResolverError, match="expects loader args"):
        pickle_resolver.load_task(args)


@pytest.mark.parametrize("digest", ["abc", "A" * 64, "g" * 64, "{{.taskTemplatePath}}"])
def test_bad_digest_argument(digest: str) -> None:
    with pytest.raises(ResolverError, match="is not a SHA-256 hex digest"):
        pickle_resolver.load_task(["/x.pkl", digest])


def _write(path: Path, data: bytes) -> list[str]:
    path.write_bytes(data)
    return [str(path), hashlib.sha256(data).hexdigest()]


def test_other_python_version_is_explained(tmp_path: Path) -> None:
    header = json.dumps({"python": "3.2", "task": "nb.t"}).encode()
    args = _write(tmp_path / "old.pkl", MAGIC + header + b"\n" + b"irrelevant")
    with pytest.raises(ResolverError, match=r"'nb\.t' was pickled by Python 3\.2.*same Python"):
        pickle_resolver.load_task(args)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x80\x04not ours", "not a featherkit task pickle"),
        (MAGIC + b"{not json\nbody", "corrupt header"),
    ],
)
def test_not_a_task_pickle(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ResolverError, match=message):
        pickle_resolver.load_task(_write(tmp_path / "x.pkl", data))


def test_pickle_of_something_else(tmp_path: Path) -> None:
    import pickle
    import sys

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = json.dumps({"python": python, "task": "t"}).encode()
    body = pickle.dumps({"not": "a task"})
    with pytest.raises(ResolverError, match="holds a dict, not a featherkit task"):
        pickle_resolver.load_task(_write(tmp_path / "x.pkl", MAGIC + header + b"\n" + body))


def test_unpickling_failure_is_explained(tmp_path: Path) -> None:
    import sys

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = json.dumps({"python": python, "task": "t"}).encode()
    body = b"\x80\x04cfk_no_module\nthing\n."  # a global from a module the image lacks
    expected = r"cannot unpickle task 't'.*ModuleNotFoundError.*fk_no_module"
    with pytest.raises(ResolverError, match=expected):
        pickle_resolver.load_task(_write(tmp_path / "x.pkl", MAGIC + header + b"\n" + body))


def test_pickles_go_through_storage() -> None:
    """Object stores work: the file is written and read with featherkit.storage."""
    store = MemoryStorage()
    remote = PickleResolver("mem://bucket/pickles")
    with registered(store, name="mem-storage"):
        uri, digest = remote.loader_args(SETTINGS, nested_tasks(remote)[0])
        assert uri == f"mem://bucket/pickles/{digest}.pkl"
        assert set(store.objects) == {uri}
        assert pickle_resolver.load_task([uri, digest])(x=1) == 7


def test_repr_and_equality() -> None:
    assert repr(PickleResolver("s3://b/p")) == "PickleResolver(prefix='s3://b/p')"
    assert PickleResolver("s3://b/p") == PickleResolver("s3://b/p")
    assert PickleResolver("s3://b/p") != PickleResolver("s3://b/q")
