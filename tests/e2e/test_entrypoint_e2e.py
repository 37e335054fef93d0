"""End to end across packages: pods whose every prefix is on S3 (moto on loopback).

core's entrypoint + featherkit-fsspec (storage) + featherkit-deck (deck.html) +
core's template resolver and featherkit-sql (a task rebuilt from a template on S3). Each
test serializes a task, substitutes propeller's templates with S3 URIs, writes inputs.pb to
the bucket, runs ``featherkit-execute`` in a subprocess and decodes what it left there.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import e2e_pod_tasks as tasks
from featherkit_fsspec.testing import S3Server
from featherkit_sql import SQLite3Config, SQLite3Task
from flyteidl.core import errors_pb2, execution_pb2

from featherkit import kwtypes, storage
from featherkit.testing.pod import run_in_pod

ACCOUNT = tasks.Account(name="ada", tier=tasks.Tier.FREE, credits=2.5, tags=["beta", "eu"])
WHEN = datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.timezone.utc)


def _prefixes(bucket: str, run_id: str) -> dict[str, str]:
    return {
        "output_prefix": f"s3://{bucket}/metadata/{run_id}/n0/data/0",
        "inputs_uri": f"s3://{bucket}/metadata/{run_id}/n0/data/inputs.pb",
        "raw_output_prefix": f"s3://{bucket}/raw/{run_id}",
    }


def test_a_pod_on_s3_writes_outputs_and_its_deck(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    where = _prefixes(bucket, "run-a")
    run = run_in_pod(
        tasks.renew, tmp_path, {"account": ACCOUNT, "on": WHEN, "months": 3}, env=s3.env,
        **where,
    )
    assert run.returncode == 0, run.stderr
    summary = run.outputs()
    assert summary.account == tasks.Account("ada", tasks.Tier.PRO, 32.5, ["beta", "eu"])
    assert summary.renewed == WHEN + datetime.timedelta(days=90)
    assert summary.note == "3 months"
    assert summary.raw_output_prefix == where["raw_output_prefix"]
    listing = s3.filesystem().find(f"{bucket}/metadata/run-a")
    assert sorted(path.rsplit("/", 1)[-1] for path in listing) == [
        "deck.html", "inputs.pb", "outputs.pb"
    ]
    page = storage.read_bytes(storage.join(where["output_prefix"], "deck.html")).decode()
    assert "<html" in page
    assert "ada" in page


def test_a_recoverable_failure_on_s3_with_fail_on_error(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    where = _prefixes(bucket, "run-b")
    run = run_in_pod(
        tasks.rate_limited, tmp_path, {"account": ACCOUNT},
        env={**s3.env, "FLYTE_FAIL_ON_ERROR": "true"}, **where,
    )
    assert run.returncode == 1  # error.pb written, then the pod fails as asked
    error = run.error()
    assert error is not None
    assert error.origin == execution_pb2.ExecutionError.USER
    assert error.kind == errors_pb2.ContainerError.RECOVERABLE
    assert error.code == "USER:RecoverableError"
    assert "billing API rate limited for ada" in error.message
    assert not run.written("outputs.pb")


def test_broken_inputs_on_s3_are_reported_under_the_prefix(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    where = _prefixes(bucket, "run-c")
    good = tasks.rate_limited.inputs_to_literals({"account": ACCOUNT}).SerializeToString()
    run = run_in_pod(tasks.rate_limited, tmp_path, good[:-4], env=s3.env, **where)
    assert run.returncode == 0, run.stderr
    error = run.error()
    assert error is not None
    assert error.origin == execution_pb2.ExecutionError.SYSTEM
    assert error.kind == errors_pb2.ContainerError.NON_RECOVERABLE
    assert error.code == "SYSTEM:TaskInputError"
    assert where["inputs_uri"] in error.message


def test_a_task_rebuilt_from_its_template_on_s3(
    bucket: str, s3: S3Server, tmp_path: Path
) -> None:
    """No user code in the pod: the template resolver reads the TaskTemplate from S3 and
    featherkit-sql's executor rebuilds the task."""
    db = tmp_path / "shop.db"
    con = sqlite3.connect(db)
    with con:
        con.execute("CREATE TABLE orders (name TEXT, total REAL)")
        con.executemany("INSERT INTO orders VALUES (?, ?)", [("ada", 12.5), ("bob", 7.0)])
    con.close()
    task = SQLite3Task(
        "shop.big_orders",
        query_template="SELECT name FROM orders WHERE total > {{ .inputs.min_total }}",
        inputs=kwtypes(min_total=float),
        task_config=SQLite3Config(uri=str(db)),
    )
    where = _prefixes(bucket, "run-d")
    template_uri = f"s3://{bucket}/metadata/run-d/task.pb"
    from featherkit.testing.pod import container_args

    _, template = container_args(task)
    storage.write_bytes(template_uri, template.SerializeToString())
    run = run_in_pod(
        task, tmp_path / "pod", {"min_total": 10.0}, env=s3.env,
        values={"taskTemplatePath": template_uri}, **where,
    )
    assert run.returncode == 0, run.stderr
    assert "{{.taskTemplatePath}}" not in run.args
    assert template_uri in run.args
    assert run.error() is None, run.stderr
    assert task.literals_to_outputs(run.output_literals()) == [{"name": "ada"}]
