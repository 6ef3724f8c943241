"""``python -m analytics.scale --out DIR [--events N] [--survey-rows N] [--seed S]``: write the scale data set."""

import argparse
import time
from pathlib import Path

from analytics.scale import DEFAULT_EVENTS, DEFAULT_SEED, DEFAULT_SURVEY_ROWS, write_scale


def main() -> None:
    """Parse arguments and build the scale data set."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="data folder to write (replaced if it exists)")
    ap.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="rows of engagement_events")
    ap.add_argument(
        "--survey-rows", type=int, default=DEFAULT_SURVEY_ROWS, help="rows of survey_responses (a multiple of 5)"
    )
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    t = time.perf_counter()
    try:
        rows = write_scale(args.out, args.events, args.survey_rows, args.seed)
    except ValueError as exc:
        ap.error(str(exc))
    for name, n in rows.items():
        print(f"{name:24} {n:>12,}")
    print(f"synthetic scale data written to {args.out} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
