"""The report's data (reports.documents.data) as JSON text: one unit, rollup or table per line.

json.dumps with `indent` runs its pure-Python encoder (a city of 2.000 units: about 200 ms); each
line here is encoded by the C encoder, and the file still reads (and diffs) line by line.
"""

from __future__ import annotations

import json
from typing import Any

_encode = json.JSONEncoder(ensure_ascii=False).encode


def report_json(data: dict[str, Any]) -> str:
    """The same value as json.dumps(data): the top level and its lists laid out one item a line."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            inner = ",\n  ".join(_encode(item) for item in value)
            text = f"[\n  {inner}\n ]"
        elif isinstance(value, dict) and value and key == "demographics":
            inner = ",\n  ".join(f"{_encode(name)}: {_encode(rows)}" for name, rows in value.items())
            text = f"{{\n  {inner}\n }}"
        else:
            text = _encode(value)
        parts.append(f" {_encode(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
