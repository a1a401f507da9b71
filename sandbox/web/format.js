// Turning Bot API messages into page text: dates, sizes, names and formatting entities.

export const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

export function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

let timeFormat = null;
try {
  timeFormat = new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
} catch (_) {
  timeFormat = null;  // a browser without time-zone data shows local time instead
}

export function formatTime(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  if (!timeFormat) return date.toLocaleString();
  const part = Object.fromEntries(timeFormat.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.hour}:${part.minute} ${part.day}/${part.month}`;
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} byte`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb.toFixed(1).replace(".", ",")} KB`;
  return `${(kb / 1024).toFixed(1).replace(".", ",")} MB`;
}

export function userLabel(user) {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return `${name} · ${user.id}`;
}

export function summary(payload) {
  const text = payload.text || payload.caption;
  if (text) return text.split("\n")[0];
  if (payload.document) return `Tệp ${payload.document.file_name || ""}`.trim();
  if (payload.photo) return "Ảnh";
  return "Tin nhắn";
}

// Telegram's entities count UTF-16 code units, which is exactly how JavaScript indexes strings.
function wrapEntity(inner, entity, segment) {
  const tags = {
    bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
  };
  let outer;
  if (tags[entity.type]) {
    outer = node(tags[entity.type]);
  } else if (entity.type === "pre") {
    outer = node("code", "pre");
  } else if (entity.type === "text_link" && SAFE_LINK.test(entity.url || "")) {
    outer = node("a");
    outer.href = entity.url;
  } else if (entity.type === "url" && SAFE_LINK.test(segment)) {
    outer = node("a");
    outer.href = segment;
  } else if (entity.type === "spoiler") {
    outer = node("span", "spoiler");
  } else if (entity.type === "blockquote" || entity.type === "expandable_blockquote") {
    outer = node("span", "blockquote");
  } else {
    return inner;
  }
  if (outer.tagName === "A") {
    outer.target = "_blank";
    outer.rel = "noopener noreferrer";
  }
  outer.append(inner);
  return outer;
}

export function formattedText(text, entities) {
  const box = node("div", "text");
  const list = entities || [];
  const cuts = new Set([0, text.length]);
  for (const e of list) {
    cuts.add(Math.min(e.offset, text.length));
    cuts.add(Math.min(e.offset + e.length, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [start, end] = [points[i], points[i + 1]];
    const segment = text.slice(start, end);
    let piece = document.createTextNode(segment);
    for (const e of list) {
      if (e.offset <= start && e.offset + e.length >= end) piece = wrapEntity(piece, e, segment);
    }
    box.append(piece);
  }
  return box;
}
