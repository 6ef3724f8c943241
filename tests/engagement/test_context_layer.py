"""The anti-social behaviour layer against an independent recomputation (pandas over the same CSV files)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.engagement import boundaries, context_layer
from analytics.ingest import pipeline, policeuk
from analytics.ingest.textfiles import ExportError
from analytics.survey import measures
from tests.conftest import FIXTURES, REPO
from tests.police_uk_files import (
    API_HEADER,
    SNAKE_HEADER,
    api_row,
    street_row,
    write_street_file,
)

ESSEX = "Essex Police"
SAMPLES = FIXTURES / "police_uk"
APRIL_TO_JUNE = (date(2025, 4, 1), date(2025, 6, 30))


def build_folder(root: Path) -> Path:
    """Street files for April and May 2025 (none for June), July outside the quarter, April again in a second
    folder, Kent's May file, and files that are not street files."""
    april = [street_row("2025-04", ESSEX, "Harlow", n=i) for i in range(3)]
    april += [street_row("2025-04", ESSEX, "Chelmsford", n=i) for i in range(2)]
    april += [street_row("2025-04", ESSEX, "Basildon")]
    april += [street_row("2025-04", ESSEX, "Babergh", n=i) for i in range(2)]  # outside the force
    april += [street_row("2025-04", ESSEX, None), street_row("2025-04", ESSEX, None)]  # no location
    april += [street_row("2025-04", ESSEX, "Harlow", crime="Burglary", n=i) for i in range(2)]
    may = [street_row("2025-05", ESSEX, "Southend-on-Sea", n=i) for i in range(4)]
    may += [street_row("2025-05", ESSEX, "Uttlesford"), street_row("2025-05", ESSEX, None)]
    may += [street_row("2025-05", ESSEX, "Colchester", n=i) for i in range(2)]
    may += [street_row("2025-05", ESSEX, "Maidstone")]
    july = [street_row("2025-07", ESSEX, "Harlow", n=i) for i in range(5)]
    kent = [street_row("2025-05", "Kent Police", "Maidstone", n=i) for i in range(3)]
    kent += [street_row("2025-05", "Kent Police", "Harlow")]
    first = write_street_file(root / "2025-04" / "2025-04-essex-street.csv", april)
    write_street_file(root / "2025-05" / "2025-05-essex-street.csv", may)
    write_street_file(root / "2025-07" / "2025-07-essex-street.csv", july)
    write_street_file(root / "2025-05" / "2025-05-kent-street.csv", kent)
    (root / "copy").mkdir()
    shutil.copy(first, root / "copy" / "2025-04-essex-street.csv")
    shutil.copy(
        SAMPLES / "csv_sample_2023-03-bedfordshire-outcomes_first5rows.csv", root / "2025-05-essex-outcomes.csv"
    )
    shutil.copy(
        SAMPLES / "csv_sample_2023-03-bedfordshire-stop-and-search_first5rows.csv",
        root / "2025-05-essex-stop-and-search.csv",
    )
    (root / "README.txt").write_text("downloaded from police.uk\n")
    (root / "budget.csv").write_text("line,amount\nfuel,12\n")
    return root


def recompute(root: Path, months: list[str], force: str = ESSEX) -> dict:
    """The same figures by pandas alone: each street CSV read whole, the force's files, each month of the force
    once (the first file in name order), anti-social behaviour in the months, placed by the LSOA name's local
    authority as the demo's specification lists them."""
    spec = json.loads((REPO / "data" / "demo_force.json").read_text())
    lad_to_district = {lad["name"]: d["district_id"] for d in spec["districts"] for lad in d["lads"]}
    frames, seen = [], set()
    for path in sorted(root.rglob("*-street.csv"), key=lambda p: p.relative_to(root).as_posix()):
        df = pd.read_csv(path, dtype=str)
        df = df[(df["Falls within"] == force) & df["Month"].isin(months)]
        df = df[~df["Month"].isin(seen)]
        seen |= set(df["Month"])
        frames.append(df)
    rows = pd.concat(frames)
    asb = rows[rows["Crime type"] == "Anti-social behaviour"]
    lad = asb["LSOA name"].str.rsplit(" ", n=1).str[0]
    district = lad.map(lad_to_district)
    return {
        "by_district": district.dropna().value_counts().to_dict(),
        "outside": int((lad.notna() & district.isna()).sum()),
        "without_location": int(asb["Longitude"].isna().sum()),
        "covered": sorted(seen),
        "total": len(asb),
    }


@pytest.fixture(scope="module")
def areas(db):
    return boundaries.district_areas(measures.districts(db))


@pytest.fixture
def folder(tmp_path) -> Path:
    return build_folder(tmp_path / "police_uk")


def test_counts_by_district_match_pandas_over_the_same_files(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, *APRIL_TO_JUNE, areas)
    expected = recompute(folder, ["2025-04", "2025-05", "2025-06"])
    assert layer.by_district == expected["by_district"]
    assert layer.by_district["harlow"] == 3, "April once (its copy is not counted again), Kent's row apart"
    assert layer.outside == expected["outside"] == 3
    assert layer.without_location == expected["without_location"] == 3
    # The totals add up to the force's rows: districts + outside + without a location.
    assert layer.incidents(layer.by_district) + layer.outside + layer.without_location == expected["total"] == 19
    # The drawn cells are the located rows of the districts asked for.
    assert layer.cells_for(["harlow"])["incidents"].sum() == 3
    assert layer.cells_for(list(layer.by_district))["incidents"].sum() == sum(expected["by_district"].values())


