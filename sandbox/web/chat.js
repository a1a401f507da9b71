// The sandbox's web chat: act as a simulated user through the /sandbox/ JSON endpoints.
import {
  SAFE_LINK, formatSize, formatTime, formattedText, node, summary, userLabel,
} from "/chat/format.js";

const POLL_MS = 500;
const STATE_MS = 2000;
const ANSWER_WAIT_MS = 5000;
const ERROR_SHOW_MS = 8000;
const PHOTO_TYPES = new Set(["image/png", "image/jpeg", "image/gif"]);

const els = {};
const view = {
  userId: null,
  replyTo: null,
  lastBody: null,
  scrollToEnd: true,
  usersSignature: "",
  chats: new Map(),
  errorTimer: null,
  toastTimer: null,
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (_) {
    data = null;
  }
  if (!response.ok) {
    throw new Error(data && data.description ? data.description : `HTTP ${response.status}`);
  }
  return { data, text };
}

// --- rendering -------------------------------------------------------------------------------

function renderFile(payload) {
  const box = node("div", "file");
  if (payload.photo && payload.photo.length) {
    const biggest = payload.photo[payload.photo.length - 1];
    const image = node("img");
    image.src = `/sandbox/files/${encodeURIComponent(biggest.file_id)}`;
    image.alt = "Ảnh";
    box.append(image);
    return box;
  }
  const doc = payload.document;
  box.append(node("span", "badge", "TỆP"));
  const link = node("a", null, doc.file_name || "Tệp");
  link.href = `/sandbox/files/${encodeURIComponent(doc.file_id)}`;
  link.target = "_blank";
  link.rel = "noopener";
  box.append(link, ` (${formatSize(doc.file_size || 0)})`);
  return box;
}

