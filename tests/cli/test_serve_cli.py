"""`readtui serve`'s options: the token, who may be let in, and the command each browser tab runs.
The server itself is replaced here (it would run until Ctrl+C); tests/browser/test_serve.py
runs the real one."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from readtui.core.essay import sample_essay_path
from tests.conftest import cli


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The servers the command would have started (not started)."""
    from readtui.cli.web import ReadtuiServer

    started: list[Any] = []
    monkeypatch.setattr(ReadtuiServer, "serve", lambda self: started.append(self))
    return started


def test_a_new_random_token_each_time_in_the_printed_address(servers) -> None:
    assert cli("serve").exit_code == 0
    assert cli("serve").exit_code == 0
    first, second = (server.token for server in servers)
    assert len(first) >= 32 and first != second
    assert servers[0].url == f"http://127.0.0.1:8000/?token={first}"


def test_no_token_only_on_this_machine(servers) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--no-token")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--no-token: only with --host 127.0.0.1 (anyone who can reach 0.0.0.0 could read)"
    ]
    assert servers == []
    assert cli("serve", "--no-token").exit_code == 0
    assert servers[0].token is None and servers[0].url == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("args", [["--token", ""], ["--token", "t", "--no-token"]])
def test_a_token_and_no_token_or_an_empty_one_is_refused(servers, args: list[str]) -> None:
    result = cli("serve", *args)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.output
    assert servers == []


def test_another_host_is_warned_about(servers) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--port", "8123", "--token", "t")
    assert result.exit_code == 0
    assert "Warning: listening on 0.0.0.0: anyone who can reach it on port 8123 and has the token" in result.stderr
    assert "Warning" not in cli("serve").stderr


@pytest.mark.parametrize("problem", ["no checklist", "a broken checklist", "a key for another essay"])
def test_bad_input_fails_once_before_serving(servers, tmp_path: Path, small_essay_file: Path, problem: str) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "broken"\n', encoding="utf-8")
    key = sample_essay_path().with_name("rapprochement-iran-isis.key.readtui.toml")
    args = {
        "no checklist": ["--checklist", "no-such-checklist"],
        "a broken checklist": ["--checklist", str(broken)],
        "a key for another essay": ["--key", str(key)],
    }[problem]
    result = cli("serve", str(small_essay_file), *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() and "Traceback" not in result.output
    assert servers == []


def test_each_tab_runs_readtui_with_the_teachers_files_asking_the_name(
    servers, tmp_path: Path, small_essay_file: Path, critical_checklist_path: Path
) -> None:
    checklist = tmp_path / "mine.toml"
    shutil.copy(critical_checklist_path, checklist)
    assert cli("serve", "essay.txt", "--dir", "class/a", "--checklist", "mine.toml").exit_code == 0
    assert (tmp_path / "class" / "a").is_dir()
    args = shlex.split(servers[0].command)
    assert args[:5] == ["exec", sys.executable, "-m", "readtui", "read"]
    assert args[5:] == [
        str(small_essay_file),
        "--checklist",
        str(checklist),
        "--served-into",
        str(tmp_path / "class" / "a"),
    ]


def test_with_a_key_each_tab_trains(servers, tmp_path: Path) -> None:
    key = sample_essay_path().with_name("rapprochement-iran-isis.key.readtui.toml")
    assert cli("serve", str(sample_essay_path()), "--key", str(key)).exit_code == 0
    args = shlex.split(servers[0].command)
    assert args[4:8] == ["train", str(sample_essay_path()), "--key", str(key)]
    assert args[-2:] == ["--served-into", str(tmp_path / "class")]  # the default DIR


def test_the_served_option_is_not_in_the_help() -> None:
    assert "--served-into" not in cli("read", "--help").output
    assert "--served-into" not in cli("train", "--help").output


def test_behind_a_proxy_the_public_address_is_printed_and_trusted(servers) -> None:
    assert cli("serve", "--public-url", "https://class.school.lan/reading", "--token", "t").exit_code == 0
    assert servers[0].url == "https://class.school.lan/reading/?token=t"
    assert servers[0].proxied_origin == "class.school.lan"


@pytest.mark.parametrize("url", ["class.school.lan", "ftp://class.school.lan/", "https:///x", "https://a/?x=1"])
def test_a_public_address_that_is_no_web_page_is_refused(servers, url: str) -> None:
    result = cli("serve", "--public-url", url)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"--public-url: {url!r} is not an http:// or https:// address of a page"]
    assert servers == []


def test_on_every_interface_the_address_printed_is_one_students_can_open(servers) -> None:
    assert cli("serve", "--host", "0.0.0.0", "--port", "8123", "--token", "t").exit_code == 0
    host = urlsplit(servers[0].url).hostname
    assert host and host != "0.0.0.0"
    assert servers[0].url.endswith(":8123/?token=t")
