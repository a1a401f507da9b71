"""Local stand-ins for the Telegram and Zalo Bot APIs, for tests, demos and benchmarks."""

from sandbox.clock import Clock, ManualClock, SystemClock
from sandbox.core import (
    DEFAULT_TOKEN,
    ApiCall,
    Sandbox,
    SandboxInternalError,
    SandboxRejectionError,
)
from sandbox.errors import ApiError, SandboxUsageError
from sandbox.limits import TELEGRAM_RATE_LIMITS, Faults, FloodRefusal, RateLimits
from sandbox.server import SandboxServer, running_sandbox
from sandbox.spec import BotApiSpec, load_spec, locate_spec
from sandbox.state import CallbackQueryRecord, ChatActionRecord
from sandbox.users import SimulatedUser
from sandbox.world import Chat, InlineButton, StoredMessage, UserProfile
from sandbox.zalo import ZALO_DEFAULT_TOKEN, ZALO_RATE_LIMITS, ZaloCall, ZaloSandbox
from sandbox.zalo_server import ZaloSandboxServer, running_zalo_sandbox
from sandbox.zalo_users import ZaloUser

__all__ = [
    "DEFAULT_TOKEN",
    "TELEGRAM_RATE_LIMITS",
    "ZALO_DEFAULT_TOKEN",
    "ZALO_RATE_LIMITS",
    "ApiCall",
    "ApiError",
    "BotApiSpec",
    "CallbackQueryRecord",
    "Chat",
    "ChatActionRecord",
    "Clock",
    "Faults",
    "FloodRefusal",
    "InlineButton",
    "ManualClock",
    "RateLimits",
    "Sandbox",
    "SandboxInternalError",
    "SandboxRejectionError",
    "SandboxServer",
    "SandboxUsageError",
    "SimulatedUser",
    "StoredMessage",
    "SystemClock",
    "UserProfile",
    "ZaloCall",
    "ZaloSandbox",
    "ZaloSandboxServer",
    "ZaloUser",
    "load_spec",
    "locate_spec",
    "running_sandbox",
    "running_zalo_sandbox",
]
