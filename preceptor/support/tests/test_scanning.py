"""ClamAV over the clamd INSTREAM protocol, against a small fake clamd in a thread: what it was sent is checked
byte by byte, and its verdict decides whether an attachment is taken."""

from __future__ import annotations

import socket
import struct
import threading

import pytest

from preceptor.support.attachments import AttachmentRefused
from preceptor.support.models import Attachment, Ticket
from preceptor.support.scanning import ScanError, scan
from preceptor.support.tests.conftest import PNG

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """Answers each INSTREAM with "stream: OK", or "stream: Eicar-Signature FOUND" when the stream holds the EICAR
    test string; records the streams it received."""

    def __init__(self, family: int, address: str | tuple[str, int]) -> None:
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address)
        self.server.listen(4)
        self.address = self.server.getsockname()
        self.streams: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def _exactly(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                self.commands.append(command)
                stream = b""
                while True:
                    (size,) = struct.unpack(">I", self._exactly(conn, 4))
                    if size == 0:
                        break
                    stream += self._exactly(conn, size)
                self.streams.append(stream)
                verdict = b"stream: Eicar-Signature FOUND\0" if EICAR in stream else b"stream: OK\0"
                conn.sendall(verdict)

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def clamd_tcp(settings):
    server = FakeClamd(socket.AF_INET, ("127.0.0.1", 0))
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", server.address[1]
    yield server
    server.close()


@pytest.fixture
def clamd_unix(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = FakeClamd(socket.AF_UNIX, path)
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = path, ""
    yield server
    server.close()


def test_a_clean_file_is_streamed_in_length_prefixed_chunks_and_passes(clamd_tcp):
    data = b"%PDF-1.4 " + bytes(range(256)) * 600  # more than one 64 KiB chunk
    assert scan(data) is None
    assert clamd_tcp.commands == [b"zINSTREAM\0"]
    assert clamd_tcp.streams == [data]


def test_the_eicar_test_file_is_found_over_a_unix_socket(clamd_unix):
    assert scan(b"text before " + EICAR) == "Eicar-Signature"


def test_nothing_is_scanned_while_clamd_is_not_configured(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    assert scan(EICAR) is None


def test_a_configured_clamd_that_does_not_answer_refuses_rather_than_lets_through(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", port
    with pytest.raises(ScanError):
        scan(b"hello")


@pytest.mark.django_db
def test_an_infected_attachment_is_refused_and_no_ticket_is_stored(clamd_tcp, ticket_of):
    with pytest.raises(AttachmentRefused, match="virus"):
        ticket_of(files=[("notes.txt", b"see: " + EICAR)])
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_clean_attachment_is_scanned_and_kept(clamd_tcp, ticket_of):
    ticket = ticket_of(files=[("screen.png", PNG)])
    assert clamd_tcp.streams == [PNG]
    assert Attachment.objects.get(message__ticket=ticket).file.read() == PNG
