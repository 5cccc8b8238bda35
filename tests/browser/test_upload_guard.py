"""A public session on a page without uploader cannot park files on the server (issue 10)."""

from __future__ import annotations

import re
import uuid

from browser_harness import wait_until_idle

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_an_anonymous_session_cannot_upload(app_server, tab):
    frames: list[bytes] = []

    def on_socket(ws: object) -> None:
        ws.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, bytes) else payload.encode()))

    tab.page.on("websocket", on_socket)
    tab.page.goto(app_server.url + "/?dep=62")
    wait_until_idle(tab.page)
    cookies = {c["name"]: c["value"] for c in tab.page.context.cookies()}
    xsrf = cookies.get("_streamlit_xsrf", "")
    sessions = {m.group().decode() for f in frames for m in UUID.finditer(f)}
    assert sessions, "no session id seen in the websocket frames"
    answers = []
    for session in sessions:
        response = tab.page.request.put(
            f"{app_server.url}/_stcore/upload_file/{session}/{uuid.uuid4()}",
            headers={"X-Xsrftoken": xsrf},
            multipart={"file": {"name": "x.csv", "mimeType": "text/csv",
                                "buffer": b"a" * (2 * 1024 * 1024)}})
        answers.append(response.status)
    # Without the guard the live session's upload is stored (204); with it, refused (403).
    # Ids that are not sessions get 400 either way.
    assert 204 not in answers and 403 in answers, answers
