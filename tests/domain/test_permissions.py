"""Roles: a committee leader reads everything and changes nothing."""

import pytest

from domain.permissions import may_administer, may_read_all, may_update


@pytest.mark.parametrize(("role", "reads", "administers", "updates_own", "updates_other"), [
    ("secretariat", True, True, True, True),
    ("committee", True, False, False, False),
    ("leader", False, False, False, False),
    ("focal", False, False, True, False),
])
def test_roles(role, reads, administers, updates_own, updates_other):
    assert may_read_all(role) is reads
    assert may_administer(role) is administers
    assert may_update(role, 1, 1) is updates_own
    assert may_update(role, 1, 2) is updates_other
