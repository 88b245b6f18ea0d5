"""helpers/focus.py: which localities a view labels and which it shows as grey context."""
from __future__ import annotations

import pandas as pd

from helpers.focus import focus


def rows(wards: int, districts: int = 0) -> pd.DataFrame:
    """One stock figure per unit: ward i has value i, district j has value 1000 + j."""
    units = [(f"w{i}", "ward", float(i)) for i in range(wards)] + \
            [(f"d{j}", "urban_district", 1000.0 + j) for j in range(districts)]
    return pd.DataFrame({"locality_id": [u for u, _, _ in units], "level": [lv for _, lv, _ in units],
                         "value": [v for _, _, v in units], "value_per_year": [None] * len(units),
                         "kind": ["stock"] * len(units)})


def test_up_to_the_limit_every_unit_is_labelled():
    found = focus(rows(4, 3), max_labelled=10, notable=1)
    assert set(found.highlighted) == {"w0", "w1", "w2", "w3", "d0", "d1", "d2"}
    assert not found.context and not found.note("vi")


def test_past_the_limit_a_level_few_enough_is_labelled_whole_and_the_other_levels_counted():
    found = focus(rows(8, 6), max_labelled=10, notable=2)
    assert set(found.highlighted) == {f"w{i}" for i in range(8)} and not found.context
    assert found.other_levels == 6 and found.note("vi") == "tô màu 8 đơn vị; không vẽ 6 đơn vị cấp khác"
    assert found.note("en") == "8 units highlighted; 6 units of other levels not drawn"


def test_at_national_size_the_chosen_top_and_bottom_are_labelled_and_the_rest_counted():
    found = focus(rows(100, 2), max_labelled=10, notable=2, highlight=["w50"])
    assert found.highlighted == {"w50": "chosen", "w99": "top", "w98": "top", "w0": "bottom", "w1": "bottom"}
    assert len(found.context) == 95 and found.other_levels == 2
    assert found.note("vi").startswith("tô màu 5 đơn vị; nền xám: 95 phường khác")
