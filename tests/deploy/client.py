"""A browser's traffic through the proxy, without a browser: HTTP requests that keep their cookies (the proxy's
stickiness cookie, Streamlit's XSRF cookie), file uploads, and sessions of the app's WebSocket protocol
(the messages of bench/protocol.py), each saying which replica answered."""

from __future__ import annotations

import asyncio
import http.client
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from bench.protocol import TIMEOUT_S, _rerun, _until_finished

REPLICA_HEADER = "X-Engagement-Replica"
ROUTE_COOKIE = "engagement_route"
XSRF_COOKIE = "_streamlit_xsrf"
# How long one reply may take on the loaded test machine (seconds).
REPLY_S = 60


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def tried(self) -> list[str]:
        """The replicas the proxy tried, in order (nginx's $upstream_addr: "a, b" when a failed)."""
        return [r.strip() for r in self.headers.get(REPLICA_HEADER, "").split(",") if r.strip()]

    @property
    def replica(self) -> str:
        """The replica that answered: the last one tried."""
        return (self.tried or [""])[-1]


def _strings(message) -> list[str]:
    """Every string field of a protobuf message and of the messages inside it."""
    found: list[str] = []
    for _, value in message.ListFields():
        repeated = not isinstance(value, str | bytes) and not hasattr(value, "ListFields") and hasattr(value, "__len__")
        for item in value if repeated else [value]:
            if isinstance(item, str):
                found.append(item)
            elif hasattr(item, "ListFields"):
                found += _strings(item)
    return found


@dataclass
class Page:
    """What one script run sent: its elements, their texts, and the metric tiles as label -> value."""

    elements: list = field(default_factory=list)

    def add(self, element) -> None:
        self.elements.append(element)

    @property
    def texts(self) -> str:
        return "\n".join(s for e in self.elements for s in _strings(e))

    @property
    def metrics(self) -> dict[str, str]:
        return {e.metric.label: e.metric.body for e in self.elements if e.WhichOneof("type") == "metric"}

    def widget(self, kind: str, label_start: str):
        """The first widget of ``kind`` (the element's type, such as "selectbox") whose label starts so."""
        for e in self.elements:
            if e.WhichOneof("type") == kind and getattr(e, kind).label.startswith(label_start):
                return getattr(e, kind)
        raise AssertionError(f"the page drew no {kind} labelled {label_start!r}")


class Visitor:
    """One browser reaching the service at ``base`` ("http://host:port"), with its own cookies. With ``name``
    it asks for the service by that host name (as a browser does for a real site) while connecting to
    ``base``'s address: Streamlit lets any origin on localhost or 127.0.0.1 in, a real name only when the
    Host it sees matches the page's origin."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None, name: str | None = None) -> None:
        self.base = base
        self.cookies = dict(cookies or {})
        port = urlsplit(base).port
        self.netloc = f"{name}:{port}" if name else urlsplit(base).netloc

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        """An HTTP request (never through an HTTP proxy from the environment); cookies set are kept."""
        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REPLY_S)
        try:
            headers = {"Host": self.netloc, **self._cookie_header(), **(headers or {})}
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return reply

    def upload(self, url_path: str, name: str, data: bytes) -> Reply:
        """PUT a file to a session's upload URL as the browser's file uploader does (multipart, XSRF header)."""
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="UploadedFile"; filename="{name}"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": self.cookies[XSRF_COOKIE],
        }
        return self.request("PUT", url_path, body, headers)

    def session(self) -> Session:
        return Session(self)


class Session:
    """A session of the app's WebSocket protocol through the proxy, as the browser opens it (its cookies, its
    Origin, Streamlit's subprotocol with the XSRF token); ``replica`` is the one that accepted it."""

    def __init__(self, visitor: Visitor) -> None:
        self.visitor = visitor
        self.ws = None
        self.replica = ""

    async def __aenter__(self) -> Session:
        import websockets

        address = urlsplit(self.visitor.base)
        protocols = ["streamlit"] + ([self.visitor.cookies[XSRF_COOKIE]] if XSRF_COOKIE in self.visitor.cookies else [])
        self.ws = await websockets.connect(
            f"ws://{self.visitor.netloc}/_stcore/stream",
            host=address.hostname,
            port=address.port,
            subprotocols=protocols,
            origin=f"http://{self.visitor.netloc}",
            additional_headers=self.visitor._cookie_header(),
            max_size=None,
            proxy=None,
            open_timeout=REPLY_S,
        )
        self.replica = self.ws.response.headers.get(REPLICA_HEADER, "").split(",")[-1].strip()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, query: str, page: str = "", widgets: list | None = None) -> Page:
        """Rerun the script as the browser does and read the page it sends, until the run finishes."""
        shown = Page()
        await self.ws.send(_rerun(query, page, widgets))
        await _until_finished(self.ws, shown.add)
        return shown

    async def upload_urls(self, name: str):
        """Ask for an upload URL as the file uploader does (a FileURLsRequest), and wait for the answer."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(name)
        await self.ws.send(request.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), TIMEOUT_S))
            if msg.WhichOneof("type") == "file_urls_response":
                assert msg.file_urls_response.response_id == request.file_urls_request.request_id
                return msg.file_urls_response.file_urls[0]
