"""House rules on the layers: analytics/ never imports Streamlit; pages hold no SQL and no statistics; nothing
outside tests/ imports the tests."""

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
            names.add(node.module)  # and each name as a module, so `from analytics.storage import db` counts too
            names |= {f"{node.module}.{a.name}" for a in node.names}
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


UI = sorted((REPO / "ui").rglob("*.py"))


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(REPO)))
def test_ui_holds_no_sql_and_reads_no_environment(path):
    """ui/ asks analytics/ for data and config.py for settings: no SQL, no DuckDB, no environment variables."""
    text = path.read_text(encoding="utf-8")
    assert "duckdb" not in _imports(path)
    assert not re.search(r"\bselect\b[^\n]+\bfrom\b", text, re.I), "SQL in ui/"
    assert ".query(" not in text and ".execute(" not in text
    assert "os.environ" not in text and "getenv" not in text, "settings are read in analytics/config.py"


def test_only_storage_opens_duckdb():
    opened = [p.relative_to(REPO) for p in (REPO / "analytics").rglob("*.py") if "duckdb" in _imports(p)]
    assert opened and all(p.parts[:2] == ("analytics", "storage") for p in opened), opened


# The domains of analytics/ from the bottom up: a domain imports only from those below it (a module at the top of
# analytics/, such as stats.py or verdicts.py, is shared by all and imports none of the domains).
RANKS = {
    "contract": 1, "charts": 1,
    "storage": 2,
    "ingest": 3, "survey": 3,
    "engagement": 4, "social": 4, "plans": 4,
    "demo": 5, "star_chamber": 5, "what_works": 5,
    "scale": 6,
    "pack": 7,
}  # fmt: skip


def _domain(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "analytics" or len(parts) < 2:
        return None
    return parts[1] if (REPO / "analytics" / parts[1]).is_dir() else "top"


def test_every_domain_is_ranked():
    folders = {p.name for p in (REPO / "analytics").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(RANKS), folders ^ set(RANKS)


@pytest.mark.parametrize("path", sorted((REPO / "analytics").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_no_import_runs_back_up_between_domains(path):
    own = _domain(".".join(path.relative_to(REPO).with_suffix("").parts))
    rank = 0 if own == "top" else RANKS[own]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analytics"):
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "analytics" else [node.module]
            for name in names:
                other = _domain(name)
                if other in (None, own, "top"):
                    continue
                assert RANKS[other] < rank, f"{path.relative_to(REPO)} imports {name}: {own} may not use {other}"


OUTSIDE_TESTS = sorted(
    p for p in REPO.rglob("*.py") if not {".venv", "tests", "node_modules"} & set(p.relative_to(REPO).parts)
)


@pytest.mark.parametrize("path", OUTSIDE_TESTS, ids=lambda p: str(p.relative_to(REPO)))
def test_nothing_outside_tests_imports_the_tests(path):
    """The app, the benchmarks and deploy/ run without tests/ (scripts/local_server.py starts their servers)."""
    assert not any(n == "tests" or n.startswith("tests.") for n in _imports(path)), _imports(path)
