"""`dondoc demo`: the whole follow-up cycle on a simulated clock, with no token and no set-up."""

from cli.demo.command import demo_command

__all__ = ["demo_command"]