function renderKeyboard(message, rows) {
  const keyboard = node("div", "keyboard");
  for (const row of rows) {
    const line = node("div", "row");
    for (const button of row) {
      if (button.url && SAFE_LINK.test(button.url)) {
        const link = node("a", null, `${button.text} ↗`);
        link.href = button.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link);
      } else if (button.callback_data !== undefined) {
        const press = node("button", "kb-button", button.text);
        press.type = "button";
        press.addEventListener("click", () => pressButton(message, button, press));
        line.append(press);
      } else {
        line.append(node("button", "kb-button", button.text));
        line.lastChild.disabled = true;  // a kind of button the sandbox cannot act on
      }
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderMessage(message) {
  const payload = message.message;
  const box = node("div", `msg ${message.from_bot ? "bot" : "me"}`);
  box.dataset.messageId = String(message.message_id);
  if (message.deleted) {
    box.classList.add("deleted");
    box.append(node("div", "text", "Tin nhắn đã bị xóa"));
    return box;
  }
  if (payload.reply_to_message) {
    box.append(node("div", "quote", `↩ ${summary(payload.reply_to_message)}`));
  }
  if (payload.document || payload.photo) box.append(renderFile(payload));
  const text = payload.text !== undefined ? payload.text : payload.caption;
  if (text) {
    const entities = payload.text !== undefined ? payload.entities : payload.caption_entities;
    box.append(formattedText(text, entities));
  }
  const meta = node("div", "meta");
  const reply = node("button", "link reply-button", "Trả lời");
  reply.type = "button";
  reply.addEventListener("click", () => startReply(message));
  meta.append(reply);
  if (message.edited) meta.append(node("span", null, "đã sửa"));
  meta.append(node("span", null, formatTime(payload.date)));
  box.append(meta);
  const markup = payload.reply_markup;
  if (markup && markup.inline_keyboard) box.append(renderKeyboard(message, markup.inline_keyboard));
  return box;
}

function render(messages) {
  const box = els.messages;
  const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren();
  if (!messages.length) {
    box.append(node("p", "empty", "Chưa có tin nhắn. Hãy gửi một tin cho bot."));
  }
  for (const message of messages) box.append(renderMessage(message));
  if (atEnd || view.scrollToEnd) box.scrollTop = box.scrollHeight;
  view.scrollToEnd = false;
}

// --- status, toast, reply bar ----------------------------------------------------------------

function showError(text) {
  els.status.textContent = text;
  els.status.hidden = false;
  clearTimeout(view.errorTimer);
  view.errorTimer = setTimeout(() => { els.status.hidden = true; }, ERROR_SHOW_MS);
}

function showToast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(view.toastTimer);
  view.toastTimer = setTimeout(() => { els.toast.hidden = true; }, 3000);
}

function startReply(message) {
  view.replyTo = message;
  els.replyText.textContent = `Trả lời: ${summary(message.message)}`;
  els.replyBar.hidden = false;
  els.input.focus();
}

function clearReply() {
  view.replyTo = null;
  els.replyBar.hidden = true;
}

// --- talking to the sandbox ------------------------------------------------------------------

async function refreshState() {
  const { data } = await api("GET", "/sandbox/state");
  els.botName.textContent = data.bot.username
    ? `${data.bot.first_name} (@${data.bot.username})` : data.bot.first_name;
  view.chats = new Map(data.chats.map((chat) => [chat.id, chat]));
  const signature = JSON.stringify(data.users);
  if (signature !== view.usersSignature) {
    view.usersSignature = signature;
    const options = [node("option", null, "— Chọn người dùng —")];
    options[0].value = "";
    for (const user of data.users) {
      const option = node("option", null, userLabel(user));
      option.value = String(user.id);
      if (user.username) option.title = `@${user.username}`;
      options.push(option);
    }
    els.userSelect.replaceChildren(...options);
    els.userSelect.value = view.userId === null ? "" : String(view.userId);
  }
  const chat = view.userId === null ? null : view.chats.get(view.userId);
  els.block.hidden = !chat;
  els.block.textContent = chat && chat.blocked ? "Bỏ chặn bot" : "Chặn bot";
  els.input.placeholder = chat && chat.blocked
    ? "Bạn đã chặn bot — bỏ chặn để nhắn tiếp" : "Nhập tin nhắn…";
}

async function pollMessages() {
  const userId = view.userId;
  if (userId === null) return;
  const { data, text } = await api("GET", `/sandbox/chats/${userId}/messages`);
  if (userId !== view.userId || text === view.lastBody) return;
  view.lastBody = text;
  render(data);
}

function selectUser(value) {
  const id = value === "" || value === null ? null : Number(value);
  view.userId = Number.isSafeInteger(id) && id > 0 ? id : null;
  view.lastBody = null;
  view.scrollToEnd = true;
  clearReply();
  const url = new URL(window.location.href);
  if (view.userId === null) url.searchParams.delete("user");
  else url.searchParams.set("user", String(view.userId));
  window.history.replaceState(null, "", url);
  els.userSelect.value = view.userId === null ? "" : String(view.userId);
  if (view.userId === null) {
    els.messages.replaceChildren(node("p", "empty", "Chọn hoặc thêm một người dùng để bắt đầu."));
  }
  refreshState().catch(() => {});
  pollMessages().catch((error) => showError(`Không tải được tin nhắn: ${error.message}`));
}

async function sendText(event) {
  event.preventDefault();
  const text = els.input.value;
  if (view.userId === null) { showError("Hãy chọn người dùng trước."); return; }
  if (!text.trim()) return;
  const body = { user_id: view.userId, text };
  if (view.replyTo) body.reply_to_message_id = view.replyTo.message_id;
  els.send.disabled = true;
  try {
    await api("POST", `/sandbox/chats/${view.userId}/messages`, body);
    els.input.value = "";
    clearReply();
    view.scrollToEnd = true;
    await pollMessages();
  } catch (error) {
    showError(`Không gửi được: ${error.message}`);
  } finally {
    els.send.disabled = false;
    els.input.focus();
  }
}

async function uploadFile() {
  const file = els.file.files[0];
  if (!file) return;
  if (view.userId === null) { showError("Hãy chọn người dùng trước."); els.file.value = ""; return; }
  const form = new FormData();
  form.append("user_id", String(view.userId));
  form.append("file", file, file.name);
  const caption = els.input.value.trim();
  if (caption) form.append("caption", caption);
  if (PHOTO_TYPES.has(file.type)) form.append("as_photo", "true");
  try {
    await api("POST", `/sandbox/chats/${view.userId}/files`, form);
    if (caption) els.input.value = "";
    view.scrollToEnd = true;
    await pollMessages();
  } catch (error) {
    showError(`Không tải tệp lên được: ${error.message}`);
  } finally {
    els.file.value = "";
  }
}

async function pressButton(message, button, element) {
  element.disabled = true;
  try {
    const { data } = await api("POST", `/sandbox/chats/${view.userId}/callbacks`, {
      user_id: view.userId, message_id: message.message_id,
      text: button.text, data: button.callback_data,
    });
    const deadline = Date.now() + ANSWER_WAIT_MS;
    while (Date.now() < deadline) {
      const answer = (await api("GET", `/sandbox/callbacks/${data.callback_query_id}`)).data;
      if (answer.answered) {
        if (answer.answer.text) showToast(answer.answer.text);
        return;
      }
      await sleep(200);
    }
    showError("Bot chưa trả lời nút bấm sau 5 giây.");
  } catch (error) {
    showError(`Không bấm được nút: ${error.message}`);
  } finally {
    element.disabled = false;
  }
}

async function addUser(event) {
  event.preventDefault();
  const id = Number(els.newUserId.value);
  const name = els.newUserName.value.trim();
  if (!Number.isSafeInteger(id) || id <= 0 || !name) {
    showError("Cần một mã (số nguyên dương) và một tên.");
    return;
  }
  try {
    await api("POST", "/sandbox/users", { id, first_name: name });
    els.newUserId.value = "";
    els.newUserName.value = "";
    els.addUser.open = false;
    await refreshState();
    selectUser(String(id));
  } catch (error) {
    showError(`Không thêm được người dùng: ${error.message}`);
  }
}

async function toggleBlock() {
  const chat = view.chats.get(view.userId);
  if (!chat) return;
  try {
    await api("POST", `/sandbox/users/${view.userId}/${chat.blocked ? "unblock" : "block"}`);
    await refreshState();
  } catch (error) {
    showError(`Không đổi được trạng thái chặn: ${error.message}`);
  }
}

async function every(ms, work, onError) {
  for (;;) {
    try {
      await work();
    } catch (error) {
      onError(error);
    }
    await sleep(ms);
  }
}

function init() {
  for (const [key, id] of Object.entries({
    botName: "bot-name", userSelect: "user-select", block: "block-button",
    addUser: "add-user", addUserForm: "add-user-form", newUserId: "new-user-id",
    newUserName: "new-user-name", messages: "messages", toast: "toast",
    replyBar: "reply-bar", replyText: "reply-text", replyCancel: "reply-cancel",
    status: "status", sendForm: "send-form", file: "file-input", input: "message-input",
    send: "send-button",
  })) {
    els[key] = document.getElementById(id);
  }
  els.userSelect.addEventListener("change", () => selectUser(els.userSelect.value));
  els.block.addEventListener("click", toggleBlock);
  els.addUserForm.addEventListener("submit", addUser);
  els.replyCancel.addEventListener("click", clearReply);
  els.sendForm.addEventListener("submit", sendText);
  els.file.addEventListener("change", uploadFile);
  els.input.addEventListener("keydown", (event) => {
    // Enter sends, as in Telegram's clients; Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      els.sendForm.requestSubmit();
    }
  });
  const wanted = new URL(window.location.href).searchParams.get("user");
  refreshState()
    .then(() => { if (wanted) selectUser(wanted); })
    .catch((error) => showError(`Không kết nối được sandbox: ${error.message}`));
  every(STATE_MS, refreshState, () => {});
  every(POLL_MS, pollMessages, (error) => showError(`Mất kết nối tới sandbox: ${error.message}`));
}

init();
