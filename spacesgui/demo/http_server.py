"""moto's threaded S3 server, made to stop cleanly and to log quietly."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

http_log = logging.getLogger("spacesgui.demo.http")

JOIN_TIMEOUT_S = 5.0
POLL_INTERVAL_S = 0.05  # how soon serve_forever notices stop(); moto leaves it at 0.5 s


class DemoMotoServer(ThreadedMotoServer):
    """A `ThreadedMotoServer` that also closes its socket and open connections on `stop()`.

    moto's own `stop()` ends the accept loop but leaves the listening socket bound and every
    keep-alive connection's handler thread waiting for its next request. Request lines go
    to the "spacesgui.demo.http" logger at DEBUG instead of stderr.
    """

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(ip_address=ip_address, port=port, verbose=False)
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._connections_lock = threading.Lock()
        self.start_error: BaseException | None = None

    def _server_entry(self) -> None:
        owner = self

        class Handler(MotoRequestHandler):
            def setup(self) -> None:
                super().setup()
                with owner._connections_lock:
                    owner._connections[threading.current_thread()] = self.connection

            def finish(self) -> None:
                try:
                    super().finish()
                finally:
                    with owner._connections_lock:
                        owner._connections.pop(threading.current_thread(), None)

            def log(self, type: str, message: str, *args: Any) -> None:
                level = logging.WARNING if type == "error" else logging.DEBUG
                http_log.log(level, message, *args)

        try:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=Handler)
        except BaseException as exc:
            self.start_error = exc
            return
        finally:
            self._server_ready_event.set()  # never leave start() waiting
        self._server.serve_forever(poll_interval=POLL_INTERVAL_S)

    def stop(self) -> None:
        """Stop serving, close the port and every open connection, and join their threads."""
        if self._server is not None:
            super().stop()
            self._server.server_close()
        elif self._thread is not None:
            self._thread.join(JOIN_TIMEOUT_S)
        with self._connections_lock:
            open_connections = list(self._connections.items())
        for _thread, connection in open_connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
        for thread, _connection in open_connections:
            thread.join(JOIN_TIMEOUT_S)
