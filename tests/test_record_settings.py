"""The [record] section: its store forms, the token's rules, the app kinds
it may record, the per-instance default file, and the start-up refusals
(a memory record under several workers, a store folder that is not there,
a Redis URL whose password must not be shown)."""

import os
import tempfile

import pytest

from conftest import settings_text
from wsgi_echo import settings as settings_module
from wsgi_echo.record.stores import default_path, open_store
from wsgi_echo.settings import SettingsError
from wsgi_echo.settings.converters import StoreSpec, app_kinds, record_store, secret_token
from wsgi_echo.testing.ini import write_settings


def load(tmp_path, **sections):
    return settings_module.load(
        write_settings(tmp_path / "settings.ini", settings_text(**sections))
    )


@pytest.mark.parametrize(
    "text, spec",
    [
        ("sqlite", StoreSpec("sqlite", "")),
        ("memory", StoreSpec("memory", "")),
        ("sqlite:/var/lib/rec.sqlite3", StoreSpec("sqlite", "/var/lib/rec.sqlite3")),
        ("sqlite:rec.sqlite3", StoreSpec("sqlite", os.path.join("/etc/we", "rec.sqlite3"))),
        ("redis://127.0.0.1:6379/2", StoreSpec("redis", "redis://127.0.0.1:6379/2")),
        ("rediss://u:p@cache:6380/0", StoreSpec("redis", "rediss://u:p@cache:6380/0")),
    ],
)
def test_store_forms(text, spec):
    assert record_store(text, "/etc/we") == spec


@pytest.mark.parametrize("text", ["mysql://x", "redis://", "sqlite3", "", "redis://h /0"])
def test_other_stores_are_refused(text):
    with pytest.raises(ValueError):
        record_store(text, "/")


def test_a_redis_url_is_shown_without_its_password():
    assert StoreSpec("redis", "redis://me:pw@h:1/0").shown() == "redis://h:1/0"


def test_the_token_is_empty_or_long_and_visible():
    assert secret_token("", "/") == ""
    assert secret_token("x" * 16, "/") == "x" * 16
    for bad in ("short", "x" * 15, "has a space 0123456", "tab\t0123456789abcdef"):
        with pytest.raises(ValueError):
            secret_token(bad, "/")


def test_only_echo_and_httpbin_may_be_recorded():
    convert = app_kinds("echo", "httpbin")
    assert convert("echo, httpbin", "/") == {"echo", "httpbin"}
    assert convert("", "/") == frozenset()
    for bad in ("static", "requests", "echo static"):
        with pytest.raises(ValueError):
            convert(bad, "/")


def test_recording_is_on_by_default_with_the_api_mounted(tmp_path):
    loaded = load(tmp_path, server={"port": 8123})
    assert loaded.record.enabled
    assert loaded.record.store == StoreSpec("sqlite", "")
    assert ("/_requests", "requests") in loaded.routes


def test_the_default_file_is_per_instance_and_port():
    assert default_path("edge-1", 8081) == os.path.join(
        tempfile.gettempdir(), "wsgi-echo-record-edge-1-8081.sqlite3"
    )
    assert default_path("edge-1", 8081) != default_path("edge-2", 8081)
    assert default_path("a/b..c", 1).endswith("wsgi-echo-record-a_b..c-1.sqlite3")
    assert open_store(StoreSpec("sqlite", ""), 10, 1.0, "edge-1", 8081).path == default_path(
        "edge-1", 8081
    )


def test_a_memory_record_under_several_workers_is_refused(tmp_path):
    with pytest.raises(SettingsError, match=r"\[record\] store.*each worker"):
        load(tmp_path, server={"workers": 2}, record={"store": "memory"})
    assert load(tmp_path, server={"workers": 1}, record={"store": "memory"}).record.store.kind
    # Nothing records and nothing reads: nothing to refuse.
    load(
        tmp_path,
        server={"workers": 2},
        record={"store": "memory", "enabled": False},
        routes={"/": "echo"},
    )


def test_a_sqlite_file_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load(tmp_path, record={"store": "sqlite:nowhere/record.sqlite3"})


def test_a_bad_store_is_one_line_naming_section_and_key(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, record={"store": "postgres://db"})
    assert "[record] store" in str(caught.value) and "\n" not in str(caught.value)
