"""House rules on the layers: analytics/ never imports Streamlit; pages hold no SQL and no statistics."""

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "app_pages").glob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((REPO / "analytics").rglob("*.py")), ids=lambda p: p.name)
def test_analytics_never_imports_streamlit(path):
    assert not any(n == "streamlit" or n.startswith("streamlit.") for n in _imports(path))


def test_there_are_pages_and_no_legacy_pages_folder():
    assert PAGES
    assert not (REPO / "pages").exists(), "a pages/ folder puts Streamlit in its legacy multipage mode"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_statistics(path):
    text = path.read_text(encoding="utf-8")
    banned = {"duckdb", "analytics.storage.db", "scipy", "statsmodels", "numpy", "analytics.survey.measures"}
    assert not (_imports(path) & banned), _imports(path) & banned
    assert not re.search(r"\bselect\b.+\bfrom\b", text, re.I | re.S), "SQL in a page"
    assert ".query(" not in text


def test_no_f_string_reaches_execute():
    for path in REPO.rglob("*.py"):
        if ".venv" in path.parts:
            continue
        assert not re.search(r"execute\(\s*f[\"']", path.read_text(encoding="utf-8")), path
