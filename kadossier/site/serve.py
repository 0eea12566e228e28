"""`kadossier serve`: MkDocs' live-reload server, but a build that fails serves its errors instead of hanging.

Why MkDocs' pages hang (mkdocs/livereload/__init__.py): `_build_loop` sets `_wanted_epoch` before it
calls the builder and `_visible_epoch` only after the builder returned; `_serve_request` makes every page
wait until the two are equal. A builder that raises leaves them unequal, so every page waits until a later
build succeeds, and `mkdocs serve` gives up outright when the first build fails.

Here the builder never raises: a failed build is recorded with the errors it logged, the epoch moves on as
after a good build (open pages reload, onto the error page), and every page is answered at once with those
errors (`path:line:col: message`) and MkDocs' own reload script, so it turns back into the page when a
later build succeeds, as Hugo and Vite do. Stylesheets, scripts and the PDFs are served as before.
"""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer, _serve_url

from kadossier.errors import KadossierError
from kadossier.i18n import active, tr

log = logging.getLogger("mkdocs.plugins.kadossier")

ERROR_TEMPLATE = "site/build-error.html"


class Server(LiveReloadServer):
    """MkDocs' live-reload server whose builder records a failure instead of raising it."""

    def __init__(self, build_site: Callable[[], None], **options: Any) -> None:
        super().__init__(builder=self.build, **options)
        self.build_site = build_site
        self.errors: list[str] | None = None
        """The errors of the last build, if it failed (None: it succeeded)."""

    def build(self) -> None:
        """Build the site; if that fails, keep its errors for the error page (never raises)."""
        with _logged_errors() as logged:
            try:
                self.build_site()
            except (Exception, SystemExit) as exc:  # MkDocs' Abort is a SystemExit
                self.errors = _messages(exc, logged)
                log.error(tr("the site was not built: every page shows the errors until they are fixed"))
                return
        self.errors = None

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"]
        if path.startswith("/livereload/") or not _is_page(path):
            return super()._serve_request(environ, start_response)
        with self._epoch_cond:  # as MkDocs does: wait for the build under way, then answer
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            epoch, errors = self._visible_epoch, self.errors
        if errors is None:
            return super()._serve_request(environ, start_response)
        page = self._inject_js_into_html(error_page(errors).encode("utf-8"), epoch)  # type: ignore[no-untyped-call]
        start_response(
            "500 Internal Server Error",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(page))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [page]


def show_errors(server: LiveReloadServer) -> Server:
    """Make the server of `mkdocs serve` serve a failed rebuild's errors as `kadossier serve` does.

    The plugin's `on_serve` gets MkDocs' server after the first build, already watching the docs: the same
    object is kept (so every watch, and any wrapper put on its builder, stays) and given Server's methods.
    """
    if isinstance(server, Server):
        return server
    server.__class__ = Server
    upgraded = cast(Server, server)
    upgraded.build_site, upgraded.errors = server.builder, None
    upgraded.builder = upgraded.build
    return upgraded


def error_page(errors: list[str]) -> str:
    """The page served while the site cannot be built: the errors, located where they can be."""
    from kadossier.render.present import load_labels
    from kadossier.render.templating import environment

    # kadossier's own template and labels, never a workspace's: the workspace's templates may be what is broken
    language = active()
    ui = load_labels(language)["ui"]
    return environment(None, html=True).get_template(ERROR_TEMPLATE).render(errors=errors, ui=ui, language=language)


def serve(config_file: Path, *, dev_addr: str | None = None, open_in_browser: bool = False) -> None:
    """Serve the site with live reload, as `mkdocs serve` does, but serve a failed build's errors."""
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    options: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}

    def get_config() -> Any:
        return load_config(config_file=str(config_file), site_dir=site_dir, **options)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    host, port = config.dev_addr
    _check_address(host, port)
    mount_path = urlsplit(config.site_url or "/").path
    config.site_url = serve_url = _serve_url(host, port, mount_path)
    first: list[Any] = [config]

    def build_site() -> None:
        log.info(tr("Building documentation..."))
        this = first.pop() if first else get_config()
        this.site_url = serve_url
        build(this, serve_url=serve_url)

    server = Server(build_site, host=host, port=port, root=site_dir, mount_path=mount_path)
    server.error_handler = lambda code: _not_found(Path(site_dir), code)
    try:
        server.build()
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=server.build)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_in_browser)
        except KeyboardInterrupt:
            log.info(tr("Shutting down..."))
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _check_address(host: str, port: int) -> None:
    """Refuse an address the server could not listen on, before the first build rather than after it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KadossierError(
                tr(
                    "cannot serve on {host}:{port}: {reason}; "
                    "choose another address with -a IP:PORT (another kadossier serve may be running there)",
                    host=host,
                    port=port,
                    reason=exc.strerror or exc,
                )
            ) from None


def _not_found(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _is_page(path: str) -> bool:
    """Whether a request is for a page (not a stylesheet, script, image or PDF)."""
    name = path.rsplit("/", 1)[-1]
    return name == "" or name.endswith((".html", ".htm")) or "." not in name


def _messages(exc: BaseException, logged: list[str]) -> list[str]:
    """The lines the error page shows: what the build logged as errors, else the exception itself."""
    if not isinstance(exc, MkDocsException | KadossierError):  # a bug, not the user's to fix
        traceback.print_exc()
    elif not logged:
        log.error(str(exc))
    lines = [line for message in (logged or [str(exc) or type(exc).__name__]) for line in message.splitlines()]
    return [line for line in lines if line.strip()]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _logged_errors() -> Iterator[list[str]]:
    """The messages MkDocs and the plugins log as errors while the block runs."""
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
