"""serialize()/task_spec(): every TaskTemplate field, and every error, one test at a time.

Field values are checked against what flytekit 1.16.31 writes for the same task (the compat
suite in tests/compat compares with flytekit itself; these tests need core only).
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from flyteidl.core import security_pb2, tasks_pb2

import featherkit
from featherkit import (
    Documentation,
    PythonFunctionTask,
    Resources,
    Secret,
    SerializationSettings,
    TaskMetadata,
    hookimpl,
    serialize,
    task,
)
from featherkit.errors import FeatherkitUserError
from featherkit.resolvers import ResolverError
from featherkit.serialization import SerializationError, task_spec, to_bytes
from featherkit.testing import registered

FIXTURES = Path(__file__).parent / "fixtures" / "serialize"
SETTINGS = SerializationSettings(
    image="ghcr.io/acme/app:v1", version="v1", project="p", domain="d",
    env={"FROM_SETTINGS": "1", "SHARED": "settings"},
)


@pytest.fixture
def fixture_module(monkeypatch):
    """Import a module from tests/fixtures/serialize/<dir>/ (unloaded afterwards)."""
    loaded: list[str] = []

    def load(directory: str, name: str) -> Any:
        import importlib

        monkeypatch.syspath_prepend(str(FIXTURES / directory))
        loaded.append(name)
        return importlib.import_module(name)

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


@pytest.fixture
def flows(fixture_module):
    return fixture_module("proj", "serfix_flows.alpha")


# -- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": "", "version": "v1"}, "needs an image"),
        ({"image": "   ", "version": "v1"}, "needs an image"),
        ({"image": "img:1", "version": ""}, "needs a version"),
        ({"image": "img 1", "version": "v1"}, "contains whitespace"),
        ({"image": "img:1", "version": "v 1"}, "contains whitespace"),
        ({"image": "img:1", "version": "v1", "project": 3}, "project must be a string"),
        ({"image": "img:1", "version": "v1", "env": {"A": 1}}, "bad entries: 'A'"),
        ({"image": "img:1", "version": "v1", "env": ["A=1"]}, "env must be a mapping"),
    ],
)
def test_settings_are_validated(kwargs, message):
    with pytest.raises(FeatherkitUserError, match=message):
        SerializationSettings(**kwargs)


def test_settings_copy_env():
    env = {"A": "1"}
    settings = SerializationSettings(image="img:1", version="v1", env=env)
    env["A"] = "changed"
    assert settings.env == {"A": "1"}


# -- the template, field by field --------------------------------------------------------------


def test_identifier_type_and_version(flows):
    template = serialize(flows.add, SETTINGS)
    assert (template.id.resource_type, template.id.project, template.id.domain) == (1, "p", "d")
    assert (template.id.name, template.id.version) == ("serfix_flows.alpha.add", "v1")
    assert template.type == "python-task"
    assert template.task_type_version == 0
    assert not template.HasField("custom") and not template.config


def test_metadata_defaults_are_written_like_flytekit(flows):
    metadata = serialize(flows.add, SETTINGS).metadata
    assert metadata.runtime == tasks_pb2.RuntimeMetadata(
        type=tasks_pb2.RuntimeMetadata.FLYTE_SDK, version=featherkit.__version__, flavor="python"
    )
    # present although empty or false, as flytekit writes them
    assert metadata.HasField("retries") and metadata.retries.retries == 0
    assert metadata.HasField("generates_deck") and metadata.generates_deck.value is False
    assert metadata.HasField("metadata") and not metadata.metadata.labels
    # absent unless given
    assert not metadata.HasField("timeout")
    assert not metadata.HasField("interruptible_value")
    assert not metadata.discoverable and not metadata.is_eager and not metadata.tags


def test_every_metadata_field(fixture_module):
    module = fixture_module("meta", "serfix_meta")
    got = serialize(module.every_field, SETTINGS).metadata
    assert got.discoverable and got.discovery_version == "7" and got.cache_serializable
    assert list(got.cache_ignore_input_vars) == ["b"]
    assert got.retries.retries == 3
    assert got.HasField("interruptible_value") and got.interruptible is False
    assert got.deprecated_error_message == "use v2"
    assert got.timeout.ToTimedelta() == datetime.timedelta(seconds=90)
    assert got.pod_template_name == "tpl"
    assert got.generates_deck.value is True
    assert dict(got.metadata.labels) == {"l": "1"} and dict(got.metadata.annotations) == {"a": "2"}


def test_zero_timeout_means_none():
    assert not TaskMetadata(timeout=0).to_idl("1").HasField("timeout")
    assert TaskMetadata(timeout=datetime.timedelta(microseconds=5)).to_idl("1").HasField("timeout")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": -1}, "must not be negative"),
        ({"timeout": datetime.timedelta(seconds=-1)}, "must not be negative"),
        ({"interruptible": 1}, "interruptible must be True, False or None"),
        ({"labels": {"a": 1}}, "labels must map strings to strings"),
        ({"annotations": ["a"]}, "annotations must be a dict"),
        ({"cache": True, "cache_version": "1", "cache_ignore_input_vars": "ab"}, "got the string"),
    ],
)
def test_metadata_rejects_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TaskMetadata(**kwargs)


def test_container(flows):
    container = serialize(flows.greet, SETTINGS).container
    assert container.image == "ghcr.io/acme/app:v1"
    assert list(container.args) == [
        "featherkit-execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}",
        "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
        "--checkpoint-path", "{{.checkpointOutputPrefix}}",
        "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
        "--resolver", "featherkit.resolvers.module", "--",
        "task-module", "serfix_flows.alpha", "task-name", "greet",
    ]
    assert not container.command
    # the settings' env first, the task's own values win
    assert [(e.key, e.value) for e in container.env] == [
        ("FROM_SETTINGS", "1"), ("SHARED", "task"), ("GREETING", "hello"),
    ]


def test_resources_only_the_values_set_in_flytekits_order(flows):
    resources = serialize(flows.greet, SETTINGS).container.resources
    assert [(e.name, e.value) for e in resources.requests] == [
        (tasks_pb2.Resources.CPU, "1"), (tasks_pb2.Resources.MEMORY, "1Gi"),
    ]
    assert not resources.limits
    everything = Resources(cpu=0.5, mem="2Gi", gpu=1, ephemeral_storage="10Gi")
    assert [(e.name, e.value) for e in everything.entries()] == [
        (tasks_pb2.Resources.EPHEMERAL_STORAGE, "10Gi"), (tasks_pb2.Resources.CPU, "0.5"),
        (tasks_pb2.Resources.GPU, "1"), (tasks_pb2.Resources.MEMORY, "2Gi"),
    ]


def test_no_resources_is_an_empty_message_like_flytekit(flows):
    container = serialize(flows.add, SETTINGS).container
    assert container.HasField("resources") and container.resources == tasks_pb2.Resources()


@pytest.mark.parametrize("good", ["500m", "2", "1.5", "4Gi", "512Mi", "1e3", "+1", ".5", 3, 0.25])
def test_resource_quantities_accepted(good):
    Resources(cpu=good)


@pytest.mark.parametrize("bad", ["lots", "4GB", "-1", "1 Gi", -2, float("inf")])
def test_resource_quantities_rejected(bad):
    with pytest.raises(ValueError, match=r"Resources.mem"):
        Resources(mem=bad)


def test_own_image_wins(fixture_module):
    gamma = fixture_module("proj", "serfix_flows.sub.gamma")
    assert serialize(gamma.zeta, SETTINGS).container.image == "ghcr.io/acme/other:v2"


def test_security_context(flows):
    assert serialize(flows.greet, SETTINGS).security_context == security_pb2.SecurityContext(
        secrets=[security_pb2.Secret(group="g", key="k")]
    )
    assert not serialize(flows.add, SETTINGS).HasField("security_context")


def test_secret_fields():
    secret = Secret(
        group="api", key="token", group_version="3",
        mount_requirement=Secret.MountType.ENV_VAR, env_var="API_TOKEN",
    )
    assert secret.to_idl() == security_pb2.Secret(
        group="api", key="token", group_version="3",
        mount_requirement=security_pb2.Secret.ENV_VAR, env_var="API_TOKEN",
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "group or a key"),
        ({"group": "g", "env_var": "lower"}, ValueError, "not a valid environment variable"),
        ({"group": "g", "mount_requirement": 1}, TypeError, "Secret.MountType"),
        ({"group": 5}, TypeError, "Secret.group must be a string"),
    ],
)
def test_secret_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        Secret(**kwargs)


def test_interface_descriptions(flows):
    interface = serialize(flows.add, SETTINGS).interface
    assert interface.inputs.variables["a"].description == "the first"
    assert interface.inputs.variables["b"].description == "the second"
    assert interface.outputs.variables["o0"].description == "the sum"
    greet = serialize(flows.greet, SETTINGS).interface
    assert greet.inputs.variables["name"].description == "name"


class _Pair(NamedTuple):
    left: int
    right: str


def test_one_return_description_describes_every_output():
    def fn(a: int) -> _Pair:
        """Split.

        :param a:
        :return: both halves
        """
        return _Pair(a, "")

    idl = task(fn).python_interface.to_idl()
    assert {n: v.description for n, v in idl.outputs.variables.items()} == {
        "left": "both halves", "right": "both halves",
    }
    # a parameter documented with no text is described by that empty text, as in flytekit
    assert idl.inputs.variables["a"].description == ""


def test_named_return_descriptions():
    def fn(a: int) -> _Pair:
        """Split.

        Returns
        -------
        left : int
            the left one
        right : str
            the right one
        """
        return _Pair(a, "")

    idl = task(fn).python_interface.to_idl()
    assert idl.outputs.variables["left"].description == "the left one"
    assert idl.outputs.variables["right"].description == "the right one"


def test_interface_conversion_errors_name_the_task(flows, monkeypatch):
    class Broken:
        def to_literal_type(self, tp):
            raise RuntimeError("boom")

    monkeypatch.setattr("featherkit.type_registry.type_engine", lambda: Broken())
    with pytest.raises(SerializationError, match=r"task 'serfix_flows.alpha.add'.*boom"):
        serialize(flows.add, SETTINGS)


# -- the TaskSpec's documentation ---------------------------------------------------------------


def test_docstring_becomes_the_description(flows):
    spec = task_spec(flows.add, SETTINGS)
    assert spec.description.short_description == "Add two numbers."
    assert spec.description.long_description.format == 3  # RST
    assert not spec.description.long_description.HasField("value")


def test_function_without_docstring_gets_an_empty_description(flows):
    spec = task_spec(flows.greet, SETTINGS)
    assert spec.HasField("description") and spec.description.short_description == ""
    assert spec.description.HasField("long_description")
    assert spec.description.long_description.WhichOneof("content") is None


def test_explicit_documentation():
    docs = Documentation(
        short_description="s", long_description="# L", long_description_format="markdown",
        source_code_link="https://example.com/x.py",
    )
    entity = docs.to_idl()
    assert entity.long_description.value == "# L"
    assert entity.long_description.format == 1  # MARKDOWN
    assert entity.source_code.link == "https://example.com/x.py"
    assert not Documentation(short_description="s").to_idl().HasField("long_description")
    with pytest.raises(ValueError, match="long_description_format"):
        Documentation(long_description_format="pdf")


# -- plugins' pieces -----------------------------------------------------------------------------


class _Pieces:
    @hookimpl
    def get_custom(self, task, settings):
        return {"b": 2, "a": [1, "x"]}

    @hookimpl
    def get_config(self, task, settings):
        return {"primary_container_name": "main"}

    @hookimpl
    def get_extended_resources(self, task, settings):
        return tasks_pb2.ExtendedResources(
            gpu_accelerator=tasks_pb2.GPUAccelerator(device="nvidia-tesla-a100")
        )


def test_custom_config_and_extended_resources_from_plugins(flows):
    with registered(_Pieces()):
        template = serialize(flows.add, SETTINGS)
    assert dict(template.custom) == {"a": [1, "x"], "b": 2}
    assert dict(template.config) == {"primary_container_name": "main"}
    assert template.extended_resources.gpu_accelerator.device == "nvidia-tesla-a100"


class _BadCustom:
    @hookimpl
    def get_custom(self, task, settings):
        return {"when": datetime.date(2024, 1, 1)}


class _BadConfig:
    @hookimpl
    def get_config(self, task, settings):
        return {"replicas": 3}


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (_BadCustom(), r"get_custom of plugin 'bad-plugin' returned a value that is not "
                       r"JSON-able \(key\(s\) 'when'\)"),
        (_BadConfig(), r"get_config of plugin 'bad-plugin' must return strings only.*'replicas'"),
    ],
)
def test_bad_plugin_pieces_are_named(flows, plugin, message):
    with registered(plugin, "bad-plugin"), pytest.raises(SerializationError, match=message):
        serialize(flows.add, SETTINGS)


# -- one target -----------------------------------------------------------------------------------


class _Pod:
    @hookimpl
    def get_k8s_pod(self, task, settings):
        return tasks_pb2.K8sPod()


class _Sql:
    @hookimpl
    def get_sql(self, task, settings):
        return tasks_pb2.Sql(statement="select 1")


def test_an_installed_target_replaces_the_builtin_container(flows):
    with registered(_Pod(), name="pod-plugin"):
        template = serialize(flows.add, SETTINGS)
    assert template.WhichOneof("target") == "k8s_pod"


def test_two_installed_targets_name_both_plugins(flows):
    with (
        registered(_Pod(), name="pod-plugin"),
        registered(_Sql(), name="sql-plugin"),
        pytest.raises(SerializationError) as failure,
    ):
        serialize(flows.add, SETTINGS)
    message = str(failure.value)
    assert "more than one target" in message
    assert "k8s_pod from plugin 'pod-plugin'" in message
    assert "sql from plugin 'sql-plugin'" in message


def test_a_task_class_target_and_a_plugin_target_name_both(flows):
    class SqlTask(PythonFunctionTask):
        def get_sql(self, settings):
            return tasks_pb2.Sql(statement="select 2")

        def get_container(self, settings):
            return None

    made = SqlTask(flows.add.task_function)
    assert serialize(made, SETTINGS).sql.statement == "select 2"
    with registered(_Pod(), name="pod-plugin"), pytest.raises(SerializationError) as failure:
        serialize(made, SETTINGS)
    assert "sql from SqlTask.get_sql()" in str(failure.value)
    assert "k8s_pod from plugin 'pod-plugin'" in str(failure.value)


def test_a_non_task_is_refused():
    with pytest.raises(SerializationError, match="not a featherkit task"):
        serialize(object(), SETTINGS)  # type: ignore[arg-type]


def test_settings_type_is_checked(flows):
    with pytest.raises(SerializationError, match=r"needs featherkit.SerializationSettings"):
        serialize(flows.add, {"image": "x"})  # type: ignore[arg-type]


# -- tasks a container could not find again -------------------------------------------------------


def test_task_defined_inside_a_function_is_rejected(fixture_module):
    nested = fixture_module("nested", "serfix_nested")
    with pytest.raises(ResolverError, match=r"defined inside a function.*move it to module level"):
        serialize(nested.inner, SETTINGS)


def test_task_in_main_is_rejected():
    def fn(a: int) -> int:
        return a

    fn.__module__, fn.__qualname__ = "__main__", "fn"
    made = PythonFunctionTask(fn)
    with pytest.raises(ResolverError, match=r"lives in __main__.*featherkit serialize FILE"):
        serialize(made, SETTINGS)


def test_task_no_longer_bound_in_its_module_is_rejected(fixture_module):
    module = fixture_module("lost", "serfix_lost")
    lost = module.lost
    del module.lost
    with pytest.raises(ResolverError, match="cannot be found again in module 'serfix_lost'"):
        serialize(lost, SETTINGS)


def test_bad_task_environment_is_named(flows):
    made = PythonFunctionTask(flows.add.task_function, environment={"N": 1})
    with pytest.raises(SerializationError, match=r"environment must map strings.*'N'"):
        serialize(made, SETTINGS)


def test_resolver_returning_bad_loader_args_is_named(flows):
    class Odd:
        location = "featherkit.tests.odd"
        name = "odd"

        def loader_args(self, settings, task):
            return ("a", 1)

        def load_task(self, loader_args):
            raise LookupError

    made = task(task_resolver=Odd())(flows.add.task_function)
    with pytest.raises(SerializationError, match=r"returned loader args.*list of strings"):
        serialize(made, SETTINGS)


# -- bytes -----------------------------------------------------------------------------------------


def test_bytes_do_not_depend_on_map_insertion_order():
    first = tasks_pb2.TaskTemplate(config={"a": "1", "b": "2", "c": "3"})
    second = tasks_pb2.TaskTemplate(config={"c": "3", "a": "1", "b": "2"})
    assert to_bytes(first) == to_bytes(second)


def test_same_task_same_bytes(flows):
    assert to_bytes(task_spec(flows.greet, SETTINGS)) == to_bytes(task_spec(flows.greet, SETTINGS))


def test_a_plain_python_task_subclass_gets_no_python_container():
    # flytekit's PythonTask (not an auto-container task) has no container either
    from featherkit import Interface, PythonInstanceTask, PythonTask, hookimpl
    from featherkit.resolvers import ResolverError
    from featherkit.testing import registered

    class Plain(PythonTask):
        def execute(self, **kwargs):
            return None

    plain = Plain("custom-type", "mod.plain", Interface(inputs={"a": int}))
    template = serialize(plain, SerializationSettings(image="img:1", version="v1"))
    assert not template.HasField("container")
    assert template.type == "custom-type"

    # an instance task is served by core's container (here: it asks for its resolver)
    instance = PythonInstanceTask("mod.instance", interface=Interface(inputs={"a": int}))
    with pytest.raises(ResolverError, match=r"mod\.instance"):
        serialize(instance, SerializationSettings(image="img:1", version="v1"))

    class GivesContainer:
        @hookimpl
        def get_container(self, task, settings):
            return tasks_pb2.Container(image="from-plugin") if task is plain else None

    with registered(GivesContainer()):
        template = serialize(plain, SerializationSettings(image="img:1", version="v1"))
    assert template.container.image == "from-plugin"


# -- what the serialization fast paths must not freeze ----------------------------------------


def test_a_plugin_registered_after_a_first_serialization_is_asked_the_next_time(flows):
    assert serialize(flows.add, SETTINGS).WhichOneof("target") == "container"
    with registered(_Pod(), name="pod-plugin"):
        assert serialize(flows.add, SETTINGS).WhichOneof("target") == "k8s_pod"
    assert serialize(flows.add, SETTINGS).WhichOneof("target") == "container"


def test_attributes_set_after_decoration_are_serialized(flows):
    made = flows.add
    before = serialize(made, SETTINGS)
    assert not before.metadata.discoverable
    made.metadata.cache, made.metadata.cache_version = True, "2"
    made.metadata.deprecated = "gone"
    made.environment = {"LATE": "1"}
    made.requests = Resources(cpu="2")
    after = serialize(made, SETTINGS)
    assert after.metadata.discoverable
    assert after.metadata.discovery_version == "2"
    assert after.metadata.deprecated_error_message == "gone"
    assert [(e.key, e.value) for e in after.container.env][-1] == ("LATE", "1")
    assert after.container.resources.requests[0].value == "2"
    made.environment = {"BAD": 1}
    with pytest.raises(SerializationError, match="environment must map strings"):
        serialize(made, SETTINGS)


def test_a_task_class_overriding_a_target_later_is_asked(flows, monkeypatch):
    class Late(PythonFunctionTask):
        pass

    made = Late(flows.add.task_function)
    monkeypatch.setattr(flows, "add", made)
    assert serialize(made, SETTINGS).WhichOneof("target") == "container"
    Late.get_sql = lambda self, settings: tasks_pb2.Sql(statement="select 3")  # type: ignore
    Late.get_container = lambda self, settings: None  # type: ignore
    assert serialize(made, SETTINGS).sql.statement == "select 3"


def test_pieces_a_task_class_or_instance_replaces_are_asked(flows, monkeypatch):
    made = flows.add
    monkeypatch.setattr(made, "get_custom", lambda settings: {"from": "instance"}, raising=False)
    monkeypatch.setattr(made, "get_config", lambda settings: {"k": "v"}, raising=False)
    template = serialize(made, SETTINGS)
    assert dict(template.custom) == {"from": "instance"}
    assert dict(template.config) == {"k": "v"}
    monkeypatch.setattr(
        type(made), "get_extended_resources",
        lambda self, settings: tasks_pb2.ExtendedResources(
            gpu_accelerator=tasks_pb2.GPUAccelerator(device="a100")
        ),
    )
    assert serialize(made, SETTINGS).extended_resources.gpu_accelerator.device == "a100"


def test_call_monitoring_sees_every_target_hook_called(flows):
    from featherkit.plugins import get_plugin_manager

    called: list[str] = []
    undo = get_plugin_manager().pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: called.append(name), lambda *args: None
    )
    try:
        assert serialize(flows.add, SETTINGS).WhichOneof("target") == "container"
    finally:
        undo()
    assert {"get_container", "get_k8s_pod", "get_sql"} <= set(called)
    assert serialize(flows.add, SETTINGS).WhichOneof("target") == "container"
