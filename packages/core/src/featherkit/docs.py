"""Task documentation as written into the registration TaskSpec (``DescriptionEntity``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyteidl.admin import description_entity_pb2

#: ``Documentation.long_description_format`` values and their wire enum names.
FORMATS = {
    "rst": "DESCRIPTION_FORMAT_RST",
    "markdown": "DESCRIPTION_FORMAT_MARKDOWN",
    "html": "DESCRIPTION_FORMAT_HTML",
    "unknown": "DESCRIPTION_FORMAT_UNKNOWN",
}


@dataclass(frozen=True)
class Documentation:
    """Short and long descriptions of a task (by default taken from its docstring).

    ``long_description=None`` leaves the long description out; a string (even empty) writes
    it with its format, which is what flytekit does for every docstring-documented task.
    """

    short_description: str = ""
    long_description: str | None = None
    long_description_format: str = "rst"
    source_code_link: str = ""

    def __post_init__(self) -> None:
        if self.long_description_format not in FORMATS:
            raise ValueError(
                f"Documentation.long_description_format must be one of {sorted(FORMATS)}, "
                f"got {self.long_description_format!r}"
            )

    def to_idl(self) -> description_entity_pb2.DescriptionEntity:
        from flyteidl.admin import description_entity_pb2 as de

        entity = de.DescriptionEntity(short_description=self.short_description)
        if self.long_description is not None:
            long = de.Description(
                format=de.DescriptionFormat.Value(FORMATS[self.long_description_format])
            )
            if self.long_description:
                # ``value`` sits in a oneof with ``uri``: set it only when there is text, as
                # flytekit does, or an empty text would count as present
                long.value = self.long_description
            entity.long_description.CopyFrom(long)
        if self.source_code_link:
            entity.source_code.CopyFrom(de.SourceCode(link=self.source_code_link))
        return entity
