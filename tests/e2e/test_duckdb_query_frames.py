"""DuckDBQuery (flytekit's DuckDB task class) over data frames: featherkit-sql beside
featherkit-dataframe, as a flytekit user combines flytekitplugins-duckdb with
StructuredDataset. Needs both packages installed: the ``tests`` session."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from featherkit_dataframe import StructuredDataset
from featherkit_sql import DuckDBQuery

from featherkit import kwtypes

by_frame = DuckDBQuery(
    name="frames.by_frame",
    query="SELECT name, sum(total) AS total FROM orders GROUP BY name ORDER BY name",
    inputs=kwtypes(orders=pd.DataFrame),
)

joined = DuckDBQuery(
    name="frames.joined",
    query="SELECT o.name, c.city FROM orders o JOIN cities c ON o.name = c.name "
          "WHERE o.total > ? ORDER BY o.name",
    inputs=kwtypes(orders=StructuredDataset, cities=pa.Table, params=list[float]),
)


def test_a_pandas_frame_is_a_table():
    orders = pd.DataFrame({"name": ["a", "b", "a"], "total": [1.0, 2.0, 3.5]})
    assert by_frame(orders=orders) == [{"name": "a", "total": 4.5}, {"name": "b", "total": 2.0}]


def test_a_structured_dataset_and_an_arrow_table_are_tables():
    orders = StructuredDataset(dataframe=pd.DataFrame({"name": ["a", "b"], "total": [5.0, 1.0]}))
    cities = pa.table({"name": ["a", "b"], "city": ["Oslo", "Rome"]})
    assert joined(orders=orders, cities=cities, params=[2.0]) == [{"name": "a", "city": "Oslo"}]


def test_frame_outputs():
    query = "SELECT 1 AS a UNION ALL SELECT 2 ORDER BY a"
    as_pandas = DuckDBQuery(name="frames.as_pandas", query=query, output_type=pd.DataFrame)
    as_arrow = DuckDBQuery(name="frames.as_arrow", query=query, output_type=pa.Table)
    as_dataset = DuckDBQuery(name="frames.as_dataset", query=query,
                             output_type=StructuredDataset)
    assert as_pandas()["a"].tolist() == [1, 2]
    assert as_arrow().column("a").to_pylist() == [1, 2]
    assert as_dataset().open(pd.DataFrame).all()["a"].tolist() == [1, 2]
