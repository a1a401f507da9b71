"""The parts of the sandbox that bot methods and simulated users share."""

import logging
from dataclasses import dataclass, field
from typing import Any

from sandbox.clock import Clock
from sandbox.files import FileStore
from sandbox.limits import RateLimiter
from sandbox.spec import TypeExpr
from sandbox.updates import UpdateQueue, WebhookSender
from sandbox.validation import ResponseChecker
from sandbox.world import World

JsonDict = dict[str, Any]
logger = logging.getLogger(__name__)


@dataclass
class CallbackQueryRecord:
    """A button press sent to the bot, and how the bot answered it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: JsonDict = field(default_factory=dict)


@dataclass(frozen=True)
class ChatActionRecord:
    """A sendChatAction call ("typing", "upload_document", ...)."""

    chat_id: int
    action: str
    date: int


@dataclass
class SandboxState:
    """Everything the handlers read and change, gathered so modules need not import each other."""

    clock: Clock
    world: World
    files: FileStore
    queue: UpdateQueue
    webhook: WebhookSender
    limiter: RateLimiter | None
    response_checker: ResponseChecker
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JsonDict]] = field(default_factory=dict)
    chat_actions: list[ChatActionRecord] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)

    def now(self) -> int:
        """Unix time for message dates."""
        return int(self.clock.time())

    def push_update(self, kind: str, payload: JsonDict) -> JsonDict | None:
        """Queue an update for the bot after checking it is a valid Update."""
        update = self.queue.push(kind, payload)
        if update is not None:
            self.check_result(("Update",), update, f"{kind} update")
        return update

    def check_result(self, returns: tuple[TypeExpr, ...], result: object, what: str) -> None:
        """Record any way in which the sandbox's own output breaks the specification."""
        for problem in self.response_checker.problems(returns, result, what):
            logger.error("sandbox produced an invalid %s: %s", what, problem)
            self.internal_errors.append(problem)
