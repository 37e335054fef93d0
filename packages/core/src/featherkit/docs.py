"""Task documentation as written into the registration TaskSpec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyteidl.admin import description_entity_pb2


@dataclass(frozen=True)
class Documentation:
    """Short and long descriptions of a task (by default taken from its docstring)."""

    short_description: str = ""
    long_description: str = ""
    source_code_link: str = ""

    def to_idl(self) -> description_entity_pb2.DescriptionEntity:
        from flyteidl.admin import description_entity_pb2 as de

        entity = de.DescriptionEntity(short_description=self.short_description)
        if self.long_description:
            entity.long_description.CopyFrom(
                de.Description(value=self.long_description, format=de.DESCRIPTION_FORMAT_RST)
            )
        if self.source_code_link:
            entity.source_code.CopyFrom(de.SourceCode(link=self.source_code_link))
        return entity
