"""Every model and column is described, and what BI tools and the semantic layer show
(the marts, the semantic models and the metrics) is written for analysts: it says what a
value means, without pointing at the reference's section numbers or at internal models."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from tests.support import PROJECT_DIR, run_dbt

#: What an analyst cannot follow: a section number ("3.3", "§4"), the spec, the reference
#: document, or a model BI tools never see (staging, intermediate).
NOT_FOR_ANALYSTS = re.compile(
    r"(?<![\w.])\d+\.\d+(?!\d)|§|\bspec\b|reference\.md|\b(?:int|stg)_[a-z_]+", re.IGNORECASE
)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    db_path = tmp_path_factory.mktemp("parse") / "warehouse.duckdb"
    run = run_dbt(PROJECT_DIR, db_path, "parse")
    assert run.returncode == 0, run.output
    return json.loads((db_path.parent / "dbt-target" / "manifest.json").read_text())


def _models(manifest: dict) -> Iterator[dict]:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == "goals_analytics":
            yield node


def _shown_to_analysts(manifest: dict) -> Iterator[tuple[str, str]]:
    """(where, description) of everything BI tools and the semantic layer show."""
    for model in _models(manifest):
        if model["original_file_path"].startswith(("models/marts/", "models/semantic/")):
            yield model["name"], model["description"]
            for column in model["columns"].values():
                yield f"{model['name']}.{column['name']}", column["description"]
    for semantic_model in manifest["semantic_models"].values():
        name = semantic_model["name"]
        yield name, semantic_model["description"] or ""
        for kind in ("entities", "dimensions", "measures"):
            for element in semantic_model[kind]:
                yield f"{name}.{element['name']}", element.get("description") or ""
    for metric in manifest["metrics"].values():
        yield metric["name"], metric["description"]


def test_every_model_and_column_is_described(manifest: dict) -> None:
    missing = []
    for model in _models(manifest):
        if not model["description"].strip():
            missing.append(model["name"])
        missing += [
            f"{model['name']}.{name}"
            for name, column in model["columns"].items()
            if not column["description"].strip()
        ]
    assert missing == []


def test_what_analysts_read_names_no_section_and_no_internal_model(manifest: dict) -> None:
    shown = list(_shown_to_analysts(manifest))
    assert len(shown) > 100
    found = {
        where: match.group(0)
        for where, description in shown
        if (match := NOT_FOR_ANALYSTS.search(description))
    }
    assert found == {}


def test_the_check_catches_a_section_number_and_an_internal_model() -> None:
    assert NOT_FOR_ANALYSTS.search("Credited as in reference 3.3.")
    assert NOT_FOR_ANALYSTS.search("See §4.")
    assert NOT_FOR_ANALYSTS.search("Copied from int_goal_outcomes_attributed.")
    assert not NOT_FOR_ANALYSTS.search("Sum of base values, at 4 decimal places (ISO 4217).")
