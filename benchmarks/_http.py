"""A lean HTTP/1.1 keep-alive client for the load benchmark (asyncio streams, no parsing beyond
what a response needs: status, Content-Length or chunked body).

The load generator shares two cores with the servers and PostgreSQL, so what it costs per
request is taken from them: httpx spends ~2.4 ms of CPU on one request here, this client ~0.1 ms
(both printed by ``api_load.py``). It speaks only what the benchmark sends: GET and POST with a
JSON body, fixed headers (the session and CSRF cookies, the CSRF token), one request at a time
on each connection, as a browser's connection does.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class Connection:
    """One keep-alive connection to ``host:port``, reopened when the server closes it."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        fixed = {"host": f"{host}:{port}", "accept": "*/*", **headers}
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: Any = None) -> int:
        """Send one request and read its whole answer; its status code (599: no answer)."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self.fixed}"
        if body is not None:
            head += f"content-type: application/json\r\ncontent-length: {len(payload)}\r\n"
        for attempt in (0, 1):  # a kept-alive connection the server closed: open it again
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(head.encode() + b"\r\n" + payload)
                return await self._answer(self.reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    return 599
        return 599

    async def _answer(self, reader: asyncio.StreamReader) -> int:
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except ConnectionError:
                pass
        self.reader = self.writer = None
