"""Who may do what: focal persons update their own agency's items, the secretariat any."""

from __future__ import annotations


def may_update(role: str, person_agency_id: int | None, assignment_agency_id: int) -> bool:
    """True if this person may record a status for this assignment."""
    if role == "secretariat":
        return True
    return role == "focal" and person_agency_id == assignment_agency_id


def may_administer(role: str) -> bool:
    """True for the secretariat: invites, approvals, imports, reports."""
    return role == "secretariat"
