"""featherkit-sql against flytekit: the same SQLite task serializes to the same TaskSpec.

The same query, inputs, database and metadata are given to flytekit's
``flytekit.extras.sqlite3.task.SQLite3Task`` and to ``featherkit_sql.SQLite3Task``; the two
``TaskSpec`` protos are compared field by field (presence included). The differences allowed
are listed in :data:`ALLOWED`, each checked narrowly:

``template.container.args``
    flytekit runs ``pyflyte-execute`` with its template resolver and the import path of its
    executor class (``flytekit.extras.sqlite3.task.SQLite3TaskExecutor``); featherkit runs
    ``featherkit-execute`` with ``--resolver featherkit.resolvers.template`` and the executor
    *name* ``sqlite3`` (registered through ``register_template_executors``, never imported
    from a path in the template), and passes the checkpoint options every featherkit
    container gets. The Flyte templates (``{{.input}}``, ``{{.outputPrefix}}``,
    ``{{.rawOutputDataPrefix}}``, ``{{.taskTemplatePath}}``) are the same.
``template.container.image`` (only when no ``container_image`` is given)
    flytekit defaults to its prebuilt ``cr.flyte.org/flyteorg/flytekit`` image; featherkit
    to the serialization settings' image, which must hold featherkit (whose template
    resolver runs the task) and featherkit-sql.
``template.interface.outputs.variables.results.type``
    flytekit's output is a ``FlyteSchema`` (a ``schema`` type, read with pandas); featherkit's
    is the declared ``list[dict]`` or ``list[SomeDataclass]`` (a collection of msgpack
    ``STRUCT``). The output's name (``results``) and description are the same.
``template.metadata.runtime.version``
    names the SDK that wrote the task.
``template.custom.query_template`` (only for the queries in ``test_query_whitespace``)
    flytekit collapses whitespace everywhere; featherkit keeps text inside string literals
    and quoted identifiers, and the newline that ends a ``--`` comment.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

import pytest
from featherkit_sql import SQLite3Config, SQLite3Task
from flytekit import TaskMetadata as FlyteTaskMetadata
from flytekit import kwtypes as flyte_kwtypes
from flytekit.extras.sqlite3.task import SQLite3Config as FlyteSQLite3Config
from flytekit.extras.sqlite3.task import SQLite3Task as FlyteSQLite3Task
from google.protobuf import json_format

from featherkit import TaskMetadata, kwtypes

FLYTEKIT_IMAGE_PREFIX = "cr.flyte.org/flyteorg/flytekit:"
FLYTEKIT_RESOLVER = "flytekit.core.python_customized_container_task.default_task_template_resolver"
FLYTEKIT_EXECUTOR = "flytekit.extras.sqlite3.task.SQLite3TaskExecutor"


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf path -> value; lists stay whole (container args are compared as one list)."""
    if isinstance(value, dict):
        if not value:
            return {path: {}}
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{path}.{key}" if path else key))
        return out
    return {path: value}


def _args_differ_as_documented(theirs: list[str], ours: list[str]) -> bool:
    def option(args: list[str], name: str) -> str | None:
        return args[args.index(name) + 1] if name in args else None

    shared = ("--inputs", "--output-prefix", "--raw-output-data-prefix")
    return (
        theirs[0] == "pyflyte-execute"
        and ours[0] == "featherkit-execute"
        and all(option(theirs, o) == option(ours, o) for o in shared)
        and option(theirs, "--resolver") == FLYTEKIT_RESOLVER
        and option(ours, "--resolver") == "featherkit.resolvers.template"
        and theirs[theirs.index("--") + 1:] == ["{{.taskTemplatePath}}", FLYTEKIT_EXECUTOR]
        and ours[ours.index("--") + 1:] == ["{{.taskTemplatePath}}", "sqlite3"]
        and option(ours, "--checkpoint-path") == "{{.checkpointOutputPrefix}}"
        and option(ours, "--prev-checkpoint") == "{{.prevCheckpointPrefix}}"
    )


