"""A real Redis and a real Celery worker, started and stopped by a test."""

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tests.notifications.servers import free_port

ROOT = Path(settings.BASE_DIR)


def wait_until(condition, *, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {what}")


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        wait_until(lambda: _pings(client), timeout=10, what="Redis")
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _pings(client):
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


class Worker:
    """`celery worker` in its own process, one task at a time."""

    def __init__(self, *, broker_url, database_url, log_path, **environment):
        self.log_path = Path(log_path)
        self.environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "SECRET_KEY": "worker-under-test",
            "LOG_LEVEL": "INFO",
            **{key: str(value) for key, value in environment.items()},
        }
        self.process = None

    def start(self):
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{free_port()}@localhost",
            ],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until(
            lambda: " ready." in self.log_path.read_text() or self.process.poll(),
            timeout=30,
            what="the worker",
        )
        assert self.process.poll() is None, self.log_path.read_text()
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@contextlib.contextmanager
def broker(url):
    """Make this process queue tasks on `url` instead of running them."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    # Celery reads CELERY_BROKER_URL from the environment before its own
    # configuration, so the variable that names CI's Redis must step aside.
    saved_environment = os.environ.pop("CELERY_BROKER_URL", None)
    _reset_pools()
    conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _reset_pools()
        conf.update(saved)
        if saved_environment is not None:
            os.environ["CELERY_BROKER_URL"] = saved_environment


def _reset_pools():
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def shared_database(tmp_path):
    """Yield a DATABASE_URL under which another process sees this test's data.

    PostgreSQL: the test database itself. SQLite: the in-memory test
    database is copied to a file, and this process uses the file until the
    end of the test; the in-memory one is kept open and put back after.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict["USER"] or "")
        password = quote(settings_dict["PASSWORD"] or "")
        credentials = f"{user}:{password}@" if password else f"{user}@"
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or 5432
        yield f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
        return

    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    name = settings_dict["NAME"]
    connection.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = memory
