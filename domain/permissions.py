"""Who may do what: focal persons update their own agency's items, the secretariat any; the
committee's leaders (Trưởng/Phó Trưởng ban) read everything and change nothing."""

from __future__ import annotations

COMMITTEE = "committee"
# Roles that change nothing: an agency's leader, a committee leader.
READ_ONLY = frozenset({"leader", COMMITTEE})


def may_update(role: str, person_agency_id: int | None, assignment_agency_id: int) -> bool:
    """True if this person may record a status for this assignment."""
    if role == "secretariat":
        return True
    return role == "focal" and person_agency_id == assignment_agency_id


def may_administer(role: str) -> bool:
    """True for the secretariat: invites, approvals, imports, reports."""
    return role == "secretariat"


def may_read_all(role: str) -> bool:
    """True for who may read every agency's figures (/tongquan, /quahan, /coquan)."""
    return role in ("secretariat", COMMITTEE)
