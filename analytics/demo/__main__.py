"""``python -m analytics.demo [OUT_DIR]``: write the synthetic demo data set."""

import argparse
import time
from pathlib import Path

from analytics.config import default_demo_dir
from analytics.demo import is_current, write_demo
from analytics.demo.spec import DEFAULT_SEED


def main() -> None:
    """Parse arguments and build the demo data set."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out_dir", nargs="?", type=Path, default=default_demo_dir())
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when the data set is already there (and written for this data contract)",
    )
    args = ap.parse_args()
    if args.if_missing and is_current(args.out_dir):
        return
    print(f"Generating the synthetic demo data into {args.out_dir} (a few seconds)...", flush=True)
    t = time.perf_counter()
    write_demo(args.out_dir, seed=args.seed)
    print(f"synthetic demo data written to {args.out_dir} in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
