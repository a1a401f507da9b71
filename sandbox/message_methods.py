"""Bot API methods that send, edit or delete messages, answer buttons and serve files."""

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox.errors import bad_request, forbidden
from sandbox.files import DOWNLOAD_LIMIT_BYTES, StoredFile, image_size
from sandbox.formatting import FormattedText, format_text
from sandbox.state import ChatActionRecord, SandboxState
from sandbox.validation import UploadedFile
from sandbox.world import Chat, StoredMessage

JsonDict = dict[str, Any]
Handler = Callable[[JsonDict], Awaitable[object]]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MAX_PHOTO_SIDE_SUM = 10000
MAX_PHOTO_RATIO = 20


def request_record(params: JsonDict) -> JsonDict:
    """The parameters as JSON, with uploaded files described instead of carried."""
    recorded: JsonDict = {}
    for name, value in params.items():
        if isinstance(value, UploadedFile):
            recorded[name] = {"filename": value.filename, "size": len(value.data)}
        else:
            recorded[name] = copy.deepcopy(value)
    return recorded


def _formatted(text: str, parse_mode: object, entities: object) -> FormattedText:
    # The validator already rejected bad markup; explicit entities replace parse_mode.
    if isinstance(entities, list):
        return FormattedText(text, entities)
    return format_text(text, parse_mode if isinstance(parse_mode, str) else None)


