"""Local execution: the pipeline, its errors, async tasks, IgnoreOutputs and the hooks."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from typing import NamedTuple, Optional

import pytest

from featherkit import IgnoreOutputs, current_context, hookimpl, task
from featherkit.errors import TaskInputError, TaskOutputError
from featherkit.testing import registered


class Stats(NamedTuple):
    mean: float
    n: int


@task(retries=2, timeout=60, environment={"MODE": "fast"})
def summarize(xs: list[float], label: str = "x") -> Stats:
    return Stats(sum(xs) / len(xs), len(xs))


@dataclasses.dataclass
class Point:
    x: int
    y: float


@task
def double(n: int) -> int:
    return n * 2


def test_named_tuple_result():
    assert summarize(xs=[1.0, 2.0, 3.0]) == Stats(mean=2.0, n=3)


def test_int_list_accepted_for_float_list():
    assert summarize(xs=[1, 2, 3]).mean == 2.0


def test_multiple_unnamed_outputs_come_back_as_named_tuple():
    @task
    def two() -> tuple[int, str]:
        return 1, "a"

    result = two()
    assert tuple(result) == (1, "a")
    assert result.o0 == 1 and result.o1 == "a"


def test_no_outputs_returns_none():
    seen = []

    @task
    def side(a: int) -> None:
        seen.append(a)

    assert side(a=3) is None
    assert seen == [3]


def test_dataclass_and_optional_round_trip():
    @task
    def move(p: Point, dx: Optional[int] = None) -> Point:
        return Point(p.x + (dx or 0), p.y)

    assert move(p=Point(1, 2.0), dx=3) == Point(4, 2.0)
    assert move(p=Point(1, 2.0)) == Point(1, 2.0)


def test_positional_call_rejected():
    with pytest.raises(TypeError, match=r"keyword arguments only.*double\(n=\.\.\.\)"):
        double(3)


def test_unknown_keyword_named():
    with pytest.raises(TaskInputError, match=r"unknown input\(s\) 'm'.*inputs are: n"):
        double(m=3)


def test_missing_input_named_with_type():
    with pytest.raises(TaskInputError, match=r"missing input 'n' \(expected int\)"):
        double()


def test_wrong_type_names_task_variable_expected_received():
    with pytest.raises(TypeError) as info:
        double(n="three")
    message = str(info.value)
    assert "double" in message and "'n'" in message
    assert "expected int" in message and "received str" in message


def test_wrong_output_type_named():
    @task
    def liar() -> int:
        return "not an int"  # type: ignore[return-value]

    with pytest.raises(TaskOutputError) as info:
        liar()
    message = str(info.value)
    assert "liar" in message and "'o0'" in message
    assert "expected int" in message and "received str" in message


def test_wrong_output_count():
    @task
    def short() -> tuple[int, int]:
        return (1,)  # type: ignore[return-value]

    with pytest.raises(TaskOutputError, match=r"must return 2 values \(o0, o1\)"):
        short()


def test_value_returned_with_no_declared_outputs():
    @task
    def chatty() -> None:
        return 3  # type: ignore[return-value]

    with pytest.raises(TaskOutputError, match="declares no outputs but returned a int"):
        chatty()


def test_user_exception_propagates_unchanged():
    class Boom(Exception):
        pass

    @task
    def fails() -> int:
        raise Boom("bad")

    with pytest.raises(Boom, match="bad"):
        fails()


def test_ignore_outputs_gives_none():
    @task
    def quiet() -> int:
        raise IgnoreOutputs()

    assert quiet() is None


def test_async_task_from_sync_code():
    @task
    async def slow(n: int) -> int:
        await asyncio.sleep(0)
        return n + 1

    assert slow(n=1) == 2


def test_async_task_awaitable_inside_a_loop():
    @task
    async def slow(n: int) -> int:
        await asyncio.sleep(0)
        return n + 1

    async def main() -> int:
        pending = slow(n=41)
        assert asyncio.iscoroutine(pending)
        return await pending

    assert asyncio.run(main()) == 42


def test_async_task_error_inside_a_loop():
    @task
    async def fails(n: int) -> int:
        raise KeyError("k")

    async def main() -> None:
        await fails(n=1)

    with pytest.raises(KeyError):
        asyncio.run(main())


def test_current_context_inside_task():
    @task
    def who() -> str:
        return current_context().task_name

    assert who() == who.name


def test_current_context_outside_task_is_local_default():
    assert current_context().execution_id.name == "local"


class AddOne:
    """A plugin that changes inputs' effect through pre/post execute."""

    def __init__(self):
        self.pre = []

    @hookimpl
    def pre_execute(self, task, params):
        self.pre.append(task.name)
        params.attributes["marker"] = "set"

    @hookimpl
    def post_execute(self, task, params, outputs):
        if task.name.endswith("double"):
            return outputs + 1
        return None