#: path (prefix) -> check(theirs, ours) that the values differ only as documented above
ALLOWED: dict[str, Callable[[Any, Any], bool]] = {
    "template.container.args": _args_differ_as_documented,
    "template.container.image": lambda theirs, ours: (
        str(theirs).startswith(FLYTEKIT_IMAGE_PREFIX) and ours == "ghcr.io/acme/app:v1"
    ),
    "template.interface.outputs.variables.results.type": lambda theirs, ours: (
        theirs == {"schema": {}} and "collection_type" in ours
    ),
    "template.metadata.runtime.version": lambda theirs, ours: theirs == "1.16.31",
}


def compare(flyte_spec: Any, our_spec: Any, *, extra: dict[str, Callable[[Any, Any], bool]]
            | None = None) -> set[str]:
    """Fail on any difference not allowed; return the allowed paths that did differ."""
    theirs = json_format.MessageToDict(flyte_spec, preserving_proto_field_name=True)
    ours = json_format.MessageToDict(our_spec, preserving_proto_field_name=True)
    rules = {**ALLOWED, **(extra or {})}
    used: set[str] = set()
    for prefix, check in rules.items():
        a, b = _pluck(theirs, prefix), _pluck(ours, prefix)
        if a != b:
            assert check(a, b), f"{prefix} differs beyond the documented way:\n{a}\n{b}"
            used.add(prefix)
    flat_theirs, flat_ours = _flatten(theirs), _flatten(ours)
    unexplained = {
        path: (flat_theirs.get(path), flat_ours.get(path))
        for path in sorted(set(flat_theirs) | set(flat_ours))
        if not any(path == p or path.startswith(p + ".") for p in rules)
        and flat_theirs.get(path) != flat_ours.get(path)
    }
    assert not unexplained, f"undocumented differences (path: flytekit, featherkit): {unexplained}"
    return used


def _pluck(data: dict[str, Any], path: str) -> Any:
    """Remove and return the value at a dotted path (``None`` when absent)."""
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node.pop(last, None) if isinstance(node, dict) else None


QUERY = """
    SELECT name, total
    FROM orders
    WHERE total > {{ .inputs.min_total }}
      AND placed >= {{.Inputs.since}}
    ORDER BY total DESC
    LIMIT {{ .inputs.n }}
"""


@dataclass
class Order:
    name: str
    total: float


def pair(query: str = QUERY, *, flyte_inputs: Any = None, our_inputs: Any = None,
         output_type: Any = list[dict], uri: str = "s3://bucket/shop.tar.gz",
         compressed: bool = True, flyte_kwargs: dict[str, Any] | None = None,
         our_kwargs: dict[str, Any] | None = None) -> tuple[Any, Any]:
    if flyte_inputs is None:
        flyte_inputs = flyte_kwtypes(min_total=float, since=datetime.datetime, n=int)
        our_inputs = kwtypes(min_total=float, since=datetime.datetime, n=int)
    theirs = FlyteSQLite3Task(
        "sql_compat.top_customers", query_template=query, inputs=flyte_inputs,
        task_config=FlyteSQLite3Config(uri=uri, compressed=compressed), **(flyte_kwargs or {}),
    )
    ours = SQLite3Task(
        "sql_compat.top_customers", query_template=query, inputs=our_inputs,
        output_type=output_type, task_config=SQLite3Config(uri=uri, compressed=compressed),
        **(our_kwargs or {}),
    )
    return theirs, ours


def test_same_spec_as_flytekit(flytekit_spec, featherkit_spec):
    theirs, ours = pair()
    flyte, our = flytekit_spec(theirs), featherkit_spec(ours)
    assert our.template.type == flyte.template.type == "sqlite"
    assert dict(our.template.custom) == dict(flyte.template.custom)
    assert compare(flyte, our) == set(ALLOWED)


def test_dataclass_rows_differ_only_in_the_output_type(flytekit_spec, featherkit_spec):
    theirs, ours = pair(output_type=list[Order])
    compare(flytekit_spec(theirs), featherkit_spec(ours))


