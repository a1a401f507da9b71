"""The console in Debian's headless Chromium: sign in from the sandbox bot, find, act, sign out.

Screenshots of each page, at desktop and phone width, are written to docs/screenshots only when
asked: `uv run pytest tests/console/test_console_browser.py --update-screenshots`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import BrowserContext, Page, async_playwright, expect
from sqlmodel import col, select

from bot.conversation import Conversation, ConversationConfig
from domain.text import strip_diacritics
from storage.invites import hash_code
from storage.models import (
    Agency,
    Assignment,
    Blocker,
    ConsoleAction,
    DeadlineChange,
    ExtensionRequest,
    ImportRun,
    Invite,
    Item,
    Outbox,
)
from tests.bot.drivers import telegram_driver
from tests.conftest import EXAMPLE_APPENDIX
from tests.console.conftest import TZ, Console

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# CI sets this so that a Chromium missing there fails the run instead of skipping this test.
REQUIRE_CHROMIUM = os.environ.get("DONDOC_TEST_REQUIRE_CHROMIUM") == "1"
# A deadline the parser cannot read, put in the uploaded appendix for the walk to fix.
UNREADABLE = "Theo tiến độ dự án"
# Keep Chromium off the network: the machines have none, and it would try (sync, updates, QUIC).
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 412, "height": 915}
WAIT_MS = 10_000


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path | None:
    """docs/screenshots under --update-screenshots, else nowhere."""
    return (REPO / "docs" / "screenshots"
            if request.config.getoption("--update-screenshots") else None)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    if not CHROMIUM.exists() and not REQUIRE_CHROMIUM:
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium); "
                    "never `playwright install`, it downloads a browser")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=DESKTOP, locale="vi-VN")
        try:
            yield context
        finally:
            await context.close()


async def shoot(page: Page, name: str, folder: Path | None) -> None:
    """Desktop and phone screenshots of the page, when asked for (never in a normal run)."""
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"console-{name}-desktop.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    await page.screenshot(path=str(folder / f"console-{name}-phone.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)


async def test_the_secretariat_signs_in_from_chat_finds_acts_and_signs_out(
        console: Console, browser: BrowserContext, tmp_path: Path, shots: Path | None):
    root = str(console.client.make_url("/console")).rstrip("/")
    conversation = Conversation(console.sessions, ConversationConfig(
        tz=TZ, now=console.clock.now,
        console_link_for=lambda token: f"{root}/dangnhap#{token}"))
    async with telegram_driver(conversation) as telegram:
        secretariat = telegram.add_person(int(console.secretariat.chat_id), "Văn phòng BCĐ")
        secretariat.say("/dangnhap")
        answer = await secretariat.next()
    link = re.search(r"http://\S+/console/dangnhap#\S+", answer.text)
    assert link is not None, answer.text

    page = browser.pages[0] if browser.pages else await browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(root) else outside.append(req.url))

    await page.goto(link.group(0))
    await expect(page.locator("#token")).not_to_have_value("", timeout=WAIT_MS)
    assert "#" not in page.url  # the token left the address bar
    await shoot(page, "login", shots)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page.get_by_role("heading", name=re.compile("Tổng quan"))).to_be_visible(
        timeout=WAIT_MS)
    chart = page.locator("img.chart")
    await chart.scroll_into_view_if_needed()
    await expect(chart).to_have_js_property("complete", True, timeout=WAIT_MS)
    assert await chart.evaluate("image => image.naturalWidth") > 0  # served by the app
    await shoot(page, "overview", shots)
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Tải bảng tổng hợp (Excel)").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("tien-do-nhiem-vu-")
    assert load_workbook(io.BytesIO(Path(await download.path()).read_bytes())).sheetnames

    async with console.sessions() as session:
        assignment = await session.get(Assignment, console.request.assignment_id)
        item = await session.get(Item, assignment.item_id)
    words = [w for w in item.text.split() if strip_diacritics(w) != w and len(w) > 3][:3]
    await page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    await page.locator("#q").fill(strip_diacritics(" ".join(words)))
    row = page.locator(f'#results a[href="/console/nhiemvu/{item.id}"]').first
    await expect(row).to_be_visible(timeout=WAIT_MS)
    await expect(page).to_have_url(re.compile(r"q="), timeout=WAIT_MS)  # htmx pushed the search
    await shoot(page, "items", shots)
    await row.click()
    await expect(page.get_by_role("heading", name=re.compile(item.code))).to_be_visible(
        timeout=WAIT_MS)
    await shoot(page, "item", shots)

    await page.get_by_role("button", name="Đồng ý gia hạn").click()
    await expect(page.get_by_role("status")).to_have_text("Đã ghi quyết định gia hạn.",
                                                          timeout=WAIT_MS)
    async with console.sessions() as session:
        request = await session.get(ExtensionRequest, console.request.id)
        assert (request.state, request.decided_by) == ("approved", console.secretariat.id)

    await page.locator("input[name=deadline]").fill("30/11/2025")
    await page.get_by_role("button", name="Lưu thời hạn").click()
    await expect(page.get_by_role("status")).to_have_text("Đã đặt thời hạn mới.",
                                                          timeout=WAIT_MS)
    async with console.sessions() as session:
        stored = await session.get(Item, item.id)
        [change] = (await session.exec(select(DeadlineChange))).all()
    assert (stored.due, change.via, change.changed_by) == (
        date(2025, 11, 30), "console", console.secretariat.id)

    # Blocked on the agency's behalf: an action item, then marked handled from the same page.
    section = page.locator("section.card", has=page.locator(
        f'form[action="/console/phancong/{assignment.id}/tinhtrang"]'))
    await section.locator("summary", has_text="Cập nhật tình trạng thay cơ quan").click()
    await section.locator("select[name=status]").select_option("blocked")
    await section.locator("input[name=reason]").fill("Sở báo qua điện thoại: chờ mặt bằng")
    await section.get_by_role("button", name="Ghi tình trạng").click()
    await expect(page.get_by_role("status")).to_have_text("Đã ghi tình trạng.", timeout=WAIT_MS)
    await shoot(page, "item-blocker", shots)
    await page.get_by_role("button", name="Đã xử lý").click()
    await expect(page.get_by_role("status")).to_have_text("Đã đánh dấu vướng mắc đã xử lý.",
                                                          timeout=WAIT_MS)
    async with console.sessions() as session:
        [blocker] = (await session.exec(select(Blocker))).all()
        handled = await session.get(Assignment, assignment.id)
    assert (blocker.assignment_id, blocker.state, blocker.decided_by) == (
        assignment.id, "handled", console.secretariat.id)
    assert handled.blocker_handled_on == date(2025, 9, 22)

    # Edit the wording; the lead agencies stay, so do the assignments.
    await page.get_by_role("link", name="Sửa nội dung, cơ quan chủ trì, thời hạn").click()
    await page.locator("textarea[name=text]").fill(item.text + " (đã rà soát)")
    await shoot(page, "item-edit", shots)
    await page.get_by_role("button", name="Lưu thay đổi").click()
    await expect(page.get_by_role("status")).to_have_text("Đã sửa nhiệm vụ.", timeout=WAIT_MS)
    async with console.sessions() as session:
        edited = await session.get(Item, item.id)
        [action] = (await session.exec(select(ConsoleAction))).all()
    assert edited.text == item.text + " (đã rà soát)"
    assert (action.kind, action.item_id, action.person_id) == (
        "item_edit", item.id, console.secretariat.id)

    await page.get_by_role("link", name="Cơ quan", exact=True).click()
    await expect(page.get_by_role("heading", name="Cơ quan & đầu mối")).to_be_visible(
        timeout=WAIT_MS)
    await shoot(page, "agencies", shots)
    await page.get_by_role("button", name="Tạo mã mời – trang in").click()
    await expect(page.locator(".invite").first).to_be_visible(timeout=WAIT_MS)
    codes = await page.locator("code.code").all_inner_texts()
    await shoot(page, "invites", shots)
    async with console.sessions() as session:
        hashes = {i.code_hash for i in (await session.exec(select(Invite))).all()}
    assert len(codes) > 10 and {hash_code(c) for c in codes} == hashes
    await page.go_back()
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Tạo mã mời – tải XLSX").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
    assert book["Mã mời"].max_row == len(codes) + 1
    async with console.sessions() as session:
        assert len((await session.exec(select(Invite))).all()) == 2 * len(codes)

    # One agency's invite, and a message to the focal person of another.
    async with console.sessions() as session:
        focal_agency = await session.get(Agency, console.focal.agency_id)
    await page.locator("#one-invite select[name=agency]").select_option(label=focal_agency.name)
    await page.locator("#one-invite").get_by_role("button", name="Tạo mã mời").click()
    await expect(page.get_by_role("heading", name="Mã mời cán bộ đầu mối (1 cơ quan)")
                 ).to_be_visible(timeout=WAIT_MS)
    async with console.sessions() as session:
        newest = (await session.exec(select(Invite).order_by(col(Invite.id).desc()))).first()
        assert len((await session.exec(select(Invite))).all()) == 2 * len(codes) + 1
    assert newest.agency_id == focal_agency.id
    await page.go_back()
    await page.locator("#message select[name=agency]").select_option(label=focal_agency.name)
    await page.locator("#message textarea[name=text]").fill("Đề nghị gửi báo cáo trước thứ Sáu.")
    await shoot(page, "agencies-message", shots)
    await page.locator("#message").get_by_role("button", name="Gửi tin nhắn").click()
    await expect(page.get_by_role("status")).to_have_text("Đã đưa tin nhắn vào hàng gửi.",
                                                          timeout=WAIT_MS)
    async with console.sessions() as session:
        [sent] = (await session.exec(select(Outbox).where(
            col(Outbox.key).like("console-message:%")))).all()
    assert (sent.focal_person_id, sent.text.endswith("Đề nghị gửi báo cáo trước thứ Sáu.")) == (
        console.focal.id, True)

    await page.get_by_role("link", name="Nhập", exact=True).click()
    upload = tmp_path / "phu-luc-moi.txt"
    upload.write_text(EXAMPLE_APPENDIX.read_text().replace("chuyên biệt", "chuyên biệt mới", 1)
                      .replace("Văn phòng Tỉnh ủy\tQuý IV", f"Văn phòng Tỉnh ủy\t{UNREADABLE}", 1))
    await page.locator("input[type=file]").set_input_files(str(upload))
    await page.get_by_role("button", name="Xem trước").click()
    await expect(page.locator("pre.summary")).to_contain_text(
        "Chạy thử (không ghi vào cơ sở dữ liệu): phu-luc-moi.txt", timeout=WAIT_MS)
    await shoot(page, "import", shots)
    async with console.sessions() as session:
        assert len((await session.exec(select(ImportRun))).all()) == 1  # the seed's only
    await page.get_by_role("button", name="Nhập tệp phu-luc-moi.txt").click()
    await expect(page.locator("pre.summary")).to_contain_text("Đã nhập: phu-luc-moi.txt",
                                                              timeout=WAIT_MS)
    async with console.sessions() as session:
        assert len((await session.exec(select(ImportRun))).all()) == 2
        [unread] = (await session.exec(select(Item).where(Item.deadline_raw == UNREADABLE))).all()
    assert (unread.deadline_kind, unread.due) == ("unknown", None)

    # Fix the deadline the parser could not read, from the item's page.
    await page.goto(f"{root}/nhiemvu/{unread.id}")
    await expect(page.locator("#understood")).to_contain_text("chưa đọc được", timeout=WAIT_MS)
    await page.locator("input[name=deadline]").fill("31/12/2025")
    await page.get_by_role("button", name="Lưu thời hạn").click()
    await expect(page.get_by_role("status")).to_have_text("Đã đặt thời hạn mới.",
                                                          timeout=WAIT_MS)
    await expect(page.locator("#understood")).not_to_contain_text("chưa đọc được")
    async with console.sessions() as session:
        fixed = await session.get(Item, unread.id)
        change = (await session.exec(select(DeadlineChange).where(
            DeadlineChange.item_id == unread.id))).one()
    assert (fixed.deadline_kind, fixed.due) == ("date", date(2025, 12, 31))
    assert (change.old_raw, change.via, change.changed_by) == (
        UNREADABLE, "console", console.secretariat.id)

    # Add an item by hand: coded and assigned as an import would.
    await page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    await page.get_by_role("link", name="+ Thêm nhiệm vụ").click()
    await page.locator("textarea[name=text]").fill("Tổ chức hội nghị sơ kết chuyển đổi số")
    await page.locator("input[name=leads]").fill(focal_agency.name)
    await page.locator("input[name=deadline]").fill("15/12/2025")
    await shoot(page, "item-add", shots)
    await page.get_by_role("button", name="Thêm nhiệm vụ").click()
    await expect(page.get_by_role("status")).to_have_text("Đã thêm nhiệm vụ.", timeout=WAIT_MS)
    async with console.sessions() as session:
        [added] = (await session.exec(select(Item).where(Item.source == "console"))).all()
        [assigned] = (await session.exec(select(Assignment).where(
            Assignment.item_id == added.id))).all()
    assert (added.code, added.due, assigned.agency_id) == (
        "NV9001", date(2025, 12, 15), focal_agency.id)

    await page.get_by_role("link", name="Nhật ký", exact=True).click()
    await expect(page.get_by_role("heading", name="Nhật ký thay đổi")).to_be_visible(
        timeout=WAIT_MS)
    await expect(page.get_by_text("Nhập phụ lục phu-luc-moi.txt")).to_be_visible()
    await shoot(page, "audit", shots)

    await page.get_by_role("button", name="Đăng xuất").click()
    await expect(page.get_by_role("heading", name="Đăng nhập bảng điều khiển")).to_be_visible(
        timeout=WAIT_MS)
    await page.goto(f"{root}/")
    await expect(page.get_by_role("heading", name="Đăng nhập bảng điều khiển")).to_be_visible(
        timeout=WAIT_MS)
    assert errors == [] and outside == []
