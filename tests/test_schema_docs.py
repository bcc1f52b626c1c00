"""`chitieu schema` describes every field, names its dialect and has an id (issue 15, point 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from schemas.plan import plan_json_schema


def _objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {"Plan": schema}
    found.update({k: v for k, v in schema.get("$defs", {}).items() if "properties" in v})
    return found


def test_every_field_of_every_record_object_has_a_description() -> None:
    schema = plan_json_schema()
    missing = [f"{name}.{field}" for name, obj in _objects(schema).items()
               for field, prop in obj["properties"].items() if not prop.get("description")]
    assert missing == []
    assert set(_objects(schema)) >= {"Plan", "Target"}


def test_the_printed_schema_names_its_dialect_and_id() -> None:
    chitieu = Path(sys.executable).with_name("chitieu")
    out = subprocess.run([str(chitieu), "schema"], capture_output=True, text=True, check=True, timeout=120).stdout
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/plan-record.json")
    assert schema["properties"]["doc_id"]["description"].startswith("The document's id")
