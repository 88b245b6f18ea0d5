"""Column work over many rows done once per distinct value: half a million figures name a few thousand
articles, localities and periods, so lookups and parsing cost per distinct key, not per row."""
from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_codes(*columns) -> tuple[np.ndarray, list[tuple]]:
    """Codes of each row's combination of `columns` and the distinct combinations, in order of appearance;
    hashes integers (each column factorised once), not tuples of objects."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    codes = pd.factorize(combined)[0]
    _, firsts = np.unique(codes, return_index=True)
    arrays = [np.asarray(col) for col in columns]
    return codes, [tuple(a[i] for a in arrays) for i in firsts]


def lookup(keys: pd.Series, table: pd.Series) -> np.ndarray:
    """`keys.map(table)` as an object array (None where a key is not in the table's index), looked up once
    per distinct key: a few thousand articles or localities, not half a million rows."""
    codes, distinct = pd.factorize(keys.to_numpy(dtype=object), use_na_sentinel=False)
    where = pd.Index(table.index.to_numpy(dtype=object)).get_indexer(distinct)
    values = np.append(table.to_numpy(dtype=object), None)  # position -1 (not found) picks the None
    return values[where][codes]


def per_distinct(frame: pd.DataFrame, func) -> list[np.ndarray]:
    """`func(*row)` for each distinct row of `frame` (a few columns), spread back to every row: the Python
    work grows with the distinct combinations (periods, terms), not with the figures."""
    codes, distinct = distinct_codes(*(frame[c] for c in frame.columns))
    results = [func(*combo) for combo in distinct]
    return [np.array([r[k] for r in results], dtype=object)[codes] for k in range(len(results[0]))]


def without_attrs(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """The same table without `attrs`, as a view (O(columns), no copy of the data): pandas deep-copies attrs
    into every frame derived from one, so analysis and charts work on the columns alone."""
    return pd.DataFrame(df, copy=False) if df is not None and df.attrs else df
