"""Online backups of a SQLite database (PostgreSQL's are pg_dump's): `python -m storage.backup`."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page (SQLite's online backup API; writers go on)."""
    if target.exists():
        raise FileExistsError(f"{target} exists: a backup never overwrites")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)
    finally:
        dst.close()
        src.close()


def main(argv: list[str]) -> int:
    """`python -m storage.backup SOURCE.db TARGET.db`."""
    if len(argv) != 2:
        print("usage: python -m storage.backup SOURCE.db TARGET.db", file=sys.stderr)
        return 2
    backup_sqlite(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
