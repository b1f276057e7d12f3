"""CSV downloads that a spreadsheet opens safely: one cell guard and one row writer, shared by
every feature's exports (pilots' pipeline and results, training's rosters and feedback).

- A cell a spreadsheet would run as a formula (text starting with = + - @, a tab or a carriage
  return) gets a leading apostrophe; numbers stay numbers (a negative value is no formula).
- A download starts with a byte-order mark, so Excel reads UTF-8 (Korean names survive).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

BOM = "\ufeff"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe. Numbers stay numbers (a negative KPI
    value is not a formula); None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Iterable[object]]) -> str:
    """``rows`` as CSV text, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
