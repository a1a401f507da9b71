"""`--committee CODE` on the commands that read one committee's items."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from storage.committees import CommitteeScope
    from storage.models import Committee

# Only typer up front: `cli.main` imports this module when `dondoc --help` starts.

CommitteeOption = Annotated[str | None, typer.Option(
    "--committee", help="Code of the committee (default: the only one)")]
SEVERAL = "Có nhiều Ban Chỉ đạo: hãy chọn một bằng --committee MÃ."


def unknown(code: str) -> str:
    """The sentence for a code no committee has."""
    return f"Không tìm thấy Ban Chỉ đạo mã “{code}”."


async def chosen_committee(code: str | None, *, session: AsyncSession) -> Committee:
    """The committee `--committee` names, the only one without it; else exit 2 with why."""
    from storage.committees import committee_by_code

    found = await committee_by_code(code, session=session)
    if found is None or found.id is None:
        # A usage error, like a bad option: exit 2, one sentence on stderr.
        print(unknown(code) if code else SEVERAL, file=sys.stderr)
        raise typer.Exit(2)
    return found


async def chosen_scope(code: str | None, *, session: AsyncSession) -> CommitteeScope:
    """The scope of the chosen committee (see `chosen_committee`)."""
    from storage.committees import CommitteeScope

    return CommitteeScope((await chosen_committee(code, session=session)).id or 0)


async def several(*, session: AsyncSession) -> bool:
    """Whether the deployment serves more than one committee."""
    from storage.committees import committees

    return len(await committees(session=session)) > 1
