"""Run-time configuration read from the environment (no Streamlit here)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR_ENV = "ENGAGEMENT_DATA_DIR"


def default_demo_dir() -> Path:
    """Where the embedded demo data set lives (generated on first run)."""
    return PROJECT_ROOT / "data" / "demo"


@dataclass(frozen=True)
class Settings:
    """Settings for one app process."""

    data_dir: Path
    using_default_demo: bool
    memory_limit: str = "1GB"
    # ENGAGEMENT_ENGINE=off reads the Parquet files directly (for comparison, or a folder that cannot be written).
    use_engine: bool = True


def load_settings() -> Settings:
    """Settings from the environment: ENGAGEMENT_DATA_DIR, ENGAGEMENT_MEMORY_LIMIT and ENGAGEMENT_ENGINE."""
    raw = os.environ.get(DATA_DIR_ENV, "").strip()
    data_dir = Path(raw).expanduser().resolve() if raw else default_demo_dir()
    return Settings(
        data_dir=data_dir,
        using_default_demo=not raw,
        memory_limit=os.environ.get("ENGAGEMENT_MEMORY_LIMIT", "1GB"),
        use_engine=os.environ.get("ENGAGEMENT_ENGINE", "on").strip().lower() not in ("off", "0", "false", "no"),
    )
