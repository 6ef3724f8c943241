"""Run-time settings, declared once (name, default, meaning, check) and read from the environment.

Every setting the app reads is in ``SETTINGS``; nothing else reads the environment for them. They
are checked together: a value that cannot be used is refused with a message naming the variable
(``SettingsError``), and a contradiction that has a safe reading (a flag threshold below the
suppression threshold) is corrected with a logged warning. The README's settings table is generated
from this list (``settings_table``) and a test keeps the two the same. No Streamlit here.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR_ENV = "ENGAGEMENT_DATA_DIR"
_log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """One or more settings cannot be used; the message names each variable and what it needs."""


def default_demo_dir() -> Path:
    """Where the embedded demo data set lives (generated on first run)."""
    return PROJECT_ROOT / "data" / "demo"


def _whole_number(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("a whole number such as 50") from None
    if value < 0:
        raise ValueError("a whole number of 0 or more")
    return value


def _memory(raw: str) -> str:
    # DuckDB's own syntax (512MB, 1GB, 2 GiB); checked here so a typo is named, not an engine error.
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", raw, re.IGNORECASE):
        raise ValueError("a size such as 1GB or 512MB")
    return raw


def _switch(raw: str) -> bool:
    value = raw.lower()
    if value not in ("on", "off", "1", "0", "true", "false", "yes", "no"):
        raise ValueError("on or off")
    return value in ("on", "1", "true", "yes")


def _path(raw: str) -> Path:
    return Path(raw).expanduser().resolve()


def _text(raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Setting:
    """One environment variable: its attribute on ``Settings``, default (None: unset), meaning and check."""

    name: str
    attribute: str
    default: str | None
    meaning: str
    parse: Callable[[str], Any] = _text
    shown_default: str = ""

    def default_text(self) -> str:
        return self.shown_default or (f"`{self.default}`" if self.default is not None else "unset")


SETTINGS: tuple[Setting, ...] = (
    Setting(DATA_DIR_ENV, "data_dir", None, "folder of Parquet files", _path, "`data/demo`"),
    Setting("ENGAGEMENT_SUPPRESS_BELOW", "suppress_below", "50", "bases below this are never shown", _whole_number),
    Setting(
        "ENGAGEMENT_FLAG_BELOW",
        "flag_below",
        "100",
        "bases below this are flagged (at least the suppression threshold: a lower value is raised to it, with a "
        "warning in the server log)",
        _whole_number,
    ),
    Setting("ENGAGEMENT_MEMORY_LIMIT", "memory_limit", "1GB", "DuckDB memory limit", _memory),
    Setting(
        "ENGAGEMENT_ENGINE",
        "use_engine",
        "on",
        "`off` reads the Parquet files directly instead of the engine file (see [docs/scaling.md](docs/scaling.md))",
        _switch,
    ),
    Setting(
        "ENGAGEMENT_MAP_STYLE",
        "map_style",
        None,
        "optional base-map style URL on a tile service of your own (MapLibre style JSON); without it the map has a "
        "plain background and fetches nothing",
    ),
    Setting(
        "ENGAGEMENT_POLICE_UK_DIR",
        "police_uk_dir",
        None,
        "optional folder of police.uk street-level crime CSV files (`YYYY-MM-<force>-street.csv`, the public monthly "
        "downloads, or the API's flattened extract; [docs/police_uk_formats.md](docs/police_uk_formats.md)); the "
        "activity map then shows anti-social behaviour by district beside engagement, with the months covered, and "
        "lists every file it does not read",
        _path,
    ),
    Setting(
        "ENGAGEMENT_BOUNDARIES",
        "boundaries",
        None,
        "optional GeoJSON of local authority districts (ONS `LAD..CD` codes, or names) drawn as district outlines on "
        "the activity map, grouped by each district's `lad_codes`; without it the map draws the ONS outlines shipped "
        "in `data/boundaries/` (England; a Welsh force points this at the ONS download)",
        _path,
    ),
)


@dataclass(frozen=True)
class Settings:
    """Settings for one app process, checked."""

    data_dir: Path
    using_default_demo: bool
    memory_limit: str = "1GB"
    # ENGAGEMENT_ENGINE=off reads the Parquet files directly (for comparison, or a folder that cannot be written).
    use_engine: bool = True
    suppress_below: int = 50
    flag_below: int = 100
    map_style: str | None = None
    police_uk_dir: Path | None = None
    boundaries: Path | None = None
    corrections: tuple[str, ...] = field(default=())  # contradictions corrected, as logged


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The checked settings from the environment; raises SettingsError naming every variable that cannot be used."""
    env = os.environ if environ is None else environ
    settings = _load(tuple((s.name, env.get(s.name, "").strip()) for s in SETTINGS))
    # The demo folder is looked up on every call (not cached with the parsed values): it may move.
    return replace(settings, data_dir=default_demo_dir()) if settings.using_default_demo else settings


@lru_cache(maxsize=16)
def _load(raw: tuple[tuple[str, str], ...]) -> Settings:
    # Cached on the variables' values, so a contradiction is logged once per configuration, not on every run.
    given = dict(raw)
    values: dict[str, Any] = {}
    problems = []
    for s in SETTINGS:
        text = given.get(s.name) or s.default
        if text is None:
            values[s.attribute] = None
            continue
        try:
            values[s.attribute] = s.parse(text)
        except ValueError as exc:
            problems.append(f"{s.name} is {text[:60]!r} but must be {exc}")
    if problems:
        raise SettingsError("; ".join(problems) + ".")
    corrections = []
    if values["flag_below"] < values["suppress_below"]:
        corrections.append(
            f"ENGAGEMENT_FLAG_BELOW ({values['flag_below']}) is below ENGAGEMENT_SUPPRESS_BELOW "
            f"({values['suppress_below']}); using {values['suppress_below']} for both, so nothing shown is flagged. "
            "Set ENGAGEMENT_FLAG_BELOW to at least ENGAGEMENT_SUPPRESS_BELOW."
        )
        values["flag_below"] = values["suppress_below"]
    for message in corrections:
        _log.warning("settings corrected: %s", message)
    using_default = values["data_dir"] is None
    if using_default:
        values["data_dir"] = Path()  # filled by load_settings
    return Settings(using_default_demo=using_default, corrections=tuple(corrections), **values)


def settings_table() -> str:
    """The README's settings table, generated from ``SETTINGS``."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {s.default_text()} | {s.meaning} |" for s in SETTINGS]
    return "\n".join(rows)
