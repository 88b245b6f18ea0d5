"""One shape for everything wrong with the data, so that reports, JSON and tests agree."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """A problem found in a data file.

    `row` is the spreadsheet row number (the header is row 1), or None for the whole file.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    severity: str
    code: str
    message: str
    fix: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row is not None else "")
        col = f" [{self.column}]" if self.column else ""
        val = f" value {self.value!r}" if self.value not in (None, "") else ""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{where}{col} {self.severity} {self.code}:{val} {self.message}{fix}"


class FixableError(ValueError):
    """Something refused with what is wrong (`message`) and what to do about it (`fix`): the base of
    NumberError, UnitError, PeriodError, AgreementError, GazetteerError, ScaffoldError and AppendRefused."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


class DataError(ValueError):
    """Raised in strict mode, or when a file cannot be read at all; carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == ERROR]
        head = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in the data:\n{head}{more}")


class SharedList(list):
    """A list that `copy.deepcopy` shares instead of copying. pandas deep-copies a frame's `attrs` after every
    operation; the load's problems (frozen records, hundreds of them) sit there, and copying them each time
    made every call on the loaded table cost about 0.06 s more."""

    def __deepcopy__(self, memo):
        return self


@dataclass
class Problems:
    """A growing list of problems with helpers to add them tersely."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file, row, column, value, severity, code, message, fix=""):
        self.items.append(Problem(str(file), row, column, None if value is None else str(value),
                                  severity, code, message, fix))

    def error(self, file, row, column, value, code, message, fix=""):
        self.add(file, row, column, value, ERROR, code, message, fix)

    def warning(self, file, row, column, value, code, message, fix=""):
        self.add(file, row, column, value, WARNING, code, message, fix)

    def extend(self, other) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]


# At most this many problems of one code in one file are listed; the rest are counted in one line.
MAX_PER_FILE_AND_CODE = 1000


def capped(problems: list[Problem], limit: int | None = None) -> list[Problem]:
    """The problems with at most `limit` of each (file, code, severity), each overflow counted by one more
    problem of the same code: a file with a million bad rows gives a readable report, not a huge one."""
    limit = MAX_PER_FILE_AND_CODE if limit is None else limit
    seen: dict[tuple, int] = {}
    out = []
    for p in problems:
        k = (p.file, p.code, p.severity)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= limit:
            out.append(p)
    for (file, code, severity), n in seen.items():
        if n > limit:
            out.append(Problem(file, None, None, None, severity, code,
                               f"{n - limit:,} more '{code}' {severity}s in this file were left out of the report "
                               f"(the first {limit:,} are listed)",
                               "fix those listed and validate again to see the rest"))
    return out
