"""featherkit-dataframe with featherkit-deck: a frame output shows its first rows as a table."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from featherkit import hookimpl, task
from featherkit.testing import registered


class Recorder:
    def __init__(self) -> None:
        self.params: list[Any] = []

    @hookimpl(trylast=True)
    def execution_finished(self, task: Any, params: Any, outputs: Any, error: Any) -> None:
        self.params.append(params)


@task(enable_deck=True)
def numbers(n: int) -> pd.DataFrame:
    return pd.DataFrame({"value": [f"v{i}" for i in range(n)]})


def test_a_frame_output_is_a_table_of_its_first_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    recorder = Recorder()
    with registered(recorder):
        assert len(numbers(n=50)) == 50
    page = Path(recorder.params[-1].attributes["deck_path"]).read_text(encoding="utf-8")
    assert "<td>v0</td>" in page and "<td>v9</td>" in page
    assert "<td>v10</td>" not in page
