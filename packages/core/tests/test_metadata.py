import datetime

import pytest

from featherkit import Resources, Secret, TaskMetadata


def test_defaults():
    m = TaskMetadata()
    assert m.cache is False and m.retries == 0 and m.timeout is None


def test_cache_needs_version():
    with pytest.raises(ValueError, match="cache_version"):
        TaskMetadata(cache=True)


def test_cache_serialize_needs_cache():
    with pytest.raises(ValueError, match="cache_serialize=True needs cache=True"):
        TaskMetadata(cache_serialize=True)


def test_cache_ignore_input_vars_needs_cache():
    with pytest.raises(ValueError, match=r"cache_ignore_input_vars=\['a'\] needs cache=True"):
        TaskMetadata(cache_ignore_input_vars=("a",))


def test_int_timeout_is_seconds():
    assert TaskMetadata(timeout=90).timeout == datetime.timedelta(seconds=90)


def test_timedelta_timeout_kept():
    assert TaskMetadata(timeout=datetime.timedelta(minutes=2)).timeout == datetime.timedelta(
        minutes=2
    )


@pytest.mark.parametrize("bad", [1.5, "60", True])
def test_other_timeout_types_raise(bad):
    with pytest.raises(ValueError, match="timeout must be an int"):
        TaskMetadata(timeout=bad)


@pytest.mark.parametrize("bad", [-1, 1.0, True])
def test_retries_validated(bad):
    with pytest.raises(ValueError, match="retries"):
        TaskMetadata(retries=bad)


def test_to_idl_fields():
    m = TaskMetadata(
        cache=True,
        cache_version="7",
        cache_serialize=True,
        cache_ignore_input_vars=("x",),
        retries=3,
        interruptible=True,
        deprecated="use v2",
        timeout=30,
        pod_template_name="tpl",
        generates_deck=True,
    )
    idl = m.to_idl("9.9.9")
    assert idl.discoverable is True
    assert idl.discovery_version == "7"
    assert idl.cache_serializable is True
    assert list(idl.cache_ignore_input_vars) == ["x"]
    assert idl.retries.retries == 3
    assert idl.interruptible is True
    assert idl.deprecated_error_message == "use v2"
    assert idl.timeout.seconds == 30
    assert idl.pod_template_name == "tpl"
    assert idl.generates_deck.value is True
    assert idl.runtime.version == "9.9.9"
    assert idl.runtime.flavor == "python"


def test_interruptible_unset_stays_unset():
    assert not TaskMetadata().to_idl("1").HasField("interruptible_value")


def test_resources_entries_only_set_values():
    from flyteidl.core import tasks_pb2

    entries = Resources(cpu="2", mem="4Gi").entries()
    assert [(e.name, e.value) for e in entries] == [
        (tasks_pb2.Resources.CPU, "2"),
        (tasks_pb2.Resources.MEMORY, "4Gi"),
    ]


@pytest.mark.parametrize("bad", [True, [1], ""])
def test_resources_reject_bad_values(bad):
    with pytest.raises((TypeError, ValueError), match=r"Resources\.cpu"):
        Resources(cpu=bad)


def test_secret_needs_group_or_key():
    with pytest.raises(ValueError, match="group or a key"):
        Secret()
    assert Secret(group="db", key="pw").to_idl().key == "pw"
