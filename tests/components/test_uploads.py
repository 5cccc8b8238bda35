"""The upload guard: nothing kept for a session shown no uploader, unknown ids, or over the cap."""

from __future__ import annotations

import pytest
from starlette.exceptions import HTTPException
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from components import uploads


@pytest.fixture
def manager():
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    mgr.__class__ = uploads.GuardedUploadManager  # as install() does on the live server
    yield mgr
    uploads._ALLOWED_SESSIONS.clear()


def _file(file_id: str, size: int) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name="x.csv", type="text/csv", data=b"a" * size)


def test_a_session_shown_no_uploader_keeps_nothing(manager):
    assert manager.get_upload_urls("anon", ["a.csv"]) == []
    with pytest.raises(HTTPException) as refused:
        manager.add_file("anon", _file("made-up", 9 * 1024 * 1024))
    assert refused.value.status_code == 403
    assert manager.file_storage.get("anon") is None and manager._total_bytes == 0


def test_an_uploader_session_keeps_only_ids_it_was_given(manager):
    uploads._ALLOWED_SESSIONS.add("gest")
    [info] = manager.get_upload_urls("gest", ["a.csv"])
    manager.add_file("gest", _file(info.file_id, 100))
    assert [f.file_id for f in manager.get_files("gest", [info.file_id])] == [info.file_id]
    with pytest.raises(HTTPException):
        manager.add_file("gest", _file("not-issued", 100))


def test_one_session_holds_at_most_the_cap(manager):
    uploads._ALLOWED_SESSIONS.add("gest")
    infos = manager.get_upload_urls("gest", ["a", "b", "c"])
    nine = 9 * 1024 * 1024
    manager.add_file("gest", _file(infos[0].file_id, nine))
    manager.add_file("gest", _file(infos[1].file_id, nine))
    with pytest.raises(HTTPException):
        manager.add_file("gest", _file(infos[2].file_id, nine))
    assert manager._total_bytes == 2 * nine
    manager.add_file("gest", _file(infos[0].file_id, nine))  # replacing a file is not growth


def test_closing_the_session_forgets_files_and_permission(manager):
    uploads._ALLOWED_SESSIONS.add("gest")
    [info] = manager.get_upload_urls("gest", ["a.csv"])
    manager.add_file("gest", _file(info.file_id, 10))
    manager.remove_session_files("gest")
    assert manager._total_bytes == 0 and "gest" not in uploads._ALLOWED_SESSIONS


def test_install_is_a_no_op_without_a_server():
    assert uploads.install() is False
