"""Files, directories and data frames in task interfaces."""

import typing
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
import pyarrow as pa

from featherkit import FlyteDirectory, FlyteFile, StructuredDataset, kwtypes, task


@dataclass
class Report:
    summary: FlyteFile
    images: FlyteDirectory
    rows: int
    extra: typing.Optional[FlyteFile] = None


@task
def files(
    plain: FlyteFile,
    csv: FlyteFile["csv"],  # noqa: F821
    typed: FlyteFile[typing.TypeVar("jpeg")],
    folder: FlyteDirectory,
    maybe: typing.Optional[FlyteFile] = None,
) -> FlyteDirectory["png"]:  # noqa: F821
    return folder


@task
def frames(
    df: pd.DataFrame,
    cols: Annotated[pd.DataFrame, kwtypes(a=int, b=str)],
    table: pa.Table,
    sd: StructuredDataset,
) -> StructuredDataset:
    return sd


@task
def bundled(report: Report, many: typing.List[FlyteFile]) -> Report:  # noqa: UP006
    return report
