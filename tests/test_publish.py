"""The README's publishing recipe works as written: Debian's nginx, running templates/deploy/nginx-kadossier.conf (the
file itself, with the six values it marks CHANGE filled in), serves the example site behind a login, sends
`X-Robots-Tag: noindex` with every answer, and opens only the secret calendar feeds (and robots.txt) to
requests without a login."""

from __future__ import annotations

import base64
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

RECIPE = ROOT / "templates" / "deploy" / "nginx-kadossier.conf"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
USER, PASSWORD = "zhou.min", "correct horse 周敏"
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (bash .ci/setup test installs Debian's nginx package)"
)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass(frozen=True)
class Server:
    port: int
    context: ssl.SSLContext

    def get(self, path: str, *, login: tuple[str, str] | None = None) -> Answer:
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=10)
        headers = {}
        if login is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(login).encode()).decode()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


def _filled(recipe: str, values: dict[str, str]) -> str:
    """The recipe with the values it marks CHANGE replaced, as its reader does (each must be there once)."""
    for old, new in values.items():
        assert recipe.count(old) == 1, f"{RECIPE.name} no longer has {old!r} once: update the test and the README"
        recipe = recipe.replace(old, new)
    return recipe


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _logins(folder: Path) -> Path:
    """The logins file, made as the recipe says: `openssl passwd -6` (the password on stdin here)."""
    hashed = subprocess.run(
        ["openssl", "passwd", "-6", "-stdin"], input=PASSWORD, text=True, check=True, capture_output=True
    ).stdout.strip()
    logins = folder / "kadossier.htpasswd"
    logins.write_text(f"{USER}:{hashed}\n", encoding="utf-8")
    return logins


def _main_config(prefix: Path, server_block: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf is around the recipe (it includes sites-enabled/* in `http`), in a
    temporary prefix; as root, the workers stay root, so that they can read pytest's private folders."""
    temporary = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi"))
    return "\n".join(
        [
            "user root;" if os.geteuid() == 0 else "",
            f"pid {prefix / 'nginx.pid'};",
            f"error_log {prefix / 'error.log'};",
            "worker_processes 1;",
            "events { worker_connections 64; }",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            f"    access_log {prefix / 'access.log'};",
            f"    {temporary} uwsgi_temp_path {prefix / 'uwsgi'}; scgi_temp_path {prefix / 'scgi'};",
            f"    include {server_block};",
            "}",
        ]
    )


@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """nginx with the recipe, serving the example site (with its PDFs), in the foreground: stopped by the test."""
    prefix = tmp_path_factory.mktemp("nginx")
    cert, key = _certificate(prefix)
    port = _free_port()
    block = _filled(
        RECIPE.read_text(encoding="utf-8"),
        {
            "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
            "server_name wiki.example.com;": "server_name localhost;",
            "ssl_certificate /etc/ssl/kadossier/fullchain.pem;": f"ssl_certificate {cert};",
            "ssl_certificate_key /etc/ssl/kadossier/privkey.pem;": f"ssl_certificate_key {key};",
            "root /srv/kadossier/site;": f"root {site};",
            "auth_basic_user_file /etc/nginx/kadossier.htpasswd;": f"auth_basic_user_file {_logins(prefix)};",
        },
    )
    (prefix / "kadossier.conf").write_text(block, encoding="utf-8")
    (prefix / "nginx.conf").write_text(_main_config(prefix, prefix / "kadossier.conf"), encoding="utf-8")
    assert NGINX is not None
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    context = ssl.create_default_context(cafile=str(cert))
    try:
        _wait_for(port, process, prefix)
        yield Server(port, context)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes], prefix: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (prefix / "error.log").read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"nginx stopped ({process.returncode}): {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("nginx did not listen within 10 s")


def _noindex(answer: Answer) -> None:
    assert answer.headers.get("X-Robots-Tag") == "noindex, nofollow", dict(answer.headers)


def _feed(site: Path) -> str:
    feeds = sorted(site.glob("calendars/*/*.ics"))
    assert feeds, "the example site has no personal calendar feed"
    return "/" + feeds[0].relative_to(site).as_posix()


def test_without_a_login_the_wiki_answers_401(server: Server) -> None:
    for path in ["/", "/accounts/shenyang-daily/", "/visits.ics", "/search/search_index.json", "/sitemap.xml"]:
        answer = server.get(path)
        assert answer.status == 401, path
        _noindex(answer)
    assert server.get("/", login=(USER, "wrong")).status == 401


def test_with_the_login_the_dashboard(server: Server) -> None:
    answer = server.get("/", login=(USER, PASSWORD))
    assert answer.status == 200
    _noindex(answer)
    html = answer.body.decode()
    assert "<h1" in html and ">Dashboard</h1>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_a_feed_answers_without_a_login(server: Server, site: Path) -> None:
    answer = server.get(_feed(site))
    assert answer.status == 200
    assert answer.headers.get_content_type() == "text/calendar"
    assert answer.body.startswith(b"BEGIN:VCALENDAR")
    _noindex(answer)


def test_the_rest_of_the_calendars_folder_needs_the_login(server: Server, site: Path) -> None:
    feed = _feed(site)
    folder = feed.rsplit("/", 1)[0]
    token = folder.rsplit("/", 1)[1]
    for path in [
        "/calendars/",
        "/calendars/index.html",
        f"{folder}/",
        f"/calendars/{token}x/a.ics",
        "/calendars/a.ics",
    ]:
        answer = server.get(path)
        assert answer.status == 401, path
        _noindex(answer)
    assert server.get(f"{folder}/", login=(USER, PASSWORD)).status in (403, 404)  # never a listing
    assert server.get(feed.replace(".ics", "-not-a-feed.ics")).status in (401, 404)


def test_pdfs_and_the_team_calendar_say_noindex(server: Server, site: Path) -> None:
    pdf = "/" + next(site.glob("pdf/*.pdf")).relative_to(site).as_posix()
    answer = server.get(pdf, login=(USER, PASSWORD))
    assert answer.status == 200 and answer.body.startswith(b"%PDF")
    assert answer.headers.get_content_type() == "application/pdf"
    _noindex(answer)
    team = server.get("/visits.ics", login=(USER, PASSWORD))
    assert team.status == 200 and team.headers.get_content_type() == "text/calendar"
    _noindex(team)


def test_robots_txt_refuses_every_crawler_without_a_login(server: Server) -> None:
    answer = server.get("/robots.txt")
    assert answer.status == 200
    assert re.search(rb"^User-agent: \*\nDisallow: /$", answer.body, re.M)
    _noindex(answer)


def test_the_readme_shows_the_recipe_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```nginx\n(.*?)^```", readme, flags=re.M | re.S)
    assert blocks == [RECIPE.read_text(encoding="utf-8")]