class MessageMethods:
    """sendMessage, sendDocument, sendPhoto, edits, deleteMessage, callbacks, getFile."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def handlers(self) -> dict[str, Handler]:
        """Handlers keyed by the spec's method name."""
        return {
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "sendChatAction": self.send_chat_action,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
        }

    def target_chat(self, chat_id: object) -> Chat:
        """The chat a request addresses, or Telegram's 400/403 for it."""
        world = self._state.world
        chat = world.chats.get(chat_id) if isinstance(chat_id, int) else None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = world.chat_by_username(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.user is not None:
            if chat.user.id in world.deactivated:
                raise forbidden("user is deactivated")
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
        return chat

    async def send_message(self, params: JsonDict) -> JsonDict:
        """sendMessage."""
        chat = self.target_chat(params["chat_id"])
        formatted = _formatted(params["text"], params.get("parse_mode"), params.get("entities"))
        content: JsonDict = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = formatted.entities
        if "link_preview_options" in params:
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(chat, params, content, None)

    async def send_document(self, params: JsonDict) -> JsonDict:
        """sendDocument."""
        chat = self.target_chat(params["chat_id"])
        document = params["document"]
        if isinstance(document, UploadedFile):
            stored = self._state.files.add_document(
                document.data, document.filename or None, document.content_type
            )
        else:
            stored = self._existing_file(document, "document")
        content = {"document": stored.document_json(), **self._caption(params)}
        return self._send(chat, params, content, stored)

    async def send_photo(self, params: JsonDict) -> JsonDict:
        """sendPhoto."""
        chat = self.target_chat(params["chat_id"])
        photo = params["photo"]
        if isinstance(photo, UploadedFile):
            size = image_size(photo.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            too_elongated = max(width, height) > MAX_PHOTO_RATIO * max(1, min(width, height))
            if width + height > MAX_PHOTO_SIDE_SUM or too_elongated:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            stored = self._state.files.add_photo(photo.data, width, height)
        else:
            stored = self._existing_file(photo, "photo")
        content = {"photo": stored.photo_json(), **self._caption(params)}
        return self._send(chat, params, content, stored)

    def _existing_file(self, file_id: object, kind: str) -> StoredFile:
        text = str(file_id)
        stored = self._state.files.get(text)
        if stored is None:
            if text.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    @staticmethod
    def _caption(params: JsonDict) -> JsonDict:
        caption = params.get("caption")
        if not caption:
            return {}
        entities = params.get("caption_entities")
        formatted = _formatted(caption, params.get("parse_mode"), entities)
        content: JsonDict = {"caption": formatted.text} if formatted.text else {}
        if formatted.entities:
            content["caption_entities"] = formatted.entities
        return content

    def _send(
        self, chat: Chat, params: JsonDict, content: JsonDict, stored_file: StoredFile | None
    ) -> JsonDict:
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        if self._state.limiter is not None:
            self._state.limiter.admit(chat.id, chat.is_group)
        payload: JsonDict = {
            "message_id": chat.next_message_id(),
            "from": self._state.world.bot.to_json(),
            "chat": chat.to_json(),
            "date": self._state.now(),
        }
        if reply_to is not None:
            payload["reply_to_message"] = reply_to.as_reply_target()
        payload.update(copy.deepcopy(content))
        markup = params.get("reply_markup")
        # Only inline keyboards belong to the message; reply keyboards change the user's client.
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            payload["reply_markup"] = copy.deepcopy(markup)
        message = StoredMessage(
            chat_id=chat.id,
            message_id=payload["message_id"],
            from_bot=True,
            sender_id=self._state.world.bot.id,
            payload=payload,
            request=request_record(params),
            file=stored_file,
        )
        self._state.world.append(chat, message)
        return copy.deepcopy(payload)

    @staticmethod
    def _reply_target(chat: Chat, reply_parameters: object) -> StoredMessage | None:
        if not isinstance(reply_parameters, dict):
            return None
        other_chat = reply_parameters.get("chat_id")
        if other_chat is not None and other_chat != chat.id:
            raise bad_request("replies to messages in other chats are not supported by the sandbox")
        target = chat.message(reply_parameters["message_id"])
        if target is None and not reply_parameters.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def _addressed_message(self, params: JsonDict, not_found: str) -> tuple[Chat, StoredMessage]:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the sandbox")
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.target_chat(params["chat_id"])
        message = chat.message(params["message_id"])
        if message is None:
            raise bad_request(not_found)
        return chat, message

    async def edit_message_text(self, params: JsonDict) -> JsonDict:
        """editMessageText."""
        _, message = self._addressed_message(params, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if "text" not in message.payload:
            raise bad_request("there is no text in the message to edit")
        if "text" not in params:
            raise bad_request("message text is empty")
        formatted = _formatted(params["text"], params.get("parse_mode"), params.get("entities"))
        changes: JsonDict = {"text": formatted.text, "entities": formatted.entities or None}
        changes["reply_markup"] = params.get("reply_markup")
        return self._edit(message, changes, params)

    async def edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        """editMessageReplyMarkup."""
        _, message = self._addressed_message(params, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return self._edit(message, {"reply_markup": params.get("reply_markup")}, params)

    def _edit(self, message: StoredMessage, changes: JsonDict, params: JsonDict) -> JsonDict:
        # Telegram drops the inline keyboard when an edit does not repeat it.
        if all(message.payload.get(key) == value for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        message.history.append(copy.deepcopy(message.payload))
        for key, value in changes.items():
            if value is None:
                message.payload.pop(key, None)
            else:
                message.payload[key] = copy.deepcopy(value)
        message.payload["edit_date"] = self._state.now()
        if "text" in params:
            for replaced in ("text", "parse_mode", "entities"):
                message.request.pop(replaced, None)
        message.request.update(request_record(params))
        if "reply_markup" not in params:
            message.request.pop("reply_markup", None)
        self._state.world.notify()
        return copy.deepcopy(message.payload)

    async def delete_message(self, params: JsonDict) -> bool:
        """deleteMessage."""
        _, message = self._addressed_message(params, "message to delete not found")
        message.deleted = True
        self._state.world.notify()
        return True

    async def send_chat_action(self, params: JsonDict) -> bool:
        """sendChatAction."""
        chat = self.target_chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        record = ChatActionRecord(chat.id, params["action"], self._state.now())
        self._state.chat_actions.append(record)
        return True

    async def answer_callback_query(self, params: JsonDict) -> bool:
        """answerCallbackQuery."""
        query = self._state.callback_queries.get(params["callback_query_id"])
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answered = True
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        self._state.world.notify()
        return True

    async def get_file(self, params: JsonDict) -> JsonDict:
        """getFile."""
        stored = self._state.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_LIMIT_BYTES:
            raise bad_request("file is too big")
        return stored.file_json()
