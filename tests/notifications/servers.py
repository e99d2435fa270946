"""Real servers on 127.0.0.1 for the transports to talk to."""

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmsGateway:
    """An HTTP SMS gateway that answers from a script: (status, body) pairs,
    the last one repeated.
    """

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.requests.append(
                    {
                        "headers": dict(self.headers),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                index = min(len(gateway.requests), len(gateway.answers)) - 1
                status, body = gateway.answers[index]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SmtpServer:
    """An SMTP server that answers DATA from a script of replies, the last
    one repeated; "250 ..." keeps the message.
    """

    def __init__(self, replies=("250 OK",)):
        self.replies = list(replies)
        self.received = []
        self.tries = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        reply = self.replies[min(self.tries, len(self.replies)) - 1]
        if reply.startswith("250"):
            self.received.append(envelope)
        return reply

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.controller.stop()

    def mailers(self):
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
