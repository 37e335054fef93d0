"""Shared fixtures of the flytekit compatibility suite (``nox -s compat``).

The suite runs with flytekit (pinned: ``allowed_differences.FLYTEKIT_VERSION``) installed
beside featherkit and every plugin package. Files ``test_<topic>_compat.py`` in this directory
may use these fixtures (helpers behind them live in ``compat_support.py``):

``compat_settings``
    One set of serialization settings spelled for both SDKs: ``.flytekit()`` and
    ``.featherkit()`` give each SDK's ``SerializationSettings`` for the same image, project,
    domain, version and env (``compat_support.IMAGE``, ``PROJECT``, ...).
``flytekit_spec`` / ``featherkit_spec``
    ``spec(task, settings=None)``: the ``flyteidl.admin.TaskSpec`` protobuf each SDK
    serializes for one of its own tasks (default settings: ``compat_settings``).
``pair_module``
    ``with pair_module("flytekit" | "featherkit", topic) as module:`` imports
    ``compat_pairs/<topic>.py`` of that SDK's side as the module ``compat_pairs.<topic>`` (the
    same name for both SDKs, so task names and loader args compare equal) and unloads it after
    the block; serialize inside the block, as the module resolvers look the module up. A
    subprocess imports the same modules with ``PYTHONPATH=<compat_support.pairs_root(sdk)>``.

Every definition is written **once**, with featherkit's imports, under ``pairs/``
(``compat_pairs`` tasks, ``compat_flows`` workflows); the flytekit side is the same source
with its ``featherkit`` imports rewritten to ``flytekit`` (``compat_support.rewrite_imports``),
as a user moving a project would, materialized once per session under pytest's tmp path.
``pair_specs``
    ``pair_specs(topic)``: ``(flytekit_specs, featherkit_specs)``, dicts task name ->
    TaskSpec of every task in the topic's pair of modules (computed once per session).
``assert_same_spec``
    ``assert_same_spec(flytekit_message, featherkit_message, what="")`` compares two messages
    field by field, presence included, and fails on any difference that
    ``allowed_differences.py`` does not list; returns the allowed ones.
``package_pair``
    ``(flytekit_members, featherkit_members)``: file name -> TaskSpec of each member of the
    ``.tgz`` that ``pyflyte package`` and ``featherkit package`` write for all the pairs
    (built once per session, by running both command lines).
``flytekit_literals`` / ``featherkit_literals``
    ``.to_bytes(value, python_type)`` writes a value as serialized ``Literal`` bytes,
    ``.from_bytes(data, python_type)`` reads them back and ``.literal_type(python_type)``
    gives the ``LiteralType`` protobuf. Bytes cross between the SDKs, as on the wire.

Without flytekit installed (the ``tests`` session) nothing here is collected: comparing with
flytekit is the ``compat`` session's job, and says so in the report header.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

FLYTEKIT_MISSING = importlib.util.find_spec("flytekit") is None
if FLYTEKIT_MISSING:
    collect_ignore_glob = ["*"]


def pytest_report_header(config: pytest.Config) -> str:
    if FLYTEKIT_MISSING:
        return "compat: flytekit is not installed, tests/compat not collected (nox -s compat)"
    import flytekit

    return f"compat: flytekit {flytekit.__version__} beside featherkit"


def pytest_configure(config: pytest.Config) -> None:
    if FLYTEKIT_MISSING:
        return
    import flytekit
    from allowed_differences import FLYTEKIT_VERSION

    if flytekit.__version__ != FLYTEKIT_VERSION:
        raise pytest.UsageError(
            f"tests/compat is written against flytekit {FLYTEKIT_VERSION}, found "
            f"{flytekit.__version__}; install flytekit=={FLYTEKIT_VERSION} (nox -s compat)"
        )


if not FLYTEKIT_MISSING:
    from compat_support import (
        CompatSettings,
        FeatherkitLiterals,
        FlytekitLiterals,
        build_packages,
        load_pair_module,
        materialize_flytekit,
        package_members,
        serialize_featherkit,
        serialize_flytekit,
        specs_of,
    )

    @pytest.fixture(scope="session", autouse=True)
    def flytekit_side(tmp_path_factory: pytest.TempPathFactory) -> Any:
        """The definitions with their imports rewritten for flytekit (see the module doc)."""
        return materialize_flytekit(tmp_path_factory.mktemp("flytekit-side"))

    @pytest.fixture(scope="session")
    def compat_settings() -> CompatSettings:
        return CompatSettings()

    @pytest.fixture(scope="session")
    def flytekit_spec(compat_settings: CompatSettings) -> Callable[..., Any]:
        def spec(task: Any, settings: Any = None) -> Any:
            return serialize_flytekit(task, settings or compat_settings.flytekit())

        return spec

    @pytest.fixture(scope="session")
    def featherkit_spec(compat_settings: CompatSettings) -> Callable[..., Any]:
        def spec(task: Any, settings: Any = None) -> Any:
            return serialize_featherkit(task, settings or compat_settings.featherkit())

        return spec

    @pytest.fixture(scope="session")
    def pair_module() -> Callable[[str, str], Any]:
        return load_pair_module

    @pytest.fixture(scope="session")
    def pair_specs(
        compat_settings: CompatSettings,
    ) -> Callable[[str], tuple[dict[str, Any], dict[str, Any]]]:
        cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

        def specs(topic: str) -> tuple[dict[str, Any], dict[str, Any]]:
            if topic not in cache:
                cache[topic] = (
                    specs_of("flytekit", topic, compat_settings),
                    specs_of("featherkit", topic, compat_settings),
                )
            return cache[topic]

        return specs

    @pytest.fixture(scope="session")
    def package_pair(
        compat_settings: CompatSettings, tmp_path_factory: pytest.TempPathFactory
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        theirs, ours = build_packages(tmp_path_factory.mktemp("packages"), compat_settings)
        return package_members(theirs), package_members(ours)

    @pytest.fixture(scope="session")
    def assert_same_spec() -> Callable[..., Any]:
        from spec_diff import assert_same

        return assert_same

    @pytest.fixture(scope="session")
    def flytekit_literals() -> FlytekitLiterals:
        return FlytekitLiterals()

    @pytest.fixture(scope="session")
    def featherkit_literals() -> FeatherkitLiterals:
        return FeatherkitLiterals()
