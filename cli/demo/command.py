"""`dondoc demo`: the options; the run itself is imported only when the command runs."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from cli.demo.channels import CHANNELS

DATABASE = "dondoc-demo.db"
LOG = "dondoc-demo.log"


def demo_command(
    out: Annotated[Path | None, typer.Option(
        help="Folder for the database, the log and the digest files (default: a new temp "
             "folder)")] = None,
    web: Annotated[bool, typer.Option(
        "--web", help="Afterwards keep the sandbox and the bot running and print the web "
                      "chat's address, until Ctrl-C")] = False,
    port: Annotated[int, typer.Option(help="The sandbox's port (0: any free port)")] = 0,
    channel: Annotated[str, typer.Option(help=f"Chat platform: {', '.join(CHANNELS)}")
                       ] = "telegram",
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the database a previous demo left in --out")] = False,
    committees: Annotated[int, typer.Option(
        "--committees", min=1, max=2,
        help="2: a commune's committee beside the province, in the province's roll-up")] = 1,
) -> None:
    """Run dondoc on a simulated clock against a local chat server: no token, no set-up."""
    if channel not in CHANNELS:
        print(f"Kênh không hỗ trợ: {channel} (có: {', '.join(CHANNELS)})")
        raise typer.Exit(2)
    if out is not None and (out / DATABASE).exists() and not force:
        print(f"{out / DATABASE} đã có (của một lần chạy thử trước): thêm --force để thay bằng "
              "cơ sở dữ liệu mới, hoặc chọn thư mục khác cho --out.", file=sys.stderr)
        raise typer.Exit(1)
    folder = out or Path(tempfile.mkdtemp(prefix="dondoc-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    # The run pulls in the bot, the sandbox and matplotlib: other commands need not wait for them.
    from rich.console import Console

    from cli.demo.run import run_demo
    from sandbox.spec import SpecNotFoundError

    # Logs go to a file: the transcript is the console's.
    logging.basicConfig(filename=folder / LOG, filemode="w", level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    console = Console(highlight=False)
    try:
        outcome = asyncio.run(run_demo(folder.resolve(), console, channel, web, port,
                                     committees))
    except SpecNotFoundError as missing:
        print(f"Không chạy được máy chủ Telegram giả lập: {missing}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    raise typer.Exit(0 if outcome.matches else 1)
