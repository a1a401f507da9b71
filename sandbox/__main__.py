"""python -m sandbox: run the Telegram stand-in until interrupted."""

import argparse
import asyncio
import contextlib
import logging

from sandbox.account_methods import is_loopback_host
from sandbox.core import DEFAULT_TOKEN, Sandbox
from sandbox.limits import TELEGRAM_RATE_LIMITS
from sandbox.server import SandboxServer

logger = logging.getLogger("sandbox")


def _user(text: str) -> tuple[int, str, str | None]:
    """Parse ID:FIRST_NAME[:USERNAME]."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit():
        raise argparse.ArgumentTypeError("expected ID:FIRST_NAME[:USERNAME]")
    return int(parts[0]), parts[1], parts[2] if len(parts) == 3 else None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port (0 picks a free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token to accept")
    parser.add_argument("--spec", default=None, help="path to the Bot API api.json")
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="do not enforce Telegram's flood limits"
    )
    parser.add_argument(
        "--user",
        action="append",
        type=_user,
        default=[],
        metavar="ID:FIRST_NAME[:USERNAME]",
        help="register a simulated user (repeatable)",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run until cancelled."""
    sandbox = Sandbox(
        args.token,
        spec_path=args.spec,
        rate_limits=None if args.no_rate_limits else TELEGRAM_RATE_LIMITS,
    )
    for user_id, first_name, username in args.user:
        sandbox.add_user(user_id, first_name, username)
    server = SandboxServer(sandbox, args.host, args.port)
    await server.start()
    if not is_loopback_host(args.host):
        logger.warning("listening on %s: anyone who can reach it can act as any user", args.host)
    print(f"Telegram sandbox on {server.root_url}")
    print(f"  web chat:              {server.root_url}/chat")
    print(f"  bot API base_url:      {sandbox.base_url}")
    print(f"  bot API base_file_url: {sandbox.file_base_url}")
    print(f"  token:                 {sandbox.token}")
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
