"""A stand-in for the Zalo Bot API: its envelope, its methods and limits, simulated users.

It shares the Telegram sandbox's world (chats and messages), file store, clock, flood limiter
and fault injection, and speaks Zalo's dialect: `/bot<TOKEN>/<method>` under its own prefix,
`{ok, result | error_code, description}` envelopes where HTTP 200 may still mean failure,
string chat ids, one update per getUpdates call with no offset, webhook pushes with the
`X-Bot-Api-Secret-Token` header, 2000-character texts and photos sent by URL.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.clock import Clock, SystemClock
from sandbox.errors import ApiError
from sandbox.files import FileStore
from sandbox.limits import Faults, FloodRefusal, RateLimiter, RateLimits
from sandbox.world import StoredMessage, UserProfile, World
from sandbox.zalo_methods import ZaloError, ZaloMethods
from sandbox.zalo_updates import ZaloUpdateQueue, ZaloWebhookSender
from sandbox.zalo_users import ZaloUser, message_id, zalo_id

JsonDict = dict[str, Any]
logger = logging.getLogger(__name__)

ZALO_DEFAULT_TOKEN = "2718281828:SANDBOX-zalo-dondoc-0123456789abcdef"
# Zalo documents no flood limits; these are the sandbox's own, and tests may pass others.
ZALO_RATE_LIMITS = RateLimits(overall_per_second=20, per_chat_per_second=1,
                              per_group_per_minute=20)


@dataclass(frozen=True)
class ZaloCall:
    """One request the bot made and how the sandbox answered."""

    method: str
    params: JsonDict
    error_code: int | None
    description: str | None
    http_status: int
    at: float = 0.0


@dataclass
class ZaloState:
    """What the methods and the simulated users share."""

    clock: Clock
    world: World
    files: FileStore
    queue: ZaloUpdateQueue
    webhook: ZaloWebhookSender
    limiter: RateLimiter | None
    chats: dict[str, int] = field(default_factory=dict)  # Zalo chat id -> world chat id
    updates: dict[str, JsonDict] = field(default_factory=dict)  # message id -> its update
    chat_actions: list[tuple[str, str]] = field(default_factory=list)
    media_url: str = ""
    webhook_ever_set: bool = False
    media_expired: bool = False

    def now_ms(self) -> int:
        """Unix milliseconds, Zalo's unit for dates."""
        return int(self.clock.time() * 1000)


