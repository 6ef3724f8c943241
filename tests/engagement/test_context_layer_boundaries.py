"""District outlines with no setting (the shipped ONS files), by code or by name, and ENGAGEMENT_BOUNDARIES."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.engagement import boundaries
from analytics.survey import measures
from tests.conftest import BOUNDARIES


@pytest.fixture(scope="module")
def districts(db):
    return measures.districts(db)


def _lads(areas) -> dict[str, str]:
    return {f["properties"]["lad_name"]: f["properties"]["district_id"] for f in areas.outlines["features"]}


def test_the_demo_draws_its_14_local_authorities_with_no_setting(districts):
    areas = boundaries.district_areas(districts)
    assert areas.sources == ["essex_lad_2024_buc.geojson"], "every Essex code is in the coded file"
    lads = _lads(areas)
    assert len(lads) == 14 and not areas.without_outline and not areas.notes
    assert lads["Uttlesford"] == lads["Braintree"] == "braintree_uttlesford"
    assert lads["Southend-on-Sea"] == "southend"


def test_an_english_force_without_codes_in_a_file_is_joined_by_name(districts):
    force = pd.DataFrame(
        {
            "district_id": ["leeds", "bradford_calderdale", "nowhere"],
            "name": ["Leeds", "Bradford and Calderdale", "Central"],
            "lad_codes": [["E08000035"], ["E08000032", "E08000033"], ["E08000099"]],
        }
    )
    areas = boundaries.district_areas(force)
    assert areas.sources == ["england_lad_2024_buc_names.geojson"]
    assert _lads(areas) == {"Leeds": "leeds", "Bradford": "bradford_calderdale", "Calderdale": "bradford_calderdale"}
    assert areas.without_outline == ["Central"]
    assert "No outline for Central" in areas.notes[0]
    assert boundaries.WELSH_ADVICE not in areas.notes


def test_a_welsh_force_is_told_how_to_point_at_the_ons_download():
    force = pd.DataFrame({"district_id": ["cardiff"], "name": ["Cardiff"], "lad_codes": [["W06000015"]]})
    areas = boundaries.district_areas(force)
    assert areas.outlines is None
    assert boundaries.WELSH_ADVICE in areas.notes and "ENGAGEMENT_BOUNDARIES" in boundaries.WELSH_ADVICE


def test_engagement_boundaries_overrides_the_shipped_files(districts, tmp_path):
    fc = json.loads(BOUNDARIES.read_text())
    fc["features"] = [f for f in fc["features"] if f["properties"]["LAD24NM"] in ("Harlow", "Thurrock")]
    own = tmp_path / "own.geojson"
    own.write_text(json.dumps(fc))
    areas = boundaries.district_areas(districts, own)
    assert areas.sources == ["own.geojson"]
    assert _lads(areas) == {"Harlow": "harlow", "Thurrock": "thurrock"}
    assert len(areas.without_outline) == 8


@pytest.mark.parametrize("content", [None, "{not json", '{"features": 3}'])
def test_a_missing_or_broken_setting_is_said_and_the_shipped_outlines_drawn(districts, tmp_path, content):
    path = tmp_path / "bad.geojson"
    if content is not None:
        path.write_text(content)
    areas = boundaries.district_areas(districts, path)
    assert len(areas.outlines["features"]) == 14
    assert areas.notes and "bad.geojson" in areas.notes[0] and "ENGAGEMENT_BOUNDARIES" in areas.notes[0]


def test_places_by_local_authority_name_and_by_point(districts):
    areas = boundaries.district_areas(districts)
    lsoa = pd.Series(["Basildon 001A", "Southend-on-Sea 012C", "Babergh 003B", None, "Castle Point 004D"])
    got = areas.district_of_lad_name(boundaries.lad_name_of_lsoa(lsoa))
    assert list(got) == ["basildon", "southend", None, None, "castle_point_rochford"]
    lon, lat = np.array([0.11, 0.95, 0.90]), np.array([51.77, 52.05, 51.89])
    assert list(areas.district_of_point(lon, lat)) == ["harlow", None, "colchester"]
