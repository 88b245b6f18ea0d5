"""Problems and the errors that carry a message and a fix."""
from __future__ import annotations

import pytest

from helpers.agreement import AgreementError
from helpers.gazetteer import GazetteerError
from helpers.numbers import NumberError
from helpers.periods import PeriodError
from helpers.problems import FixableError
from helpers.units import UnitError


@pytest.mark.parametrize("cls", [NumberError, UnitError, PeriodError, AgreementError, GazetteerError])
def test_every_refusal_carries_its_message_and_fix(cls):
    error = cls("7.210 could be 7210 or 7,21", "write 7210")
    assert isinstance(error, FixableError) and isinstance(error, ValueError)
    assert (str(error), error.message, error.fix) == ("7.210 could be 7210 or 7,21", "7.210 could be 7210 or 7,21",
                                                      "write 7210")
    assert cls("no fix").fix == ""


def test_a_gazetteer_refusal_keeps_its_candidates():
    error = GazetteerError("several units match", "give --district", ["Phường A", "Phường B"])
    assert (error.fix, error.lines) == ("give --district", ["Phường A", "Phường B"])


def test_the_loads_problems_are_shared_not_copied_by_pandas_operations():
    import copy

    import pandas as pd

    from helpers.problems import Problem, SharedList

    problems = SharedList([Problem("a.csv", 2, "value", "x", "error", "bad_number", "m", "f")])
    assert copy.deepcopy(problems) is problems
    df = pd.DataFrame({"value": [1, 2]})
    df.attrs["problems"] = problems
    assert df.sort_values("value").attrs["problems"] is problems
    assert df.copy(deep=True).attrs["problems"] is problems
