"""The spec-driven request check, and the check of the sandbox's own answers."""

import json
from pathlib import Path

import pytest

from sandbox import ApiError, BotApiSpec, Sandbox, load_spec, locate_spec
from sandbox.spec import BUNDLED_SPEC, SPEC_ENV_VAR, SpecNotFoundError, read_spec_text
from sandbox.validation import RequestValidator, ResponseChecker, UploadedFile

DONDOC_METHODS = {
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "answerCallbackQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "getFile",
    "sendChatAction",
    "close",
    "logOut",
}


@pytest.fixture
def validator(bot_api_spec: BotApiSpec) -> RequestValidator:
    return RequestValidator(bot_api_spec)


def refusal(validator: RequestValidator, spec: BotApiSpec, method: str, params: dict) -> str:
    with pytest.raises(ApiError) as raised:
        validator.validate(spec.methods[method], params)
    assert raised.value.error_code == 400
    return raised.value.description


def test_the_spec_is_bot_api_10_1_and_covers_every_method_the_sandbox_serves(
    bot_api_spec: BotApiSpec,
) -> None:
    assert bot_api_spec.version == "Bot API 10.1"
    assert set(bot_api_spec.methods) >= DONDOC_METHODS
    assert Sandbox(spec=bot_api_spec).supported_methods == DONDOC_METHODS


def test_subtypes_know_their_discriminator(bot_api_spec: BotApiSpec) -> None:
    assert bot_api_spec.types["BotCommandScopeChat"].discriminator == ("type", "chat")
    assert bot_api_spec.types["ChatMemberBanned"].discriminator == ("status", "kicked")
    assert bot_api_spec.types["InlineKeyboardButton"].discriminator is None


def test_form_strings_are_converted_like_telegram_does(
    validator: RequestValidator, bot_api_spec: BotApiSpec
) -> None:
    checked = validator.validate(
        bot_api_spec.methods["sendMessage"],
        {
            "chat_id": "123",
            "text": "42",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
        },
    )

    assert checked == {
        "chat_id": 123,
        "text": "42",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    }


def test_nested_problems_name_their_path(
    validator: RequestValidator, bot_api_spec: BotApiSpec
) -> None:
    def markup_refusal(markup: object) -> str:
        params = {"chat_id": 1, "text": "x", "reply_markup": json.dumps(markup)}
        return refusal(validator, bot_api_spec, "sendMessage", params)

    assert markup_refusal({"inline_keyboard": [[{"text": "A", "callback_data": "a", "x": 1}]]}) == (
        'Bad Request: can\'t parse reply_markup: unknown field "inline_keyboard[0][0].x"'
    )
    assert markup_refusal({"inline_keyboard": [[{"callback_data": "a"}]]}) == (
        'Bad Request: can\'t parse reply_markup: field "inline_keyboard[0][0].text" is required'
    )
    assert markup_refusal({"inline_keyboard": [[{"text": "A"}]]}) == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    assert markup_refusal({"inline_keyboard": {"text": "A"}}) == (
        'Bad Request: can\'t parse reply_markup: field "inline_keyboard" must be of type '
        "Array of Array of InlineKeyboardButton"
    )


def test_abstract_types_accept_any_of_their_subtypes(
    validator: RequestValidator, bot_api_spec: BotApiSpec
) -> None:
    method = bot_api_spec.methods["setMyCommands"]
    commands = '[{"command": "start", "description": "Bắt đầu"}]'

    checked = validator.validate(
        method, {"commands": commands, "scope": '{"type": "chat", "chat_id": 5}'}
    )
    assert checked["scope"] == {"type": "chat", "chat_id": 5}

    description = refusal(
        validator, bot_api_spec, "setMyCommands", {"commands": commands, "scope": '{"type": "x"}'}
    )
    assert description.startswith('Bad Request: can\'t parse scope: field "type" must be one of')
    assert '"chat_member"' in description
    no_chat = {"commands": commands, "scope": '{"type": "chat"}'}
    assert refusal(validator, bot_api_spec, "setMyCommands", no_chat) == (
        'Bad Request: can\'t parse scope: field "chat_id" is required'
    )


def test_stated_length_limits(validator: RequestValidator, bot_api_spec: BotApiSpec) -> None:
    def commands(command: str) -> dict:
        return {"commands": json.dumps([{"command": command, "description": "d"}])}

    assert refusal(validator, bot_api_spec, "setMyCommands", commands("x" * 33)) == (
        "Bad Request: BOT_COMMAND_INVALID"
    )
    assert refusal(validator, bot_api_spec, "setMyCommands", commands("Start")) == (
        "Bad Request: BOT_COMMAND_INVALID"
    )
    long_answer = {"callback_query_id": "1", "text": "a" * 201}
    assert refusal(validator, bot_api_spec, "answerCallbackQuery", long_answer) == (
        "Bad Request: MESSAGE_TOO_LONG"
    )
    caption = {"chat_id": 1, "document": "id", "caption": "c" * 1025}
    assert refusal(validator, bot_api_spec, "sendDocument", caption) == (
        "Bad Request: message caption is too long"
    )


def test_files_arrive_as_parts_or_attach_references(
    validator: RequestValidator, bot_api_spec: BotApiSpec
) -> None:
    upload = UploadedFile("a.txt", "text/plain", b"abc")
    method = bot_api_spec.methods["sendDocument"]

    direct = validator.validate(method, {"chat_id": 1, "document": upload})
    attached = validator.validate(
        method, {"chat_id": 1, "document": "attach://part1", "part1": upload}
    )
    by_id = validator.validate(method, {"chat_id": 1, "document": "BQAC-id"})

    assert direct["document"] == attached["document"] == upload
    assert by_id["document"] == "BQAC-id"
    assert refusal(validator, bot_api_spec, "sendDocument", {"chat_id": 1}) == (
        "Bad Request: there is no document in the request"
    )


def test_unsupported_parse_mode(validator: RequestValidator, bot_api_spec: BotApiSpec) -> None:
    params = {"chat_id": 1, "text": "x", "parse_mode": "BBCode"}

    assert refusal(validator, bot_api_spec, "sendMessage", params) == (
        "Bad Request: unsupported parse_mode"
    )


def test_response_checker_catches_invalid_answers(bot_api_spec: BotApiSpec) -> None:
    checker = ResponseChecker(bot_api_spec)
    chat = {"id": 1, "type": "private", "first_name": "A"}
    message = {"message_id": 1, "date": 0, "chat": chat, "text": "x"}

    assert checker.problems(("Message",), message, "sendMessage result") == []
    assert checker.problems(("Message",), {**message, "txt": "x"}, "r") == [
        'r: unknown field "txt"'
    ]
    assert checker.problems(("Message",), {"message_id": 1, "chat": chat}, "r") == [
        'r: field "date" is required'
    ]
    assert checker.problems(("Message",), {**message, "date": "0"}, "r") == [
        'r: field "date" must be of type Integer'
    ]


def test_spec_location_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    assert locate_spec() == BUNDLED_SPEC  # inside the package: a clone needs nothing beside it
    copied = tmp_path / "api.json"
    copied.write_text(read_spec_text(), encoding="utf-8")
    monkeypatch.setenv(SPEC_ENV_VAR, str(copied))

    assert locate_spec() == copied
    assert load_spec().version == "Bot API 10.1"
    with pytest.raises(SpecNotFoundError):
        locate_spec(tmp_path / "missing.json")
    monkeypatch.setenv(SPEC_ENV_VAR, str(tmp_path / "missing.json"))
    with pytest.raises(SpecNotFoundError):
        locate_spec()
