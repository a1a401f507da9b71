"""The sandbox: one stand-in Telegram with its bot, users, limits and faults."""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sandbox.account_methods import AccountMethods, commands_key
from sandbox.clock import Clock, SystemClock
from sandbox.errors import ApiError, JsonDict, bad_request, not_found, success, unauthorized
from sandbox.files import FileStore
from sandbox.limits import TELEGRAM_RATE_LIMITS, Faults, FloodRefusal, RateLimiter, RateLimits
from sandbox.message_methods import Handler, MessageMethods, request_record
from sandbox.quirks import Quirks
from sandbox.spec import BotApiSpec, TypeExpr, load_spec
from sandbox.state import CallbackQueryRecord, ChatActionRecord, SandboxState
from sandbox.updates import UpdateQueue, WebhookSender
from sandbox.users import SimulatedUser
from sandbox.validation import RequestValidator, ResponseChecker
from sandbox.world import Chat, StoredMessage, UserProfile, World

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "1234567890:SANDBOX-dondoc-0123456789abcdefghij"
# Errors that mean the request itself was wrong, as opposed to platform state or faults.
REJECTION_CODES = frozenset({400, 401, 404})


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made and how the sandbox answered."""

    method: str
    params: JsonDict
    error_code: int | None
    description: str | None
    at: float = 0.0  # the sandbox clock's monotonic seconds when the answer was given


class SandboxRejectionError(AssertionError):
    """The bot sent requests Telegram would have rejected."""


class SandboxInternalError(AssertionError):
    """The sandbox itself answered with data that breaks the specification."""


class Sandbox:
    """A local Bot API: request handling, simulated users, limits, faults and records."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        spec: BotApiSpec | None = None,
        spec_path: str | Path | None = None,
        rate_limits: RateLimits | None = TELEGRAM_RATE_LIMITS,
        clock: Clock | None = None,
        bot_name: str = "dondoc",
        bot_username: str = "dondoc_bot",
        check_responses: bool = True,
        webhook_retry_delay: float = 0.1,
        webhook_max_retry_delay: float = 5.0,
        webhook_connections: int = 1,
        call_log_size: int = 10_000,
    ) -> None:
        self.token = token
        self.spec = spec if spec is not None else load_spec(spec_path)
        self.clock: Clock = clock or SystemClock()
        self.faults = Faults()
        self.quirks = Quirks()
        bot_id_text, _, secret = token.partition(":")
        if not bot_id_text.isdigit() or not secret:
            raise ValueError("a bot token looks like <bot id>:<secret>, e.g. 123456:ABC-def")
        bot_id = int(bot_id_text)
        bot = UserProfile(bot_id, bot_name, username=bot_username, is_bot=True)
        queue = UpdateQueue()
        self.state = SandboxState(
            clock=self.clock,
            world=World(bot),
            files=FileStore(),
            queue=queue,
            webhook=WebhookSender(queue, self.clock, webhook_retry_delay, webhook_max_retry_delay,
                                  connections=webhook_connections),
            limiter=RateLimiter(rate_limits, self.clock) if rate_limits else None,
            response_checker=ResponseChecker(self.spec),
        )
        self.calls: deque[ApiCall] = deque(maxlen=call_log_size)
        self.rejections: list[ApiCall] = []
        self.base_url = ""
        self.file_base_url = ""
        self._validator = RequestValidator(self.spec)
        self._check_responses = check_responses
        self._handlers: dict[str, Handler] = {
            **MessageMethods(self.state).handlers(),
            **AccountMethods(self.state).handlers(),
        }
        self._users: dict[int, SimulatedUser] = {}
        self._closing = asyncio.Event()
        self._webhook_task: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start_background(self) -> None:
        """Start webhook delivery; needs a running event loop."""
        if self._webhook_task is None:
            self._webhook_task = asyncio.get_running_loop().create_task(self.state.webhook.run())

    async def close(self) -> None:
        """Release held requests and pollers and stop webhook delivery."""
        self._closing.set()
        self.state.queue.close()
        self.state.webhook.close()
        if self._webhook_task is not None:
            # A delivery may be waiting on a slow receiver; nothing is lost by cutting it short.
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None

    # --- the Bot API -----------------------------------------------------------------------

    async def call(
        self, token: str, method_name: str, params: Mapping[str, object]
    ) -> tuple[int, JsonDict]:
        """Answer one Bot API request: HTTP status and Telegram's JSON envelope."""
        method = self.spec.method(method_name)
        if method is not None and self.quirks.lacks(method.name):
            method = None
        name = method.name if method else method_name
        try:
            self._check_token(token)
            if method is None:
                odd = self.quirks.unknown_method_answer()
                if odd is not None:
                    self._record(name, params, ApiError(odd[0], odd[1]["description"]))
                    return odd
                raise not_found()
            if name == "getUpdates" and self.quirks.poll_ignores_timeout:
                params = {**params, "timeout": 0}
            result = await self._run(name, method.returns, params)
        except ApiError as error:
            self._record(name, params, error)
            return error.error_code, error.envelope()
        except Exception as crash:
            # A crash is a sandbox bug: answer like Telegram's 500 and make the test fail.
            logger.exception("sandbox crashed handling %s", name)
            self.state.internal_errors.append(f"{name} crashed: {crash!r}")
            failure = ApiError(500, "Internal Server Error")
            self._record(name, params, failure)
            return failure.error_code, failure.envelope()
        self._record(name, params, None)
        return 200, success(self.quirks.dates(result))

    async def _run(
        self, name: str, returns: tuple[TypeExpr, ...], params: Mapping[str, object]
    ) -> object:
        delay = self.faults.take_delay(name)
        if delay > 0:
            await self._pause(delay)
        hold = self.faults.take_hold(name)
        if hold is not None and not hold.executed:
            await self._pause(hold.seconds)
            raise ApiError(504, "Gateway Timeout")
        injected = self.faults.take_error(name)
        if injected is not None:
            raise injected
        method = self.spec.methods[name]
        checked = self._validator.validate(method, params)
        handler = self._handlers.get(name)
        if handler is None:
            raise bad_request(f"method {name} is not supported by the sandbox")
        result = await handler(checked)
        if self._check_responses:
            self.state.check_result(returns, result, f"{name} result")
        if hold is not None:
            await self._pause(hold.seconds)
        return result

    def _check_token(self, token: str) -> None:
        if token == self.token:
            return
        bot_id, _, secret = token.partition(":")
        if bot_id.isdigit() and secret:
            raise unauthorized()
        raise not_found()

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the sandbox shuts down."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _record(self, method: str, params: Mapping[str, object], error: ApiError | None) -> None:
        call = ApiCall(
            method=method,
            params=request_record(dict(params)),
            error_code=error.error_code if error else None,
            description=error.description if error else None,
            at=self.clock.monotonic(),
        )
        self.calls.append(call)
        if error is not None and error.error_code in REJECTION_CODES:
            logger.warning("sandbox rejected %s: %s %s", method, error.description, call.params)
            self.rejections.append(call)

    # --- simulated people and chats ----------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = "vi",
        started: bool = True,
    ) -> SimulatedUser:
        """Register a person; with started=False the bot may not write first (403)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        profile = UserProfile(user_id, first_name, username, last_name, language_code)
        self.state.world.add_user(profile, started=started)
        user = SimulatedUser(self.state, profile)
        self._users[user_id] = user
        return user

    def user(self, user_id: int) -> SimulatedUser:
        """The simulated user with this id."""
        try:
            return self._users[user_id]
        except KeyError:
            raise KeyError(f"no simulated user {user_id}; call add_user first") from None

    @property
    def users(self) -> list[SimulatedUser]:
        """Every simulated user, in registration order."""
        return list(self._users.values())

    def add_group(self, chat_id: int, title: str, username: str | None = None) -> Chat:
        """Register a group chat (negative id) that the bot belongs to."""
        return self.state.world.add_group(chat_id, title, username)

    def chat(self, chat_id: int) -> Chat:
        """A chat with all its messages, both sides."""
        return self.state.world.chats[chat_id]

    # --- what tests read -------------------------------------------------------------------

    @property
    def supported_methods(self) -> set[str]:
        """Bot API methods the sandbox implements; others are refused with a 400."""
        return set(self._handlers)

    @property
    def bot(self) -> UserProfile:
        """The bot's own account."""
        return self.state.world.bot

    def bot_messages(self, chat_id: int | None = None) -> list[StoredMessage]:
        """Messages the bot sent (to one chat or anywhere), oldest first."""
        return self.state.world.bot_messages(chat_id)

    def last_bot_message(self, chat_id: int) -> StoredMessage | None:
        """The newest message the bot sent to a chat."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    async def wait_for_bot_messages(
        self, chat_id: int | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[StoredMessage]:
        """Wait until the bot has sent at least `count` messages (to chat_id, or anywhere)."""
        await self.state.world.wait_until(lambda: len(self.bot_messages(chat_id)) >= count, timeout)
        return self.bot_messages(chat_id)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until condition() holds after some change in the sandbox (or TimeoutError)."""
        await self.state.world.wait_until(condition, timeout)

    async def wait_for_callback_answer(
        self, query: CallbackQueryRecord, timeout: float = 5.0
    ) -> JsonDict:
        """Wait until the bot answered a button press; return what it answered."""
        await self.state.world.wait_until(lambda: query.answered, timeout)
        return query.answer

    @property
    def chat_actions(self) -> list[ChatActionRecord]:
        """Every sendChatAction, oldest first."""
        return self.state.chat_actions

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The bot's commands for a scope (default scope when None)."""
        key = commands_key(scope, language_code)
        return list(self.state.commands.get(key, []))

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates the bot has not confirmed yet."""
        return list(self.state.queue.pending)

    @property
    def internal_errors(self) -> list[str]:
        """Answers or updates of the sandbox that break the specification (sandbox bugs)."""
        return self.state.internal_errors

    @property
    def flood_refusals(self) -> list[FloodRefusal]:
        """Messages the flood limits answered with 429, oldest first (not injected 429s)."""
        return list(self.state.limiter.refusals) if self.state.limiter else []

    def take_rejections(self) -> list[ApiCall]:
        """Return and forget the rejected requests (for tests that provoke them)."""
        taken, self.rejections = self.rejections, []
        return taken

    def assert_no_rejections(self) -> None:
        """Fail loudly if Telegram would have rejected any request so far."""
        if self.rejections:
            lines = "\n".join(
                f"  {c.method}: {c.error_code} {c.description} {c.params}" for c in self.rejections
            )
            raise SandboxRejectionError(
                f"the sandbox rejected {len(self.rejections)} request(s):\n{lines}"
            )