def test_pre_and_post_execute_hooks_change_behaviour(fresh_plugins):
    plugin = AddOne()
    with registered(plugin):
        assert double(n=2) == 5
    assert plugin.pre == [double.name]
    assert double(n=2) == 4


def test_post_execute_can_ignore_outputs(fresh_plugins):
    class Silence:
        @hookimpl
        def post_execute(self, task, params, outputs):
            raise IgnoreOutputs()

    with registered(Silence()):
        assert double(n=2) is None


def test_two_post_execute_replacements_conflict(fresh_plugins):
    from featherkit.plugins import PluginError

    class Replace:
        @hookimpl
        def post_execute(self, task, params, outputs):
            return 0

    with (
        registered(Replace(), "r1"),
        registered(Replace(), "r2"),
        pytest.raises(PluginError, match=r"'r2'.*'r1'|'r1'.*'r2'"),
    ):
        double(n=1)


def test_execution_finished_sees_outputs_and_errors(fresh_plugins):
    seen = []

    class Watch:
        @hookimpl
        def execution_finished(self, task, params, outputs, error):
            seen.append((task.name.rsplit(".", 1)[-1], outputs, type(error).__name__))

    @task
    def fails() -> int:
        raise ValueError("x")

    with registered(Watch()):
        double(n=2)
        with pytest.raises(ValueError):
            fails()
    assert seen == [("double", 4, "NoneType"), ("fails", None, "ValueError")]


def test_task_decorator_survives_importing_every_core_module():
    """``from featherkit import task`` is the decorator even after all submodules load."""
    import importlib
    import pkgutil

    import featherkit
    from featherkit.function_task import task as decorator

    for module in pkgutil.walk_packages(featherkit.__path__, "featherkit."):
        if module.name not in ("featherkit.cli.__main__",):
            importlib.import_module(module.name)
    from featherkit import task as exported

    assert exported is decorator


def test_iterator_output_and_input_as_in_flytekit():
    from featherkit import task
    from featherkit.type_registry import type_engine

    @task
    def gen(n: int) -> Iterator[int]:
        yield from range(n)

    @task
    def total(xs: Iterator[int]) -> int:
        return sum(xs)

    out = gen(n=4)
    assert not isinstance(out, list)
    assert list(out) == [0, 1, 2, 3]
    assert total(xs=iter([1, 2, 3])) == 6
    # the literal type is flytekit's: a collection of the item type
    literal_type = type_engine().to_literal_type(Iterator[int])
    assert literal_type.WhichOneof("type") == "collection_type"
    assert type_engine().get_transformer(Iterator[int]).name == "Typed Iterator"
    @task
    def bad() -> Iterator[int]:
        return 3  # type: ignore[return-value]

    with pytest.raises(ValueError, match="output 'o0'"):
        bad()


