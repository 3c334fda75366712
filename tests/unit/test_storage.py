"""Storage: atomic writes, the per-file lock, the sessions index, reading TOML."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

import readtui.core.storage as storage
from readtui.core.errors import ReadtuiError
from readtui.core.storage import (
    SESSIONS_KEPT,
    FileLock,
    atomic_write,
    file_sha256,
    parse_toml,
    read_sessions,
    record_session,
)
from tests.conftest import write_assessment

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name not in keep)


# --- atomic_write ---------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.toml"
    atomic_write(target, "first = 1\n")
    assert target.read_text(encoding="utf-8") == "first = 1\n"
    atomic_write(target, "second = '日本語 😀'\n")
    assert target.read_bytes() == "second = '日本語 😀'\n".encode()
    assert leftovers(tmp_path, {"out.toml"}) == []


def test_atomic_write_keeps_the_mode_of_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_atomic_write_new_file_follows_the_umask(tmp_path: Path) -> None:
    """A new assessment is created like any other file (0666 less the umask), not private 0600."""
    old_umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.toml", "x = 1\n")
        (tmp_path / "plain.toml").write_text("x = 1\n", encoding="utf-8")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.toml").stat().st_mode) == stat.S_IMODE(
        (tmp_path / "plain.toml").stat().st_mode
    )


def fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise ENOSPC

    monkeypatch.setattr(os, "fsync", fsync)


def fail_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src, dst) -> None:
        raise ENOSPC

    monkeypatch.setattr(os, "replace", replace)


def fail_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, handle) -> None:
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc_info) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise ENOSPC

        def __getattr__(self, name: str):
            return getattr(self.handle, name)

    monkeypatch.setattr(os, "fdopen", lambda fd, *args, **kwargs: HalfWritten(real_fdopen(fd, *args, **kwargs)))


@pytest.mark.parametrize("breaker", [fail_write, fail_fsync, fail_replace], ids=["write", "fsync", "replace"])
def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breaker) -> None:
    target = tmp_path / "essay.tester.readtui.toml"
    old = 'format = "readtui-assessment/1"\nold = "answers"\n' * 50
    target.write_text(old, encoding="utf-8")
    breaker(monkeypatch)
    with pytest.raises(ReadtuiError) as caught:
        atomic_write(target, "new = 'text'\n" * 500)
    monkeypatch.undo()
    assert str(caught.value) == f"{target}: could not save: No space left on device"
    assert caught.value.file == str(target)
    assert target.read_text(encoding="utf-8") == old
    assert leftovers(tmp_path, {target.name}) == [], "no temporary file is left behind"


def test_failed_first_write_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_fsync(monkeypatch)
    with pytest.raises(ReadtuiError, match="could not save"):
        atomic_write(tmp_path / "new.toml", "x = 1\n")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_write_into_a_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "out.toml"
    with pytest.raises(ReadtuiError) as caught:
        atomic_write(target, "x")
    assert str(caught.value) == f"{target}: could not save: No such file or directory"


# --- FileLock -------------------------------------------------------------------------------


def test_lock_file_holds_the_pid_and_goes_away(tmp_path: Path) -> None:
    target = tmp_path / "a.readtui.toml"
    lock = FileLock(target)
    lock.acquire()
    assert lock.path == tmp_path / "a.readtui.toml.lock"
    assert lock.path.read_text() == f"{os.getpid()}\n"
    lock.release()
    assert not lock.path.exists()
    lock.release()  # releasing twice is harmless


def test_second_lock_on_the_same_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "a.readtui.toml"
    with FileLock(target):
        with pytest.raises(ReadtuiError) as caught:
            FileLock(target).acquire()
        assert str(caught.value) == f"{target}: already open in another readtui (pid {os.getpid()}); close it first"
        assert "already open" in str(caught.value)
        with pytest.raises(ReadtuiError, match="already open"):
            FileLock(str(target)).acquire()
    with FileLock(target) as again:
        assert again.path.exists()
    assert not again.path.exists()


def test_locks_on_different_files_are_independent(tmp_path: Path) -> None:
    with FileLock(tmp_path / "a.toml"), FileLock(tmp_path / "b.toml"):
        assert (tmp_path / "a.toml.lock").exists() and (tmp_path / "b.toml.lock").exists()


def test_lock_left_by_a_dead_process_can_be_taken(tmp_path: Path) -> None:
    target = tmp_path / "a.readtui.toml"
    (tmp_path / "a.readtui.toml.lock").write_text("99999999\n")
    with FileLock(target) as lock:
        assert lock.path.read_text() == f"{os.getpid()}\n"


# --- reading TOML ---------------------------------------------------------------------------


def test_parse_toml_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbfkey = "value"\n')
    assert parse_toml(path) == {"key": "value"}


def test_parse_toml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("ok = 1\nbad = [1,\n2,,]\n", encoding="utf-8")
    with pytest.raises(ReadtuiError) as caught:
        parse_toml(path)
    assert str(caught.value).startswith(f"{path}:3:")
    assert "TOML syntax error" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_file_sha256(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"abc")
    assert file_sha256(path) == hashlib.sha256(b"abc").hexdigest()


# --- the sessions index ---------------------------------------------------------------------


def entry(n: int, **extra) -> dict:
    return {
        "path": f"/essays/e{n}.tester.readtui.toml",
        "title": f"Essay {n}",
        "updated": f"2024-05-{n % 28 + 1:02d}T10:{n % 60:02d}:00+00:00",
    } | extra


def test_missing_index_reads_as_empty(tmp_path: Path) -> None:
    assert read_sessions(tmp_path / "sessions.toml") == []


def test_record_and_read_newest_first(tmp_path: Path) -> None:
    index = tmp_path / "deep" / "sessions.toml"
    record_session(index, entry(3))
    record_session(index, entry(1))
    record_session(index, entry(5, encoding=None, answered=2))
    entries = read_sessions(index)
    assert [e["title"] for e in entries] == ["Essay 5", "Essay 3", "Essay 1"]
    assert entries[0]["answered"] == 2
    assert "encoding" not in entries[0], "None values are left out"


def test_recording_a_path_again_replaces_it(tmp_path: Path) -> None:
    index = tmp_path / "sessions.toml"
    record_session(index, entry(1, answered=0))
    record_session(index, entry(2))
    record_session(index, entry(1, answered=3, updated="2024-06-01T00:00:00+00:00"))
    entries = read_sessions(index)
    assert [(e["title"], e.get("answered")) for e in entries] == [("Essay 1", 3), ("Essay 2", None)]


def test_index_keeps_the_newest_fifty(tmp_path: Path) -> None:
    index = tmp_path / "sessions.toml"
    for n in range(60):
        record_session(index, {"path": f"/e/{n}.toml", "updated": f"2024-01-01T00:{n:02d}:00+00:00"})
    entries = read_sessions(index)
    assert SESSIONS_KEPT == 50
    assert len(entries) == 50
    assert [e["path"] for e in entries] == [f"/e/{n}.toml" for n in range(59, 9, -1)]
    assert len(parse_toml(index)["session"]) == 50, "the file itself is trimmed"


@pytest.mark.parametrize(
    "content",
    [
        b"this is [not toml",
        b"\xff\xfe\x00garbage",
        b"session = 3\n",
        b'session = "x"\n',
        b"[session]\npath = 1\n",
        b"",
    ],
    ids=["syntax", "binary", "int", "string", "table", "empty"],
)
def test_damaged_index_reads_as_empty_and_is_rewritten(tmp_path: Path, content: bytes) -> None:
    index = tmp_path / "sessions.toml"
    index.write_bytes(content)
    assert read_sessions(index) == []
    record_session(index, entry(1))
    assert [e["title"] for e in read_sessions(index)] == ["Essay 1"]


def test_entries_without_a_path_are_skipped(tmp_path: Path) -> None:
    index = tmp_path / "sessions.toml"
    index.write_text(
        '[[session]]\ntitle = "no path"\n\n[[session]]\npath = 3\n\n[[session]]\npath = "/ok.toml"\nupdated = "x"\n',
        encoding="utf-8",
    )
    assert read_sessions(index) == [{"path": "/ok.toml", "updated": "x"}]


def test_record_session_uses_atomic_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "sessions.toml"
    record_session(index, entry(1))
    before = index.read_bytes()
    fail_replace(monkeypatch)
    with pytest.raises(ReadtuiError):
        record_session(index, entry(2))
    monkeypatch.undo()
    assert index.read_bytes() == before
    assert leftovers(tmp_path, {"sessions.toml", "sessions.toml.lock"}) == []
    assert storage.read_sessions(index)[0]["title"] == "Essay 1"


def test_parse_toml_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    with pytest.raises(ReadtuiError) as caught:
        parse_toml(path)
    assert str(caught.value) == f"{path}: TOML syntax error: nested too deeply"
    assert read_sessions(path) == [], "a damaged sessions index reads as empty"


def test_error_messages_show_control_characters_in_file_names() -> None:
    assert (
        str(ReadtuiError("a\nb\x1b\x7f\x85\udcff.toml", "no such file", "line 1"))
        == "a\u240ab\u241b\u2421\ufffd\ufffd.toml: line 1: no such file"
    )
    assert str(ReadtuiError(None, "plain")) == "plain"


def test_atomic_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "alice.readtui.toml"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "alice.readtui.toml"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    assert not list(real.parent.glob(".*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_symlink_and_its_target_share_one_lock(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("x", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    with FileLock(real):
        with pytest.raises(ReadtuiError, match="already open"):
            FileLock(link).acquire()


def test_stale_temporary_files_of_a_killed_save_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "a.toml"
    target.write_text("x", encoding="utf-8")
    stale = [tmp_path / ".a.toml.0123abcd.tmp", tmp_path / ".a.toml.deadbeef.tmp"]
    others = [tmp_path / ".b.toml.0123abcd.tmp", tmp_path / ".a.toml.notmine.tmp", tmp_path / "a.toml.bak"]
    for path in stale + others:
        path.write_text("partial", encoding="utf-8")
    assert storage.remove_stale_temps(target) == 2
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in others)
    assert target.read_text(encoding="utf-8") == "x"


# --- the preview of a long file ------------------------------------------------------------------


@pytest.fixture
def answered(tmp_path: Path, small_essay_file: Path, critical_checklist) -> Path:
    """An assessment of the small essay with ¶ 1-3 answered, left at ¶ 2: a ``[before]`` table above
    the paragraphs, ``[overall]`` below them."""
    answers = {index: {"claims-supported": "yes", "loaded-words": index} for index in (1, 2, 3)}
    path = write_assessment(
        tmp_path / "a.toml",
        small_essay_file,
        critical_checklist,
        "tester",
        answers,
        overall={"credibility": 3},
        before={"prior-stance": 2},
    )
    path.write_text(path.read_text(encoding="utf-8").replace("position = 1", "position = 2"), encoding="utf-8")
    return path


def test_a_preview_is_the_file_with_only_the_records_of_its_paragraph(answered: Path) -> None:
    full = storage.parse_toml(answered)
    preview = storage.preview_assessment(answered)
    assert preview == full | {"paragraph": [full["paragraph"][1]]}
    assert preview["before"] and preview["overall"]


def test_a_preview_keeps_every_record_of_its_paragraph(answered: Path) -> None:
    text = answered.read_text(encoding="utf-8")
    stale = text.replace("index = 1\n", "index = 2\nstale = true\n", 1)
    answered.write_text(stale, encoding="utf-8")
    assert [record.get("stale", False) for record in storage.preview_assessment(answered)["paragraph"]] == [True, False]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda text: text.replace("position = 2", "position = 5"), id="no-record-there"),
        pytest.param(lambda text: text + 'note = """two\n[[paragraph]]\nlines"""\n', id="multi-line-string"),
        pytest.param(
            lambda text: text.replace(
                "\n[[paragraph]]\nindex = 3", '\n[overall]\nnote = "x"\n\n[[paragraph]]\nindex = 3'
            ),
            id="a-table-between",
        ),
        pytest.param(
            lambda text: text + '\n[overall]\nnote = "x"\n\n[paragraph.explain]\ncheckable = "why"\n',
            id="paragraph-table-at-the-end",
        ),
        pytest.param(lambda text: text.replace("[[paragraph]]", '[["paragraph"]]'), id="quoted-header"),
        pytest.param(lambda text: text.replace("index = 2\n", "index = 2\nindex = 2\n"), id="bad-toml-in-the-record"),
    ],
)
def test_no_preview_of_a_file_laid_out_otherwise(answered: Path, change) -> None:
    """Then the whole file is parsed, and says what is wrong with it, if anything is."""
    answered.write_text(change(answered.read_text(encoding="utf-8")), encoding="utf-8")
    assert storage.preview_assessment(answered) is None
