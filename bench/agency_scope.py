"""`CommitteeScope.agencies()` on SQLite against the agencies page's existing open-count query;
one JSON line. Bare tables (only the columns the queries read), random data:

    uv run python -m bench.agency_scope --assignments 1000000

5,000 agencies (the first 50 groups), 47,000 items over 35 committees, assignments with a
random item and agency, 30 % through a random group: an upper bound on how many agencies one
committee reaches (a real province's own are a few hundred).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlmodel import col, select

from storage.committees import CommitteeScope
from storage.models import Agency, Assignment

SCHEMA = """
create table agency(id integer primary key, name text, is_group bool);
create table item(id integer primary key, committee_id int not null);
create index ix_item_committee_id on item(committee_id);
create table assignment(id integer primary key, item_id int, agency_id int, via_group_id int,
  active bool, status text);
create index ix_assignment_agency_id on assignment(agency_id);
create index ix_assignment_item_id on assignment(item_id);
"""


def _timed(db: sqlite3.Connection, query: sa.Executable) -> tuple[int, float]:
    assert isinstance(query, sa.Select)
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    start = time.perf_counter()
    rows = len(db.execute(sql).fetchall())
    return rows, round((time.perf_counter() - start) * 1000, 1)


def main() -> None:
    """Build the tables, time both queries for the default committee and another."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignments", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(57)
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "scope.db")
        db.executescript(SCHEMA)
        db.executemany("insert into agency values (?, ?, ?)",
                       [(i, f"a{i}", i <= 50) for i in range(1, 5001)])
        db.executemany("insert into item values (?, ?)",
                       [(i, 1 + i % 35) for i in range(1, 47001)])
        db.executemany("insert into assignment values (?, ?, ?, ?, 1, 'x')", [
            (i, rng.randint(1, 47000), rng.randint(51, 4900),
             rng.randint(1, 50) if rng.random() < 0.3 else None)
            for i in range(1, args.assignments + 1)])
        db.commit()
        result: dict[str, object] = {"assignments": args.assignments,
                                     "loadavg": os.getloadavg()}
        for committee in (1, 7):
            scope = CommitteeScope(committee)
            result[f"agencies_{committee}"] = _timed(
                db, select(Agency.id).where(scope.agencies()))
            result[f"open_counts_{committee}"] = _timed(db, select(
                Assignment.agency_id, sa.func.count()).where(
                col(Assignment.active), col(Assignment.status) != "done",
                scope.assignments()).group_by(col(Assignment.agency_id)))
        db.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
