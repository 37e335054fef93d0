"""``deck_fields`` checked when a task is defined; ``generates_deck`` on the wire."""

from __future__ import annotations

import enum

import pytest
from featherkit_deck import DEFAULT_FIELDS, DeckField
from featherkit_deck.fields import validate_deck_fields

from featherkit import SerializationSettings, serialize, task

SETTINGS = SerializationSettings(image="ghcr.io/acme/app:v1", version="v1")


class FlytekitDeckField(str, enum.Enum):
    """Shaped like flytekit's DeckField (a str enum whose str() is not its value)."""

    INPUT = "Input"
    OUTPUT = "Output"


def test_field_values_are_flytekits() -> None:
    # flytekit 1.16.31: flytekit.deck.DeckField
    assert [f.value for f in DeckField] == [
        "Input", "Output", "Source Code", "Timeline", "Dependencies"
    ]
    assert set(DEFAULT_FIELDS) == set(DeckField)


def test_strings_and_enum_members_are_accepted() -> None:
    assert validate_deck_fields(["Timeline", DeckField.INPUT, FlytekitDeckField.OUTPUT]) == (
        DeckField.TIMELINE, DeckField.INPUT, DeckField.OUTPUT,
    )
    assert validate_deck_fields(()) == ()


def test_the_option_lands_in_plugin_options() -> None:
    @task(enable_deck=True, deck_fields=("Source Code", "Input"))
    def t(x: int) -> int:
        return x

    assert t.plugin_options["deck_fields"] == (DeckField.SOURCE_CODE, DeckField.INPUT)


def test_unknown_field_is_an_error_at_definition_naming_task_field_and_valid_ones() -> None:
    with pytest.raises(ValueError, match="deck_fields") as info:
        @task(enable_deck=True, deck_fields=("Input", "Inputs"))
        def t(x: int) -> int:
            return x

    message = str(info.value)
    assert "test_deck_fields.t" in message
    assert "'Inputs'" in message
    for valid in ("'Input'", "'Output'", "'Source Code'", "'Timeline'", "'Dependencies'"):
        assert valid in message


def test_a_single_string_is_not_a_list_of_fields() -> None:
    with pytest.raises(TypeError, match=r"tuple or list of deck fields.*'Input'"):
        validate_deck_fields("Input")
    with pytest.raises(TypeError, match="tuple or list"):
        validate_deck_fields(3)


def test_a_field_listed_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="'Output' is listed twice"):
        validate_deck_fields(["Output", DeckField.OUTPUT])


@task(enable_deck=True)
def with_deck(x: int) -> int:
    return x


@task
def without(x: int) -> int:
    return x


@task(enable_deck=True, deck_fields=("Input",))
def some(x: int) -> int:
    return x


def test_generates_deck_on_the_wire() -> None:
    metadata = serialize(with_deck, SETTINGS).metadata
    assert metadata.HasField("generates_deck")
    assert metadata.generates_deck.value is True
    assert serialize(without, SETTINGS).metadata.generates_deck.value is False


def test_deck_fields_do_not_change_the_serialized_task() -> None:
    template = serialize(some, SETTINGS)
    assert template.metadata.generates_deck.value is True
    assert not template.HasField("custom")


def test_the_plugin_spells_the_timeline_run_key_as_the_timeline_does() -> None:
    from featherkit_deck import plugin, timeline

    assert plugin.RUN_KEY == timeline.RUN_KEY
