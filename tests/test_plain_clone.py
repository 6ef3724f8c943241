"""A plain clone is complete: nothing reads a folder beside the repository, every sample file the tests read
is in tests/fixtures/ with its source and licence, and the documents the README cites are in the repository."""

import re
from pathlib import Path

from analytics.ingest.social.layouts import LAYOUTS, norm

REPO = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve()

# The developers keep a reference folder beside the clone; a user's clone has none. Its name is held once, here, and
# the pattern is built from it: the ways code or text has reached it.
BESIDE = "shared"
_N = re.escape(BESIDE)
OUTSIDE = re.compile(
    rf"\.\./{_N}\b"  # a relative path
    rf"|\b{_N}/reference\b"  # its reference files, from anywhere
    rf"|(?:\.parent|\.parents\[\d+\])\s*/\s*[\"']{_N}\b"  # pathlib: REPO.parent / the folder
    rf"|\.\.[\"']\)?\s*[,/]\s*[\"']{_N}\b"  # os.path.join("..", the folder), Path("..") / the folder
)
SCANNED = ("analytics", "ui", "app_pages", "scripts", "tests", "bench", "deploy", "docs", ".ci")
TEXT = {".py", ".sh", ".md", ".toml", ".txt", ".cfg", ".ini", ".json", ".csv", ".conf", ".service", ""}


def _scanned_files() -> list[Path]:
    files = [REPO / "app.py", REPO / "Makefile", REPO / "README.md", REPO / "pyproject.toml", REPO / "data/README.md"]
    for folder in SCANNED:
        files += [
            p
            for p in (REPO / folder).rglob("*")
            if p.is_file() and p.suffix in TEXT and "node_modules" not in p.parts and "__pycache__" not in p.parts
        ]
    return [p for p in files if p.resolve() != THIS]


def test_the_pattern_finds_each_way_of_reaching_the_folder_beside_the_clone():
    for line in (
        f'SHARED = REPO.parent / "{BESIDE}"',
        f'Path(__file__).resolve().parents[2] / "{BESIDE}/reference/boundaries/x.geojson"',
        f"column lists in `{BESIDE}/reference/social_media/EXPORT_LAYOUTS.md`",
        f'open("../{BESIDE}/reference/README.md")',
        f'os.path.join("..", "{BESIDE}", "reference")',
    ):
        assert OUTSIDE.search(line), line
    for line in (f'{BESIDE} = tmp_path / "{BESIDE}"', "the shared filters", "a shared link", "shared scales"):
        assert not OUTSIDE.search(line), line


def test_no_code_test_or_document_refers_to_the_folder_beside_the_clone():
    files = _scanned_files()
    assert REPO / "tests" / "conftest.py" in files and REPO / "analytics" / "ingest" / "social" / "layouts.py" in files
    found = [
        f"{p.relative_to(REPO)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not found, "a user's clone has no folder beside it; use tests/fixtures/ or docs/:\n" + "\n".join(found)


def test_every_fixture_is_listed_with_its_source_and_licence():
    fixtures = REPO / "tests" / "fixtures"
    readme = (fixtures / "README.md").read_text(encoding="utf-8")
    files = [p for p in fixtures.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(files) >= 4, "the police.uk samples the tests read are here"
    for path in files:
        row = next((line for line in readme.splitlines() if f"`{path.name}`" in line), None)
        assert row is not None, f"tests/fixtures/{path.relative_to(fixtures)} is not in tests/fixtures/README.md"
    assert "Open Government Licence v3.0" in readme
    for source in ("adamayoung/police-data-kit", "AlexRaudvee/JBG050_Group_8"):
        assert source in readme


def test_the_export_layouts_document_names_every_column_the_importer_reads():
    doc = (REPO / "docs" / "social_media_exports.md").read_text(encoding="utf-8")
    written = {norm(name) for name in re.findall(r"`([^`]+)`", doc)}
    for layout in LAYOUTS:
        names = {n for aliases in layout.fields.values() for n in aliases} | set(layout.signature)
        # The layouts hold names as they are matched (the importer ignores case, spaces and punctuation).
        missing = sorted(n for n in names if norm(n) not in written)
        assert not missing, f"docs/social_media_exports.md does not name {missing} ({layout.title})"


def test_links_in_the_documents_lead_to_files_in_the_repository():
    documents = [REPO / "README.md", REPO / "data" / "README.md", REPO / "tests" / "fixtures" / "README.md"]
    documents += sorted((REPO / "docs").glob("*.md"))
    broken = []
    for doc in documents:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            if re.match(r"^(https?:|mailto:|#)", target):
                continue
            if not (doc.parent / target.split("#")[0]).exists():
                broken.append(f"{doc.relative_to(REPO)} -> {target}")
    assert not broken, broken
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/social_media_exports.md)" in readme
