"""Evidence as the secretariat reads it back: references, and files with where they live."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Evidence, EvidenceFile, FocalPerson, StatusChange


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a reference, or a file (its bytes if dondoc keeps them)."""

    id: int
    assignment_id: int
    reference: str | None
    file_id: str | None
    file_name: str | None
    # The channel the file came in by (its platform may hold it), and the kept bytes if any.
    channel: str | None
    data: bytes | None
    content_type: str | None


async def evidence_of(assignment_ids: Sequence[int], *,
                      session: AsyncSession) -> list[EvidenceItem]:
    """The evidence of these assignments, oldest first."""
    if not assignment_ids:
        return []
    rows = await session.exec(
        select(Evidence, col(StatusChange.assignment_id), col(FocalPerson.channel),
               EvidenceFile)
        .join(StatusChange, col(StatusChange.id) == col(Evidence.status_change_id))
        .outerjoin(FocalPerson, col(FocalPerson.id) == col(StatusChange.focal_person_id))
        .outerjoin(EvidenceFile, col(EvidenceFile.evidence_id) == col(Evidence.id))
        .where(col(StatusChange.assignment_id).in_(list(assignment_ids)))
        .order_by(col(Evidence.id)))
    return [EvidenceItem(proof.id or 0, assignment_id, proof.reference, proof.file_id,
                         proof.file_name, channel, kept.data if kept else None,
                         kept.content_type if kept else None)
            for proof, assignment_id, channel, kept in rows.all()]