def test_same_metadata_image_and_resources(flytekit_spec, featherkit_spec):
    from flytekit import Resources as FlyteResources

    from featherkit import Resources

    theirs, ours = pair(
        compressed=False, uri="/data/shop.db",
        flyte_kwargs={
            "metadata": FlyteTaskMetadata(cache=True, cache_version="2", retries=3, timeout=90,
                                          interruptible=True),
            "container_image": "ghcr.io/acme/sql:3",
            "requests": FlyteResources(cpu="1", mem="1Gi"),
            "environment": {"B": "task"},
        },
        our_kwargs={
            "metadata": TaskMetadata(cache=True, cache_version="2", retries=3, timeout=90,
                                     interruptible=True),
            "container_image": "ghcr.io/acme/sql:3",
            "requests": Resources(cpu="1", mem="1Gi"),
            "environment": {"B": "task"},
        },
    )
    flyte, our = flytekit_spec(theirs), featherkit_spec(ours)
    assert our.template.container.image == "ghcr.io/acme/sql:3"
    # the image is given on both sides, so it must be equal: no image rule used
    assert "template.container.image" not in compare(flyte, our)


@pytest.mark.parametrize(
    ("flyte_inputs", "our_inputs", "query"),
    [
        (flyte_kwtypes(), kwtypes(), "SELECT count(*) AS n FROM orders"),
        (flyte_kwtypes(name=str, paid=bool), kwtypes(name=str, paid=bool),
         "SELECT * FROM orders WHERE name = {{ .inputs.name }} AND paid = {{ .inputs.paid }}"),
        (flyte_kwtypes(day=datetime.date), kwtypes(day=datetime.date),
         "SELECT * FROM orders WHERE date(placed) = {{ .inputs.day }}"),
        (flyte_kwtypes(name=Optional[str]), kwtypes(name=Optional[str]),
         "SELECT * FROM orders WHERE {{ .inputs.name }} IS NULL OR name = {{ .inputs.name }}"),
    ],
)
def test_same_interface_for_input_types(flytekit_spec, featherkit_spec, flyte_inputs,
                                        our_inputs, query):
    theirs, ours = pair(query, flyte_inputs=flyte_inputs, our_inputs=our_inputs)
    compare(flytekit_spec(theirs), featherkit_spec(ours))


@pytest.mark.parametrize(
    ("query", "flytekit_text", "featherkit_text"),
    [
        (
            "SELECT name FROM orders WHERE note = 'two  spaces'",
            "SELECT name FROM orders WHERE note = 'two spaces'",
            "SELECT name FROM orders WHERE note = 'two  spaces'",
        ),
        (
            "SELECT name -- the customer\nFROM orders",
            "SELECT name -- the customer FROM orders",
            "SELECT name -- the customer\nFROM orders",
        ),
    ],
)
def test_query_whitespace(flytekit_spec, featherkit_spec, query, flytekit_text, featherkit_text):
    theirs, ours = pair(query, flyte_inputs=flyte_kwtypes(), our_inputs=kwtypes())
    flyte, our = flytekit_spec(theirs), featherkit_spec(ours)
    assert flyte.template.custom["query_template"] == flytekit_text
    assert our.template.custom["query_template"] == featherkit_text
    compare(flyte, our, extra={"template.custom.query_template": lambda a, b: (
        a == flytekit_text and b == featherkit_text)})


# -- flytekit's DuckDBQuery (flytekitplugins-duckdb) and SQLite3Task(output_schema_type=) ---


FLYTEKIT_INSTANCE_RESOLVER = "flytekit.core.python_auto_container.default_task_resolver"


def _duckdb_args(attribute: str) -> Callable[[list[str], list[str]], bool]:
    """An instance task: each SDK's entrypoint and module resolver, the same loader args but
    for the module attribute naming the task (``flyte_duck`` for flytekit's, ``attribute``
    for ours)."""

    def differ_as_documented(theirs: list[str], ours: list[str]) -> bool:
        def option(args: list[str], name: str) -> str | None:
            return args[args.index(name) + 1] if name in args else None

        shared = ("--inputs", "--output-prefix", "--raw-output-data-prefix",
                  "--checkpoint-path", "--prev-checkpoint")
        return (
            theirs[0] == "pyflyte-execute"
            and ours[0] == "featherkit-execute"
            and all(option(theirs, o) == option(ours, o) for o in shared)
            and option(theirs, "--resolver") == FLYTEKIT_INSTANCE_RESOLVER
            and option(ours, "--resolver") == "featherkit.resolvers.module"
            and theirs[theirs.index("--") + 1:]
            == [("flyte_duck" if a == attribute else a) for a in ours[ours.index("--") + 1:]]
        )

    return differ_as_documented


