import datetime

import pytest

from featherkit import (
    Documentation,
    PythonFunctionTask,
    Resources,
    Secret,
    TaskMetadata,
    hookimpl,
    task,
)
from featherkit.resolvers import ModuleResolver
from featherkit.testing import registered


class _DeckMaker:
    """Stands for a deck plugin: it accepts enable_deck."""

    @hookimpl
    def register_task_arguments(self, register):
        register("enable_deck")


def test_bare_decorator():
    @task
    def t(a: int) -> int:
        return a

    assert isinstance(t, PythonFunctionTask)
    assert t.name == f"{__name__}.t"
    assert t.task_type == "python-task"


def test_enable_deck_without_a_deck_plugin_says_what_to_install(monkeypatch, fresh_plugins):
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")  # core's builtins only: no deck maker
    with pytest.raises(TypeError, match=r"task '.*\.t': enable_deck=True needs a plugin "
                                        r"that makes decks.*pip install featherkit-deck"):

        @task(enable_deck=True)
        def t() -> None:
            pass


def test_every_argument_reaches_the_task(monkeypatch, fresh_plugins):
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")  # the stand-in is the only deck maker
    resolver = ModuleResolver()
    docs = Documentation(short_description="short")
    with registered(_DeckMaker(), "deck-maker"):
        t = _decorated_with_everything(resolver, docs)
    _check_everything(t, docs, resolver)


def _decorated_with_everything(resolver, docs):
    @task(
        cache=True,
        cache_serialize=True,
        cache_version="3",
        cache_ignore_input_vars=["b"],
        retries=2,
        interruptible=True,
        deprecated="old",
        timeout=60,
        environment={"MODE": "fast"},
        requests=Resources(cpu="1"),
        limits=Resources(mem="1Gi"),
        secret_requests=[Secret(group="g", key="k")],
        pod_template_name="tpl",
        enable_deck=True,
        docs=docs,
        container_image="img:1",
        task_resolver=resolver,
    )
    def t(a: int, b: str = "") -> int:
        return a

    return t


def _check_everything(t, docs, resolver):
    m = t.metadata
    assert (m.cache, m.cache_serialize, m.cache_version) == (True, True, "3")
    assert m.cache_ignore_input_vars == ("b",)
    assert (m.retries, m.interruptible, m.deprecated) == (2, True, "old")
    assert m.timeout == datetime.timedelta(seconds=60)
    assert m.pod_template_name == "tpl"
    assert m.generates_deck is True and t.enable_deck is True
    assert t.environment == {"MODE": "fast"}
    assert t.requests == Resources(cpu="1") and t.limits == Resources(mem="1Gi")
    assert t.secret_requests == [Secret(group="g", key="k")]
    assert t.security_context.secrets[0].group == "g"
    assert t.docs is docs
    assert t.container_image == "img:1"
    assert t.task_resolver is resolver


def test_docs_default_from_docstring():
    @task
    def t() -> None:
        """Short line.

        Long text.
        """

    assert t.docs == Documentation(short_description="Short line.", long_description="Long text.")


def test_unknown_argument_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="unexpected argument 'catch'"):

        @task(catch=True)
        def t() -> None:
            pass


def test_plugin_argument_without_plugin_names_package(monkeypatch, fresh_plugins):
    monkeypatch.setenv("FEATHERKIT_PLUGINS", "")
    with pytest.raises(TypeError, match="pip install featherkit-pod"):

        @task(pod_template=object())
        def t() -> None:
            pass


def test_metadata_errors_name_the_task():
    with pytest.raises(ValueError, match=r"task '.*\.t': cache=True needs a cache_version"):

        @task(cache=True)
        def t() -> None:
            pass


def test_cache_ignore_unknown_input():
    with pytest.raises(ValueError, match=r"cache_ignore_input_vars names unknown input"):

        @task(cache=True, cache_version="1", cache_ignore_input_vars=["nope"])
        def t(a: int) -> None:
            pass


def test_bad_resources_and_secrets_rejected():
    with pytest.raises(TypeError, match=r"requests must be a featherkit\.Resources"):

        @task(requests={"cpu": "1"})
        def t() -> None:
            pass

    with pytest.raises(TypeError, match=r"secret_requests must hold featherkit\.Secret"):

        @task(secret_requests=["x"])
        def u() -> None:
            pass


class Config:
    pass


class ConfiguredTask(PythonFunctionTask):
    def __init__(self, task_function, task_config, **kwargs):
        super().__init__(task_function, task_config, task_type="configured", **kwargs)


def test_task_config_selects_plugin_task_class(fresh_plugins):
    from featherkit import hookimpl
    from featherkit.testing import registered

    class Types:
        @hookimpl
        def register_task_types(self, register):
            register(Config, ConfiguredTask)

    with registered(Types()):

        @task(task_config=Config())
        def t() -> None:
            pass

    assert isinstance(t, ConfiguredTask) and t.task_type == "configured"


def test_unhandled_task_config(fresh_plugins):
    with pytest.raises(TypeError, match="no installed plugin handles task_config of type Config"):

        @task(task_config=Config())
        def t() -> None:
            pass


def test_is_async_as_inspect_says():
    import functools
    import inspect

    async def coroutine(a: int) -> int:
        return a

    def plain(a: int) -> int:
        return a

    @functools.wraps(coroutine)
    def wrapped(a: int) -> int:
        return a

    marked = functools.wraps(plain)(lambda a: a)
    if hasattr(inspect, "markcoroutinefunction"):  # Python 3.12+
        marked = inspect.markcoroutinefunction(marked)
    for fn in (coroutine, plain, wrapped, marked):
        assert task(fn).is_async is inspect.iscoroutinefunction(fn), fn


def test_options_left_out_are_the_defaults():
    def plain(a: int) -> int:
        return a

    made = task(plain)
    assert made.environment == {} and made.plugin_options == {}
    assert made.container_image is None and made.task_resolver is None
    assert made.requests is None and made.limits is None and made.secret_requests == []
    assert made.enable_deck is False and made.docs is None and made.security_context is None
    assert made.metadata == TaskMetadata()


def test_each_option_lands_in_its_metadata_field():
    def plain(a: int, b: int) -> int:
        return a

    made = task(
        plain, cache=True, cache_serialize=True, cache_version="v7", cache_ignore_input_vars=["b"],
        retries=5, interruptible=False, deprecated="old", timeout=42,
        pod_template_name="tmpl",
    )
    assert made.metadata == TaskMetadata(
        cache=True, cache_serialize=True, cache_version="v7", cache_ignore_input_vars=("b",),
        retries=5, interruptible=False, deprecated="old",
        timeout=datetime.timedelta(seconds=42), pod_template_name="tmpl",
    )