class ZaloSandbox:
    """A local Zalo Bot API: request handling, simulated users, limits, faults and records."""

    def __init__(self, token: str = ZALO_DEFAULT_TOKEN, *,
                 rate_limits: RateLimits | None = ZALO_RATE_LIMITS, clock: Clock | None = None,
                 bot_name: str = "Bot dondoc", webhook_retry_delay: float = 0.1,
                 call_log_size: int = 10_000) -> None:
        bot_number, _, secret = token.partition(":")
        if not bot_number.isdigit() or not secret:
            raise ValueError("a Zalo bot token looks like <bot id>:<secret>")
        self.token = token
        self.clock: Clock = clock or SystemClock()
        self.faults = Faults()
        queue = ZaloUpdateQueue()
        self.state = ZaloState(
            clock=self.clock,
            world=World(UserProfile(int(bot_number), bot_name, is_bot=True)),
            files=FileStore(),
            queue=queue,
            webhook=ZaloWebhookSender(queue, self.clock, webhook_retry_delay),
            limiter=RateLimiter(rate_limits, self.clock) if rate_limits else None,
        )
        self.bot_id = zalo_id(int(bot_number))
        self.calls: deque[ZaloCall] = deque(maxlen=call_log_size)
        self.rejections: list[ZaloCall] = []
        self.internal_errors: list[str] = []
        self.base_url = ""
        self._methods = ZaloMethods(self.state, self.bot_id, bot_name)
        self._users: dict[int, ZaloUser] = {}
        self._closing = asyncio.Event()
        self._webhook_task: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start_background(self) -> None:
        """Start webhook delivery; needs a running event loop."""
        if self._webhook_task is None:
            self._webhook_task = asyncio.get_running_loop().create_task(self.state.webhook.run())

    async def close(self) -> None:
        """Release a waiting poller and stop webhook delivery."""
        self._closing.set()
        self.state.queue.close()
        self.state.webhook.close()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None

    # --- the API -------------------------------------------------------------------------

    async def call(self, token: str, method: str,
                   params: Mapping[str, object]) -> tuple[int, JsonDict, dict[str, str]]:
        """Answer one request: HTTP status, Zalo's envelope, and extra headers."""
        try:
            if token != self.token:
                # Live Zalo answers a wrong token inside HTTP 200 (issue #23's observation).
                raise ZaloError(401, "Unauthorized", rejection=True)
            result = await self._run(method, dict(params))
        except ZaloError as error:
            self._record(method, params, error)
            headers = ({"Retry-After": str(error.retry_after)}
                       if error.retry_after is not None else {})
            return error.http_status, error.envelope(), headers
        except Exception as crash:
            logger.exception("zalo sandbox crashed handling %s", method)
            self.internal_errors.append(f"{method} crashed: {crash!r}")
            failure = ZaloError(500, "Internal Server Error", http_status=500)
            self._record(method, params, failure)
            return 500, failure.envelope(), {}
        self._record(method, params, None)
        return 200, ({"ok": True} if result is None else {"ok": True, "result": result}), {}

    async def _run(self, method: str, params: JsonDict) -> object:
        delay = self.faults.take_delay(method)
        if delay > 0:
            await self._pause(delay)
        hold = self.faults.take_hold(method)
        if hold is not None and not hold.executed:
            await self._pause(hold.seconds)
            raise ZaloError(504, "Gateway Timeout", http_status=504)
        injected = self.faults.take_error(method)
        if injected is not None:
            raise _from_injected(injected)
        result = await self._methods.run(method, params)
        if hold is not None:
            await self._pause(hold.seconds)
        return result

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _record(self, method: str, params: Mapping[str, object], error: ZaloError | None) -> None:
        call = ZaloCall(method, {k: v for k, v in params.items() if isinstance(k, str)},
                        error.error_code if error else None,
                        error.description if error else None,
                        error.http_status if error else 200, self.clock.monotonic())
        self.calls.append(call)
        if error is not None and error.rejection:
            logger.warning("zalo sandbox rejected %s: %s", method, error.description)
            self.rejections.append(call)

    # --- simulated people ------------------------------------------------------------------

    def add_user(self, number: int, display_name: str, *, started: bool = False) -> ZaloUser:
        """A Zalo account; the bot can write only once they wrote first (or started=True)."""
        if number <= 0:
            raise ValueError("user numbers are positive")
        profile = UserProfile(number, display_name)
        chat = self.state.world.add_user(profile, started=started)
        user = ZaloUser(self.state, profile, chat)
        self.state.chats[user.id] = chat.id
        self._users[number] = user
        return user

    def user(self, number: int) -> ZaloUser:
        """The simulated user with this number."""
        try:
            return self._users[number]
        except KeyError:
            raise KeyError(f"no simulated zalo user {number}; call add_user first") from None

    @property
    def users(self) -> list[ZaloUser]:
        """Every simulated user, in registration order."""
        return list(self._users.values())

    def expire_media(self) -> None:
        """Make every photo link users sent answer 404 from now on, as Zalo's links may."""
        self.state.media_expired = True

    def echo(self, user: ZaloUser, text: str) -> None:
        """Queue an update of the bot's own message to `user`, as goclaw reports Zalo does."""
        self.state.queue.push({"event_name": "message.text.received", "message": {
            "from": {"id": self.bot_id, "display_name": self.state.world.bot.first_name},
            "chat": {"id": user.id, "chat_type": "PRIVATE"}, "text": text,
            "message_id": message_id(), "date": self.state.now_ms()}})

    # --- what tests read -------------------------------------------------------------------

    def bot_messages(self, user: ZaloUser | None = None) -> list[StoredMessage]:
        """Messages the bot sent (to one user or anyone), oldest first."""
        return self.state.world.bot_messages(user.profile.id if user else None)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until condition() holds after some change (or TimeoutError)."""
        await self.state.world.wait_until(condition, timeout)

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates not handed to the bot yet."""
        return list(self.state.queue.pending)

    @property
    def webhook_url(self) -> str:
        """The webhook URL set, or ""."""
        return self.state.webhook.settings.url if self.state.webhook.settings else ""

    @property
    def chat_actions(self) -> list[tuple[str, str]]:
        """Every sendChatAction as (chat id, action)."""
        return list(self.state.chat_actions)

    @property
    def flood_refusals(self) -> list[FloodRefusal]:
        """Messages the flood limits refused (not injected errors)."""
        return list(self.state.limiter.refusals) if self.state.limiter else []

    def take_rejections(self) -> list[ZaloCall]:
        """Return and forget the rejected requests (for tests that provoke them)."""
        taken, self.rejections = self.rejections, []
        return taken

    def assert_no_rejections(self) -> None:
        """Fail loudly if Zalo would have refused any request as malformed."""
        if self.rejections:
            lines = "\n".join(f"  {c.method}: {c.error_code} {c.description} {c.params}"
                              for c in self.rejections)
            raise AssertionError(
                f"the zalo sandbox rejected {len(self.rejections)} request(s):\n{lines}")


def _from_injected(error: ApiError) -> ZaloError:
    """An injected fault in Zalo's dialect: 429 and 5xx as HTTP statuses, others inside 200."""
    code = error.error_code
    transport = code == 429 or code >= 500
    return ZaloError(code, error.description, http_status=code if transport else 200,
                     retry_after=error.retry_after if code == 429 else None)
