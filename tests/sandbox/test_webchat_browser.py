"""The web chat page in Debian's headless Chromium: a whole exchange with a polling PTB bot."""

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from sandbox import Sandbox, running_sandbox

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# The README's picture; a test run writes it only when asked: pytest --update-screenshots.
SCREENSHOT_COPY = REPO / "docs" / "screenshots" / "webchat.png"
INSTALL_HINT = ("run `apt-get install -y chromium fonts-noto-color-emoji` as root (.ci/run "
                "does); never `playwright install`: it downloads a browser")
# CI sets this so that a Chromium missing there fails the run instead of skipping its tests.
REQUIRE_CHROMIUM = os.environ.get("DONDOC_TEST_REQUIRE_CHROMIUM") == "1"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not REQUIRE_CHROMIUM,
    reason=f"Chromium is not installed (optional): {INSTALL_HINT}")
# Keep Chromium off the network: the machines have none, and it would try (sync, updates, QUIC).
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 412, "height": 915}  # a common Android phone
WAIT_MS = 10_000
LAN, OFFICE = 5101, 5102
BUTTONS = {"done:7": "Đã hoàn thành", "doing:7": "Đang thực hiện"}
UPLOAD = "Báo cáo số 12/BC-SXD ngày 25/9/2025".encode()


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None and message.text is not None
    if message.reply_to_message is not None:
        await message.reply_text(f"Đã ghi nhận đề nghị: {message.text}", do_quote=True)
        return
    await message.reply_text(
        f"Đã nhận: {message.text}\n<b>Nhiệm vụ số 7</b> hạn 30/09/2025 — chọn tình trạng:",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=data) for data, label in BUTTONS.items()]]
        ),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    await query.answer("Đã ghi nhận")
    await context.bot.send_message(
        update.effective_chat.id, f"✅ Đã cập nhật nhiệm vụ số 7: {BUTTONS[query.data]}."
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    assert message is not None and message.document is not None
    # Download it for real, so the acknowledgement proves the bytes reached the bot.
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_text(f"Đã nhận tệp {message.document.file_name} ({len(data)} byte).")


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    # Flood limits off: a person clicking fast would make this bot (which has no limiter) hit 429s.
    async with running_sandbox(rate_limits=None) as running:
        running.add_user(LAN, "Lan", "lan_sxd", last_name="Nguyễn")
        running.add_user(OFFICE, "Văn phòng BCĐ")
        yield running


@pytest.fixture
async def echo_bot(sandbox: Sandbox) -> AsyncIterator[Application]:
    app = (
        Application.builder()
        .token(sandbox.token)
        .base_url(sandbox.base_url)
        .base_file_url(sandbox.file_base_url)
        .get_updates_read_timeout(5)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        yield app
        await app.updater.stop()
        await app.stop()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} and DONDOC_TEST_REQUIRE_CHROMIUM=1: "
                    f"{INSTALL_HINT}")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            device_scale_factor=2,
            locale="vi-VN",
        )
        try:
            yield context
        finally:
            await context.close()


