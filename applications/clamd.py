"""A client of clamd's INSTREAM command (the antivirus of the uploads, applications.uploads): the file is streamed in
chunks, each prefixed with its length, and clamd answers `stream: OK` or `stream: <name> FOUND`."""

import socket
import struct


class ClamdError(Exception):
    """clamd could not be reached or did not answer as expected."""


def _clamd_connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address[len("unix:") :])
        except BaseException:
            sock.close()
            raise
        return sock
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ClamdError(f"CLAMD_ADDRESS {address!r} is neither host:port nor unix:/path")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def clamd_instream(uploaded, *, address: str, timeout: float, chunk_size: int = 64 * 1024) -> str:
    """Stream *uploaded* to clamd (``zINSTREAM``) and return its reply, e.g. ``"stream: OK"``.

    Raises ``ClamdError`` when clamd cannot be reached, times out or hangs up.
    """
    try:
        with _clamd_connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            uploaded.seek(0)
            for chunk in uploaded.chunks(chunk_size):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < 4096:
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:  # refused, unreachable, timeout, reset, broken pipe
        raise ClamdError(f"{type(exc).__name__}: {exc}") from exc
    if not reply:
        raise ClamdError("clamd closed the connection without a reply")
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
