"""deploy/nginx.conf: the security headers on every response, websockets, the real address.

The headers are parsed from the file; when nginx is installed the file is also checked by
``nginx -t`` (inside an ``http`` block, with a throwaway certificate) and served for real
in front of a tiny HTTP server, and the headers of its answer are read.
"""

from __future__ import annotations

import http.server
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def headers(text: str) -> dict[str, str]:
    """``add_header`` name → value of an nginx configuration (each must say ``always``)."""
    found = re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', text, re.M)
    return {name.lower(): value for name, value in found}


def resolved(found: dict[str, str], path: str) -> dict[str, str]:
    """The headers of a response to ``path``, the two frame ``map`` variables resolved."""
    component = path.startswith("/component/")
    values = {"$frame_ancestors": "'self'" if component else "'none'",
              "$x_frame_options": "SAMEORIGIN" if component else "DENY"}
    out = {}
    for name, value in found.items():
        for variable, text in values.items():
            value = value.replace(variable, text)
        out[name] = value
    return out


def test_the_frame_maps_deny_every_page_but_the_components():
    text = CONF.read_text()
    assert re.search(r"map \$uri \$x_frame_options \{\s*default\s+\"DENY\";\s*"
                     r"~\^/component/\s+\"SAMEORIGIN\";\s*\}", text)
    assert re.search(r"map \$uri \$frame_ancestors \{\s*default\s+\"'none'\";\s*"
                     r"~\^/component/\s+\"'self'\";\s*\}", text)


def test_the_security_headers_are_set_on_every_response():
    found = resolved(headers(CONF.read_text()), "/")
    assert found["x-frame-options"] == "DENY"
    assert found["referrer-policy"] == "no-referrer"
    assert found["x-content-type-options"] == "nosniff"
    csp = dict(d.strip().split(" ", 1) for d in found["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    for directive, sources in csp.items():  # only this origin, never another host
        assert not re.search(r"https?:|\*|//", sources), (directive, sources)


def test_websockets_and_the_client_address_are_proxied():
    text = CONF.read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    # replaced, not appended ($proxy_add_x_forwarded_for would keep a forged first hop)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _local(text: str, backend: int, port: int) -> str:
    """The configuration on plain HTTP at ``port`` in front of ``backend`` (for a live test)."""
    text = re.sub(r"server 127\.0\.0\.1:\d+;\n", "", text)
    text = text.replace("ip_hash;", f"server 127.0.0.1:{backend};")
    text = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", text, flags=re.S)
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    return re.sub(r"\s*ssl_certificate\S*\s+\S+;", "", text)


def _nginx_conf(folder: Path, body: str) -> Path:
    conf = folder / "nginx.conf"
    conf.write_text(f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
                    "events {}\nhttp {\n"
                    f"access_log off; client_body_temp_path {folder}/body; "
                    f"proxy_temp_path {folder}/proxy;\n{body}\n}}\n")
    return conf


@pytest.mark.skipif(NGINX is None, reason="nginx not installed (apt-get install nginx-light)")
def test_nginx_accepts_the_file(tmp_path):
    certs = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=test", "-keyout", str(tmp_path / "k.pem"), "-out", str(tmp_path / "c.pem")],
        capture_output=True, timeout=60)
    assert certs.returncode == 0
    body = (CONF.read_text().replace("/etc/ssl/carto-vif/fullchain.pem", str(tmp_path / "c.pem"))
            .replace("/etc/ssl/carto-vif/privkey.pem", str(tmp_path / "k.pem")))
    done = subprocess.run([NGINX, "-t", "-c", str(_nginx_conf(tmp_path, body))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx not installed (apt-get install nginx-light)")
def test_nginx_serves_the_headers_and_replaces_x_forwarded_for(tmp_path):
    seen = {}

    class Backend(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen["xff"] = self.headers.get("X-Forwarded-For")
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    backend = http.server.HTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = _free_port()
    conf = _nginx_conf(tmp_path, _local(CONF.read_text(), backend.server_port, port))
    server = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                         headers={"X-Forwarded-For": "6.6.6.6"})
        for _ in range(100):
            try:
                answer = urllib.request.urlopen(request, timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(server.stderr.read().decode() if server.poll() is not None else "no answer")
        for name, value in resolved(headers(CONF.read_text()), "/").items():
            assert answer.headers[name] == value
        assert seen["xff"] == "127.0.0.1"  # the forged hop is gone
        component = urllib.request.urlopen(f"http://127.0.0.1:{port}/component/x/index.html")
        assert component.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in component.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)
        backend.shutdown()