def watch(page: Page, root: str) -> tuple[list[str], list[str]]:
    """Collect the page's errors and any request that leaves the sandbox."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(root) else outside.append(req.url))
    return errors, outside


async def test_a_person_chats_with_the_bot_through_the_page(
    sandbox: Sandbox, echo_bot: Application, browser: BrowserContext, tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    root = sandbox.base_url.removesuffix("/bot")
    page = browser.pages[0] if browser.pages else await browser.new_page()
    errors, outside = watch(page, root)
    await page.goto(f"{root}/chat")

    users = page.get_by_label("Chọn người dùng")
    await expect(users.locator("option")).to_have_count(3, timeout=WAIT_MS)
    await users.select_option(str(LAN))
    await expect(page).to_have_url(f"{root}/chat?user={LAN}")

    await page.get_by_label("Tin nhắn").fill("Báo cáo tiến độ nhiệm vụ số 7")
    await page.get_by_role("button", name="Gửi").click()
    bot_messages = page.locator(".msg.bot")
    await expect(bot_messages).to_have_count(1, timeout=WAIT_MS)
    question = bot_messages.nth(0)
    await expect(question.locator(".text")).to_have_text(
        "Đã nhận: Báo cáo tiến độ nhiệm vụ số 7\n"
        "Nhiệm vụ số 7 hạn 30/09/2025 — chọn tình trạng:"
    )
    await expect(question.locator("strong")).to_have_text("Nhiệm vụ số 7")
    await expect(question.get_by_role("button", name="Đã hoàn thành")).to_be_visible()

    await question.get_by_role("button", name="Đang thực hiện").click()
    await expect(page.locator("#toast")).to_have_text("Đã ghi nhận", timeout=WAIT_MS)
    await expect(bot_messages.nth(1)).to_contain_text(
        "✅ Đã cập nhật nhiệm vụ số 7: Đang thực hiện.", timeout=WAIT_MS
    )

    await page.locator("#file-input").set_input_files(
        files=[{"name": "bao-cao-tien-do.txt", "mimeType": "text/plain", "buffer": UPLOAD}]
    )
    await expect(bot_messages.nth(2).locator(".text")).to_have_text(
        f"Đã nhận tệp bao-cao-tien-do.txt ({len(UPLOAD)} byte).", timeout=WAIT_MS
    )
    await expect(page.locator(".msg.me .file a")).to_have_text("bao-cao-tien-do.txt")

    await question.get_by_role("button", name="Trả lời").click()
    await expect(page.locator("#reply-bar")).to_contain_text("Đã nhận: Báo cáo tiến độ")
    await page.get_by_label("Tin nhắn").fill("Xin gia hạn đến 15/10/2025")
    await page.get_by_label("Tin nhắn").press("Enter")
    await expect(bot_messages.nth(3).locator(".text")).to_have_text(
        "Đã ghi nhận đề nghị: Xin gia hạn đến 15/10/2025", timeout=WAIT_MS
    )

    chat = sandbox.chat(LAN).messages
    sides = ["bot" if m.from_bot else "me" for m in chat]
    assert sides == ["me", "bot", "bot", "me", "bot", "me", "bot"]
    rendered = await page.locator(".msg").evaluate_all(
        "nodes => nodes.map(n => n.classList.contains('bot') ? 'bot' : 'me')"
    )
    assert rendered == sides
    assert chat[0].text == "Báo cáo tiến độ nhiệm vụ số 7"
    assert chat[3].file is not None and chat[3].file.data == UPLOAD
    assert chat[5].reply_to_message_id == chat[1].message_id
    assert sandbox.bot_messages(OFFICE) == []

    await expect(page.locator("#toast")).to_be_hidden(timeout=WAIT_MS)
    shot = tmp_path / "webchat.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 0
    if request.config.getoption("--update-screenshots"):
        shutil.copyfile(shot, SCREENSHOT_COPY)
    assert errors == [] and outside == []


async def test_a_person_adds_a_user_and_blocks_the_bot_from_the_page(
    sandbox: Sandbox, browser: BrowserContext
) -> None:
    root = sandbox.base_url.removesuffix("/bot")
    page = browser.pages[0] if browser.pages else await browser.new_page()
    errors, outside = watch(page, root)
    await page.goto(f"{root}/chat")

    await page.get_by_text("Thêm người dùng").click()
    await page.get_by_label("Mã (id)").fill("5103")
    await page.get_by_label("Tên").fill("Sở Y tế — Hà")
    await page.get_by_role("button", name="Thêm", exact=True).click()
    await expect(page).to_have_url(f"{root}/chat?user=5103", timeout=WAIT_MS)
    await expect(page.get_by_label("Chọn người dùng")).to_have_value("5103")
    assert sandbox.user(5103).profile.first_name == "Sở Y tế — Hà"

    await page.get_by_role("button", name="Chặn bot").click()
    await expect(page.get_by_role("button", name="Bỏ chặn bot")).to_be_visible(timeout=WAIT_MS)
    assert sandbox.chat(5103).blocked
    await page.get_by_label("Tin nhắn").fill("Xin chào")
    await page.get_by_role("button", name="Gửi").click()
    await expect(page.locator("#status")).to_contain_text("Không gửi được", timeout=WAIT_MS)
    assert sandbox.chat(5103).messages == []

    await page.get_by_role("button", name="Bỏ chặn bot").click()
    await expect(page.get_by_role("button", name="Chặn bot")).to_be_visible(timeout=WAIT_MS)
    await page.get_by_role("button", name="Gửi").click()
    await expect(page.locator(".msg.me .text")).to_have_text("Xin chào", timeout=WAIT_MS)
    assert [m.text for m in sandbox.chat(5103).messages] == ["Xin chào"]
    assert outside == []
    # The refused send is the one error the page is expected to log (the sandbox's 400).
    assert all("400" in error for error in errors), errors
