"""The meeting pack rendered: the deck converted by LibreOffice, both PDFs rasterised with pdftoppm; no ink
outside the margins, the PDFs' fonts cover their text, no number split across lines, the funnel's labels
clear of each other and of every point. Every slide and page is saved under artifacts/pack/ to look at.
One LibreOffice conversion per pack (module-scoped), for a demo district and the long-names force."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import vl_convert as vlc
from PIL import Image, ImageFont
from pptx import Presentation
from reportlab.pdfbase.ttfonts import TTFontFile

from analytics.pack import charts as pack_charts
from analytics.pack import funnel as pack_funnel
from analytics.pack import style as pack_style
from analytics.star_chamber import scorecard as star_chamber
from analytics.stats import SuppressionRule
from analytics.survey import trends
from tests.conftest import REPO, in_ci
from tests.pack_fixture import PACKS, ROUND, long_force_db, packs  # noqa: F401 (fixtures)

DPI = 40
RENDERED = ("southend", "long names")  # a demo district and the long-names force: one conversion each
TOOLS = ("soffice", "pdftoppm", "pdffonts", "pdftotext")


def _tools() -> dict[str, str]:
    found = {t: shutil.which(t) for t in TOOLS}
    missing = [t for t, path in found.items() if path is None]
    if missing:
        if in_ci():
            pytest.fail(f"{', '.join(missing)} missing under CI: the test command must install them")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install libreoffice-impress poppler-utils)")
    return found


def _run(args: list[str], timeout: int = 240) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args[0]} failed ({done.returncode}): {done.stderr[-500:]}"
    return done.stdout


@pytest.fixture(scope="module", params=RENDERED)
def rendered(request, packs, tmp_path_factory):  # noqa: F811
    """The pack, LibreOffice's PDF of its deck and our PDF, each page rasterised (and kept in artifacts/)."""
    tools = _tools()
    built = packs[request.param]
    folder = tmp_path_factory.mktemp(re.sub(r"\W", "_", built.label))
    (folder / "pack.pptx").write_bytes(built.pptx)
    (folder / "pack.pdf").write_bytes(built.pdf)
    _run(
        [
            tools["soffice"],
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "lo"),
            str(folder / "pack.pptx"),
        ]
    )
    shots = REPO / "artifacts" / "pack" / built.district
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    pages = {}
    for name, pdf in (("slide", folder / "lo" / "pack.pdf"), ("page", folder / "pack.pdf")):
        _run([tools["pdftoppm"], "-r", str(DPI), "-png", str(pdf), str(shots / name)])
        pages[name] = sorted(shots.glob(f"{name}-*.png"))
    return built, folder, pages


def test_libreoffice_opens_every_slide(rendered):
    built, _, pages = rendered
    count = len(Presentation(io.BytesIO(built.pptx)).slides)
    assert len(pages["slide"]) == count and len(pages["page"]) == count


def test_no_ink_falls_outside_the_margins(rendered):
    """Every pixel within (MARGIN - 4pt) of an edge is white, on every slide LibreOffice drew and every page."""
    _, _, pages = rendered
    band = int((pack_style.MARGIN - 4) / 72 * DPI)
    for path in pages["slide"] + pages["page"]:
        ink = np.asarray(Image.open(path).convert("L")) < 245
        edges = {"top": ink[:band], "bottom": ink[-band:], "left": ink[:, :band], "right": ink[:, -band:]}
        for edge, pixels in edges.items():
            assert not pixels.any(), f"{path.name}: ink in the {edge} margin"


def _fonts(pdf: Path) -> list[dict]:
    lines = _run(["pdffonts", str(pdf)]).splitlines()[2:]
    out = []
    for line in lines:
        cols = line.split()
        out.append({"name": cols[0], "embedded": cols[-5] == "yes"})
    return out


@cache
def _cmap(bold: bool) -> frozenset[int]:
    return frozenset(TTFontFile(str(pack_style.FONT_FILES[bold])).charToGlyph)


