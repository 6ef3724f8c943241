"""Tables every domain reads: the districts, and the marks on time axes."""

from __future__ import annotations

from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import ANNOTATION_KINDS

DISTRICTS = Table(
    "districts",
    "One row per policing district.",
    (
        _c("district_id", "VARCHAR", "Stable identifier used in URLs and joins (lower-case slug)."),
        _c("name", "VARCHAR", "Display name of the district."),
        _c("lpa", "VARCHAR", "Local policing area the district belongs to."),
        _c("population", "INTEGER", "Resident population used for per-resident rates.", minimum=1),
        _c("lat", "DOUBLE", "Latitude of the district's centre (WGS84).", minimum=-90, maximum=90),
        _c("lon", "DOUBLE", "Longitude of the district's centre (WGS84).", minimum=-180, maximum=180),
        _c("tile_row", "SMALLINT", "Row of the district on the tile map (0 at the top).", minimum=0),
        _c("tile_col", "SMALLINT", "Column of the district on the tile map (0 at the left).", minimum=0),
        _c(
            "lad_codes",
            "VARCHAR[]",
            "ONS local authority district codes the district covers, so boundary files join by code.",
        ),
    ),
    key=("district_id",),
    sort_by=("district_id",),
)

ANNOTATIONS = Table(
    "annotations",
    "Marks on time axes: events and survey method changes.",
    (
        _c("annotation_id", "VARCHAR", "Identifier of the annotation."),
        _c("start_date", "DATE", "Date it starts.", planned=True),
        _c("end_date", "DATE", "Date it ends (null for a single day).", nullable=True, planned=True),
        _c("district_id", "VARCHAR", "District it applies to (null for the whole force).", nullable=True),
        _c("label", "VARCHAR", "Text shown on the chart."),
        _c("kind", "VARCHAR", "Event, or a method change that breaks trend lines.", enum=ANNOTATION_KINDS),
    ),
    key=("annotation_id",),
    sort_by=("start_date", "annotation_id"),
    optional=True,
    date_column="start_date",
)
