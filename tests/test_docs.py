"""Documentation stays true: the contract doc, the README's commands, the data log."""

import re
from pathlib import Path

from analytics.contract.schema import TABLES
from analytics.contract.schema_doc import contract_markdown

REPO = Path(__file__).resolve().parents[1]


def test_every_column_has_a_description():
    for table in TABLES.values():
        assert table.description.strip(), table.name
        for column in table.columns:
            assert column.description.strip(), f"{table.name}.{column.name} is undocumented"


def test_contract_doc_is_generated_from_the_schema():
    committed = (REPO / "docs" / "data_contract.md").read_text(encoding="utf-8")
    assert committed == contract_markdown(), "run: python -m analytics.contract.schema_doc > docs/data_contract.md"


def test_readme_names_the_two_commands_and_ci_calls_the_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert re.search(r"make test\b", (REPO / ".ci" / "run").read_text(encoding="utf-8"))
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_readme_says_the_demo_data_is_synthetic_and_shows_a_real_screenshot():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    image = re.search(r"!\[[^\]]*\]\(([^)]+)\)", readme).group(1)
    assert (REPO / image).stat().st_size > 20_000, "the README's screenshot exists and is a real capture"


def test_settings_in_the_code_are_documented():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sources = [*(REPO / "analytics").rglob("*.py"), *(REPO / "ui").rglob("*.py"), REPO / "app.py"]
    code = "".join(p.read_text(encoding="utf-8") for p in sources)
    names = set(re.findall(r"[\"'](ENGAGEMENT_[A-Z_]+)[\"']", code))
    assert {"ENGAGEMENT_DATA_DIR", "ENGAGEMENT_SUPPRESS_BELOW"} <= names, "the scan finds the settings"
    for name in names:
        assert name in readme, f"{name} is read by the code but not documented in the README"


def test_data_log_names_every_shipped_data_file():
    log = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    shipped = [p.relative_to(REPO / "data").as_posix() for p in (REPO / "data").rglob("*") if p.is_file()]
    shipped = [p for p in shipped if p != "README.md" and not p.startswith(("demo/", ".")) and "/." not in p]
    assert "boundaries/essex_lad_2024_buc.geojson" in shipped, "the scan reaches files in sub-folders"
    for name in shipped:
        assert f"`{name}`" in log, f"data/{name} is not in the data log"
