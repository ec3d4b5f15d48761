"""A real IMAP server for tests: Dovecot from the OS packages, configured in a throwaway directory.

`dovecot_server` (session-scoped) writes a dovecot.conf listening on 127.0.0.1 at a free port,
without SSL and with plaintext login allowed, one mailbox user in a passwd-file, maildir mail in
the temporary directory, starts `dovecot -F -c CONF`, waits for the port and stops it at the end.
Tests put mail in with IMAP APPEND (`ImapServer.append`), each in a folder of its own
(`ImapServer.new_folder`) so that tests never see each other's mail.

Dovecot refuses to run its login processes as root and refuses mail users with UID 0: run by a
normal user, every process runs as that user; run by root, the login processes run as the
unprivileged `dovenull` and mail is read as `dovecot`, the users the Debian package creates.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER = "collections@lender.example"
PASSWORD = "inbox-test-password"

_folders = itertools.count(1)

CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
mail_location = maildir:{root}/mail/%u
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {internal_user}
  }}
  unix_listener stats-writer {{
    user = {internal_user}
  }}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    log_path: Path

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port)
        client.login(self.user, self.password)
        return client

    def new_folder(self) -> str:
        """A new, empty folder for one test."""
        name = f"Test{next(_folders)}"
        client = self.connect()
        try:
            _ok(client.create(name))
        finally:
            client.logout()
        return name

    def append(self, folder: str, message: bytes, *, received_at: datetime | None = None) -> int:
        """Deliver one message into `folder` as the server received it at `received_at`; its UID."""
        client = self.connect()
        try:
            typ, data = client.append(folder, "", received_at or time.time(), message)
            _ok((typ, data))
        finally:
            client.logout()
        # "[APPENDUID <uidvalidity> <uid>] Append completed."
        text = data[0].decode() if isinstance(data[0], bytes) else str(data[0])
        return int(text.split("]")[0].split()[2])

    def recreate(self, folder: str) -> None:
        """Delete the folder and make it again: the server gives it a new UIDVALIDITY."""
        client = self.connect()
        try:
            _ok(client.delete(folder))
            _ok(client.create(folder))
        finally:
            client.logout()


def _ok(response: tuple[str, list[object]]) -> None:
    typ, data = response
    if typ != "OK":
        raise RuntimeError(f"IMAP said {typ}: {data!r}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text() if log_path.exists() else ""
            raise RuntimeError(f"dovecot stopped at start (exit {process.returncode}):\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                if connection.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {port} within 20 seconds")


def _accounts() -> tuple[str, str, str, int, int]:
    """(internal user, internal group, login user, mail uid, mail gid) for whoever runs the tests."""
    me = pwd.getpwuid(os.getuid())
    if os.getuid() != 0:
        return me.pw_name, _group_name(me.pw_gid), me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")
    return "dovecot", _group_name(internal.pw_gid), "dovenull", internal.pw_uid, internal.pw_gid


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[ImapServer]:
    if not Path(DOVECOT).exists():
        pytest.fail(f"{DOVECOT} is missing: scripts/ensure-os-packages installs dovecot-imapd")
    root = Path(tempfile.mkdtemp(prefix="recoup-dovecot-"))
    root.chmod(0o755)  # the unprivileged login and mail processes pass through it
    internal_user, internal_group, login_user, uid, gid = _accounts()
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid)
    port = _free_port()
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/home::\n")
    conf = root / "dovecot.conf"
    conf.write_text(
        CONF.format(
            root=root,
            port=port,
            internal_user=internal_user,
            internal_group=internal_group,
            login_user=login_user,
        )
    )
    log_path = root / "dovecot.log"
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process, log_path)
        yield ImapServer(host="127.0.0.1", port=port, user=USER, password=PASSWORD, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
