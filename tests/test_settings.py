"""Settings: defaults, environment, and errors that name the variable."""

import pytest

from config import SettingsError, load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("DONDOC_DATABASE_URL", "DONDOC_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///dondoc.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.tz.key == "Asia/Ho_Chi_Minh"


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DONDOC_TIMEZONE=Asia/Bangkok\n")
    monkeypatch.setenv("DONDOC_DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    monkeypatch.delenv("DONDOC_TIMEZONE", raising=False)
    settings = load_settings()
    assert (settings.database_url, settings.timezone) == (
        "postgresql://postgres@127.0.0.1/test", "Asia/Bangkok")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DONDOC_TIMEZONE", "Asia/Hanoi_City"),
        ("DONDOC_DATABASE_URL", "mysql://root@localhost/x"),
        ("DONDOC_WORKDAY_START", "25:99"),
        ("DONDOC_ADMIN_CHAT_IDS", "not-a-list"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch, tmp_path, name, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_admin_chat_ids_are_comma_separated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_ADMIN_CHAT_IDS", "1001, 1002")
    assert load_settings().admin_chat_ids == [1001, 1002]