def test_checkpoint_and_working_directory_locally(tmp_path, monkeypatch):
    import os

    from featherkit.context import ExecutionParameters

    seen = {}

    @task
    def t() -> str:
        ctx = current_context()
        checkpoint = ctx.checkpoint
        seen["prev"] = checkpoint.prev_exists()
        seen["read"] = checkpoint.read()
        checkpoint.write(b"progress")
        seen["dest"] = checkpoint.checkpoint_dest
        seen["after"] = checkpoint.read()  # reads the previous attempt's, as flytekit does
        return ctx.working_directory

    workdir = t()
    assert seen["prev"] is False and seen["read"] is None and seen["after"] is None
    assert seen["dest"] == os.path.join(workdir, "__cp")
    with open(os.path.join(seen["dest"], "_dst_cp"), "rb") as fh:
        assert fh.read() == b"progress"

    # a previous attempt's prefix is read
    params = ExecutionParameters(
        checkpoint_path=str(tmp_path / "now"), prev_checkpoint=str(tmp_path / "before")
    )
    (tmp_path / "before").mkdir()
    (tmp_path / "before" / "_dst_cp").write_bytes(b"old")
    assert params.checkpoint.prev_exists() and params.checkpoint.read() == b"old"
    with pytest.raises(TypeError, match="bytes"):
        params.checkpoint.write("text")  # type: ignore[arg-type]


def test_secrets_file_and_env_var_names_as_in_flytekit(tmp_path, monkeypatch):
    import featherkit
    from featherkit.context import Secrets

    monkeypatch.setenv("FLYTE_SECRETS_DEFAULT_DIR", str(tmp_path))
    monkeypatch.delenv("FLYTE_SECRETS_FILE_PREFIX", raising=False)
    secrets = Secrets()
    assert secrets.get_secrets_file("DB", "Password") == str(tmp_path / "db" / "password")
    assert secrets.get_secrets_file("db", "pw", group_version="v2") == str(
        tmp_path / "db" / "v2" / "pw"
    )
    assert secrets.get_secrets_env_var("db", "pw") == "_FSEC_DB_PW"
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "password").write_text("s3cret\n")
    assert secrets.get("db", "password") == "s3cret"
    monkeypatch.setenv("FLYTE_SECRETS_FILE_PREFIX", "pre-")
    assert Secrets().get_secrets_file("db", "pw") == str(tmp_path / "db" / "pre-pw")
    assert featherkit.FlyteRecoverableException is featherkit.RecoverableError


def test_checkpoint_save_and_restore_files_and_directories(tmp_path):
    import io

    from featherkit.checkpoint import Checkpoint

    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.txt").write_text("A")
    (work / "sub" / "b.txt").write_text("B")
    first = Checkpoint(str(tmp_path / "cp1"))
    first.save(work)
    assert first.read() is None  # no previous attempt
    second = Checkpoint(str(tmp_path / "cp2"), str(tmp_path / "cp1"))
    with pytest.raises(ValueError, match="exactly one checkpoint object"):
        second.read()
    restored = second.restore(tmp_path / "into")
    assert restored == tmp_path / "into"
    assert (restored / "a.txt").read_text() == "A"
    assert (restored / "sub" / "b.txt").read_text() == "B"
    assert second.restore() == restored  # restored once

    second.save(io.BytesIO(b"stream"))
    single = tmp_path / "model.bin"
    single.write_bytes(b"weights")
    third = Checkpoint(str(tmp_path / "cp3"), str(tmp_path / "cp2"))
    assert third.read() == b"stream"
    third.save(single)
    assert Checkpoint(str(tmp_path / "cp4"), str(tmp_path / "cp3")).read() == b"weights"
    with pytest.raises(ValueError, match="directory"):
        Checkpoint(str(tmp_path / "x"), str(tmp_path / "cp3")).restore(single)
    with pytest.raises(ValueError, match="no file or directory"):
        third.save(tmp_path / "missing")
    assert Checkpoint(str(tmp_path / "x"), str(tmp_path / "absent")).read() is None