def test_pdf_fonts_are_embedded_and_cover_the_text(rendered):
    """Our PDF draws everything in the embedded Liberation Sans; LibreOffice drew the deck with Liberation
    Sans alone (a character it lacked would have come from a fallback font, listed here)."""
    _, folder, _ = rendered
    for pdf in (folder / "pack.pdf", folder / "lo" / "pack.pdf"):
        fonts = _fonts(pdf)
        assert fonts and all(f["embedded"] for f in fonts), f"{pdf}: {fonts}"
        names = {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in fonts}
        assert names <= {"LiberationSans", "LiberationSans-Bold"}, f"{pdf}: fonts other than the pack's: {names}"
        text = _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])
        missing = {c for c in text if c not in "\n\f\r" and ord(c) not in _cmap(False) | _cmap(True)}
        assert not missing, f"{pdf}: characters the fonts lack: {sorted(missing)}"


def test_no_number_is_split_across_lines_in_libreoffice(rendered):
    """Every figure in the deck's tables appears whole in the text of LibreOffice's PDF."""
    built, folder, _ = rendered
    slides = list(Presentation(io.BytesIO(built.pptx)).slides)
    checked = 0
    for i, slide in enumerate(slides, start=1):
        page = _run(["pdftotext", "-f", str(i), "-l", str(i), "-enc", "UTF-8", str(folder / "lo" / "pack.pdf"), "-"])
        words = set(page.split())
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        for token in cell.text.split():
                            if re.search(r"\d", token):
                                assert token in words, f"slide {i}: {token!r} split or missing"
                                checked += 1
    assert checked > 50


@cache
def _label_font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(pack_style.FONT_FILES[bold]), 1000)


def _marks(node, found: dict) -> dict:
    if isinstance(node, dict):
        if node.get("role") == "mark" and node.get("marktype") in ("text", "symbol"):
            found[node["marktype"]] += node.get("items", [])
        for value in node.values():
            _marks(value, found)
    elif isinstance(node, list):
        for value in node:
            _marks(value, found)
    return found


def _overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("label", [label for label, _ in PACKS])
def test_funnel_labels_clear_of_each_other_and_of_every_point(packs, label):  # noqa: F811
    """Drawn by Vega: each label's box (measured with the chart's font) inside the plot, overlapping no other
    label and no point; the presenting district and every district outside the 95% limits named, no other."""
    built = packs[label]
    meeting = star_chamber.meeting(built.db, ROUND, built.district)
    card = star_chamber.survey_scorecard(built.db, meeting, star_chamber.previous_meeting(built.db, meeting))
    points, limits = trends.funnel(
        built.db, card.iloc[0]["question_id"], meeting.review_quarter, rule=SuppressionRule()
    )
    w, h = 700.0, 330.0
    spec, _, _ = pack_funnel.funnel_builder(points, limits, built.content.district)(w, h)
    pack_charts._fonts_registered()  # the chart's font, as the pack draws it
    found = _marks(vlc.vegalite_to_scenegraph(spec)["scenegraph"], {"text": [], "symbol": []})
    labels = [t for t in found["text"] if t.get("text")]
    boxes = []
    for t in labels:
        lines = t["text"] if isinstance(t["text"], list) else str(t["text"]).split("\n")
        size, bold = t["fontSize"], t.get("fontWeight") == "bold"
        width = max(_label_font(bold).getlength(line) for line in lines) * size / 1000
        boxes.append((t["x"], t["y"], t["x"] + width, t["y"] + len(lines) * size * 1.2))
    for box in boxes:
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= w and box[3] <= h, f"label outside the plot: {box}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert _overlap(a, b) == 0, "two labels overlap"
        for s in found["symbol"]:
            r = (s.get("size", 64) / np.pi) ** 0.5 + s.get("strokeWidth", 1) / 2
            assert _overlap(a, (s["x"] - r, s["y"] - r, s["x"] + r, s["y"] + r)) == 0, "a label covers a point"
    named = {" ".join(t["text"]) if isinstance(t["text"], list) else t["text"].replace("\n", " ") for t in labels}
    shown = points[points["pct"].notna()]
    wanted = set(shown.loc[shown["position"] != "within limits", "series_name"]) | {built.content.district}
    assert named == wanted
    bold = {
        t["text"] if isinstance(t["text"], str) else " ".join(t["text"])
        for t in labels
        if t.get("fontWeight") == "bold"
    }
    assert {b.replace("\n", " ") for b in bold} == {built.content.district}, "the presenting district in bold"
