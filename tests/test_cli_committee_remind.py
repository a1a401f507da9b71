"""`dondoc remind --dry-run` gives each line the reason of its own committee's policy."""

from __future__ import annotations

from tests.test_cli_remind import database, imported, invoke  # noqa: F401 (fixtures)


def test_the_dry_runs_reasons_follow_the_committees_own_policy(imported):  # noqa: F811
    before = invoke("remind", "--dry-run", "--today", "2025-09-29")
    assert "báo khi quá hạn từ 10 ngày làm việc, các lần báo cách nhau ít nhất 10" in before.output
    assert invoke("committee", "set", "bcd", "--escalate-after", "3", "--escalate-every",
                  "4").exit_code == 0
    after = invoke("remind", "--dry-run", "--today", "2025-09-29")
    assert after.exit_code == 0, after.output
    assert "báo khi quá hạn từ 3 ngày làm việc, các lần báo cách nhau ít nhất 4" in after.output
    assert "từ 10 ngày" not in after.output