DUCKDB_ALLOWED: dict[str, Callable[[Any, Any], bool]] = {
    "template.container.args": _duckdb_args("duck"),
    # flytekit's result is a StructuredDataset; featherkit-sql's is rows (list[dict])
    "template.interface.outputs.variables.result.type": lambda theirs, ours: (
        "structured_dataset_type" in theirs and "collection_type" in ours
    ),
}

try:
    from flytekitplugins.duckdb import DuckDBQuery as FlyteDuckDBQuery
except ImportError as exc:  # pragma: no cover - an environment problem, said clearly
    raise ImportError(
        "the SQL compatibility tests need flytekitplugins-duckdb beside flytekit: install "
        "featherkit-sql[compat]"
    ) from exc

from featherkit_dataframe import StructuredDataset  # noqa: E402
from featherkit_sql import DuckDBQuery  # noqa: E402

flyte_duck = FlyteDuckDBQuery(
    name="sql_compat.duck", query=["CREATE TABLE t AS SELECT 1 AS a", "SELECT a + ? FROM t"],
    inputs=flyte_kwtypes(params=list[int]),
)
duck = DuckDBQuery(
    name="sql_compat.duck", query=["CREATE TABLE t AS SELECT 1 AS a", "SELECT a + ? FROM t"],
    inputs=kwtypes(params=list[int]),
)
duck_dataset = DuckDBQuery(
    name="sql_compat.duck", query=["CREATE TABLE t AS SELECT 1 AS a", "SELECT a + ? FROM t"],
    inputs=kwtypes(params=list[int]), output_type=StructuredDataset,
)


def test_duckdb_query_same_spec_as_flytekit(flytekit_spec, featherkit_spec):
    flyte, our = flytekit_spec(flyte_duck), featherkit_spec(duck)
    assert our.template.type == flyte.template.type == "duckdb"
    assert list(our.template.interface.outputs.variables) == ["result"]
    assert compare(flyte, our, extra=DUCKDB_ALLOWED) >= {
        "template.container.args", "template.interface.outputs.variables.result.type",
    }


def test_duckdb_query_with_a_structured_dataset_result_is_flytekits_spec(flytekit_spec,
                                                                        featherkit_spec):
    # featherkit-dataframe's StructuredDataset, flytekit's result type: only the entrypoint
    # differs
    flyte, our = flytekit_spec(flyte_duck), featherkit_spec(duck_dataset)
    assert compare(flyte, our, extra={"template.container.args": _duckdb_args("duck_dataset")})
    assert our.template.interface == flyte.template.interface


def test_duckdb_query_computes_what_flytekits_does():
    import pandas

    theirs = flyte_duck(params=[41]).open(pandas.DataFrame).all()
    ours = duck(params=[41])
    assert [list(row.values()) for row in ours] == theirs.values.tolist() == [[42]]


def test_sqlite_output_schema_type_is_flytekits_name_for_output_type(flytekit_spec,
                                                                     featherkit_spec):
    theirs = FlyteSQLite3Task(
        "sql_compat.top_customers", query_template=QUERY,
        inputs=flyte_kwtypes(min_total=float, since=datetime.datetime, n=int),
        task_config=FlyteSQLite3Config(uri="s3://bucket/shop.tar.gz", compressed=True),
    )
    ours = SQLite3Task(
        "sql_compat.top_customers", query_template=QUERY,
        inputs=kwtypes(min_total=float, since=datetime.datetime, n=int),
        output_schema_type=list[Order],
        task_config=SQLite3Config(uri="s3://bucket/shop.tar.gz", compressed=True),
    )
    assert ours.output_type == list[Order]
    compare(flytekit_spec(theirs), featherkit_spec(ours))
