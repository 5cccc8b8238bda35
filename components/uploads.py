"""Uploads only where an uploader is shown, and a cap on what one session may hold.

Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<file>``) stores whatever
any open session sends, for as long as the session lives, even on a page that shows no
``st.file_uploader``: 80 × 9 MB sent by an anonymous session stayed in the server's memory.
:func:`install` turns the server's in-memory upload manager into a
:class:`GuardedUploadManager`, which keeps a file only when

- the session has been shown an uploader (:func:`file_uploader`, the one way pages make one),
- the file id is one the server itself handed out for that session (``get_upload_urls``),
- and the session would then hold at most :data:`SESSION_CAP_BYTES`.

Anything else is answered ``403`` and logged, and nothing is kept.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOG = logging.getLogger("carto_vif.uploads")
#: Most bytes of uploaded files one session may hold at a time (two files at the 10 MB cap).
SESSION_CAP_BYTES = 20 * 1024 * 1024

_LOCK = threading.Lock()
#: Sessions that were shown an uploader (filled by :func:`file_uploader`).
_ALLOWED_SESSIONS: set[str] = set()


class UploadRefused(Exception):
    """An upload the app does not keep (no uploader shown, unknown file id, over the cap)."""


def _refuse(reason: str, session_id: str) -> None:
    LOG.warning("upload refused (%s) for session %s", reason, session_id)
    try:
        from starlette.exceptions import HTTPException
    except ImportError:  # pragma: no cover - starlette ships with streamlit
        raise UploadRefused(reason) from None
    raise HTTPException(status_code=403, detail="Upload refused")


class GuardedUploadManager(MemoryUploadedFileManager):
    """The in-memory upload manager, keeping only files an uploader of the app asked for."""

    def _issued(self) -> dict[str, set[str]]:
        if not hasattr(self, "_issued_ids"):
            self._issued_ids: dict[str, set[str]] = {}
        return self._issued_ids

    def get_upload_urls(self, session_id, file_names):  # noqa: ANN001, ANN201
        """Hand out upload URLs (only to a session shown an uploader) and remember their ids."""
        with _LOCK:
            allowed = session_id in _ALLOWED_SESSIONS
        if not allowed:
            LOG.warning("upload URLs refused for session %s (no uploader shown)", session_id)
            return []
        infos = super().get_upload_urls(session_id, file_names)
        with self._lock:
            self._issued().setdefault(session_id, set()).update(i.file_id for i in infos)
        return infos

    def add_file(self, session_id, file) -> None:  # noqa: ANN001
        """Keep ``file`` if its id was issued to this session and the session stays under cap."""
        with _LOCK:
            allowed = session_id in _ALLOWED_SESSIONS
        if not allowed:
            _refuse("no uploader shown", session_id)
        with self._lock:
            issued = file.file_id in self._issued().get(session_id, ())
            held = sum(len(f.data) for k, f in self.file_storage.get(session_id, {}).items()
                       if k != file.file_id)
        if not issued:
            _refuse("unknown file id", session_id)
        if held + len(file.data) > SESSION_CAP_BYTES:
            _refuse("session cap reached", session_id)
        super().add_file(session_id, file)

    def remove_session_files(self, session_id: str) -> None:
        """Forget the session's files, issued ids and permission."""
        super().remove_session_files(session_id)
        with self._lock:
            self._issued().pop(session_id, None)
        with _LOCK:
            _ALLOWED_SESSIONS.discard(session_id)


def install() -> bool:
    """Guard the running server's upload manager (once); False when there is no server.

    Under ``streamlit.testing`` (AppTest) there is no server and nothing to guard.
    """
    if not Runtime.exists():
        return False
    manager = Runtime.instance().uploaded_file_mgr
    if isinstance(manager, GuardedUploadManager):
        return True
    if type(manager) is MemoryUploadedFileManager:
        manager.__class__ = GuardedUploadManager
        return True
    LOG.warning("unknown upload manager %s left unguarded", type(manager).__name__)
    return False


def allow_current_session() -> None:
    """Let the session running this script upload (it is being shown an uploader)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        with _LOCK:
            _ALLOWED_SESSIONS.add(ctx.session_id)


def file_uploader(label: str, **kwargs):  # noqa: ANN201
    """``st.file_uploader``, the only way the app shows one: it opens uploads for this session."""
    install()
    allow_current_session()
    return st.file_uploader(label, **kwargs)