def test_months_covered_and_missing_are_stated(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, *APRIL_TO_JUNE, areas)
    assert layer.covered == recompute(folder, ["2025-04", "2025-05", "2025-06"])["covered"] == ["2025-04", "2025-05"]
    assert layer.coverage_text() == "2 of 3 months (no file for Jun 2025)"
    assert layer.files_read == [
        "2025-04/2025-04-essex-street.csv",
        "2025-05/2025-05-essex-street.csv",
        "2025-05/2025-05-kent-street.csv",
        "copy/2025-04-essex-street.csv",
    ], "July's file is outside the quarter and is not counted as read"
    assert layer.other_months == 1


def test_a_quarter_with_no_file_is_missing_never_zero(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, date(2025, 10, 1), date(2025, 12, 31), areas)
    assert layer.covered == [] and layer.files_read == []
    assert layer.coverage_text() == "0 of 3 months (no file for Oct 2025, Nov 2025, Dec 2025)"


def test_the_same_month_read_twice_is_counted_once_with_a_note(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, *APRIL_TO_JUNE, areas)
    assert layer.duplicates == [
        "Apr 2025 of Essex Police is in both 2025-04/2025-04-essex-street.csv and copy/2025-04-essex-street.csv: "
        "counted once."
    ]


def test_another_forces_file_is_counted_apart(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, *APRIL_TO_JUNE, areas)
    assert layer.force == ESSEX
    assert layer.other_forces == {"Kent Police": 4}, "Kent's row in Harlow is not Essex's"


def test_files_not_read_are_listed_with_the_reason(folder, areas):
    layer = context_layer.anti_social_behaviour(folder, *APRIL_TO_JUNE, areas)
    reasons = dict(layer.files_not_read)
    assert set(reasons) == {
        "2025-05-essex-outcomes.csv",
        "2025-05-essex-stop-and-search.csv",
        "README.txt",
        "budget.csv",
    }
    assert reasons["2025-05-essex-outcomes.csv"].startswith("an outcomes file")
    assert reasons["2025-05-essex-stop-and-search.csv"].startswith("a stop-and-search file")
    assert reasons["README.txt"] == "not a CSV file"
    assert "unknown layout" in reasons["budget.csv"]


def test_the_snake_case_header_and_the_api_form_are_read(tmp_path, areas):
    rows = [street_row("2025-04", ESSEX, "Harlow", n=i) for i in range(2)] + [street_row("2025-04", ESSEX, None)]
    write_street_file(tmp_path / "snake" / "2025-04-essex-street.csv", rows, header=SNAKE_HEADER)
    snake = context_layer.anti_social_behaviour(tmp_path / "snake", *APRIL_TO_JUNE, areas)
    assert snake.by_district == {"harlow": 2} and snake.without_location == 1
    # The API's flattened extract has no LSOA: each point is placed by the district outline it falls in.
    api = [api_row("2025-05", "Harlow"), api_row("2025-05", "Basildon"), api_row("2025-05", "Maidstone")]
    api += [api_row("2025-05", "Harlow", category="burglary")]
    write_street_file(tmp_path / "api" / "colchester-extract.csv", api, header=API_HEADER)
    got = context_layer.anti_social_behaviour(tmp_path / "api", *APRIL_TO_JUNE, areas)
    assert got.by_district == {"harlow": 1, "basildon": 1} and got.outside == 1
    assert got.covered == ["2025-05"]


def test_the_real_published_sample_is_read_as_it_is(tmp_path, areas):
    shutil.copy(
        SAMPLES / "csv_sample_2023-03-bedfordshire-street_first5rows.csv", tmp_path / "2023-03-bedfordshire-street.csv"
    )
    layer = context_layer.anti_social_behaviour(tmp_path, date(2023, 1, 1), date(2023, 3, 31), areas)
    assert layer.files_read == ["2023-03-bedfordshire-street.csv"] and layer.files_not_read == []
    assert layer.covered == ["2023-03"] and layer.by_district == {}


@pytest.mark.parametrize(
    ("sample", "words"),
    [
        ("csv_sample_2023-03-bedfordshire-outcomes_first5rows.csv", "outcomes file"),
        ("csv_sample_2023-03-bedfordshire-stop-and-search_first5rows.csv", "stop-and-search file"),
        ("csv_sample_2023-03-bedfordshire-street_first5rows.csv", "street-level crime file"),
    ],
)
def test_an_upload_of_a_police_uk_file_is_told_where_it_belongs(sample, words):
    raw = (SAMPLES / sample).read_bytes()
    with pytest.raises(ExportError) as refused:
        pipeline.analyse(raw, sample, "engagement_events")
    assert words in str(refused.value) and policeuk.FOLDER_SETTING in str(refused.value)
