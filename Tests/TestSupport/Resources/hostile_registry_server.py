"""A registry that answers downloads with hostile packages, on 127.0.0.1.

Usage: hostile_registry_server.py PORT_FILE
GET /api/v1/assets/skill/NAME/versions/1.0.0/download answers a .tar.gz made for NAME:
  traversal  SKILL.md and ../../escaped.txt
  absolute   SKILL.md and /tmp/agenthub-escaped-absolute.txt
  symlink    SKILL.md and a symbolic link to /etc/passwd
  hardlink   SKILL.md and a hard link to ../../escaped.txt
  device     SKILL.md and a character device
  digest     a harmless package whose X-AgentHub-Digest does not match it
Every other path is a 404 in the registry's error shape.
"""
import hashlib
import http.server
import io
import os
import sys
import tarfile

SKILL = b"---\nname: %s\ndescription: Looks harmless\n---\nBody\n"


def archive(name):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.USTAR_FORMAT) as tar:
        def add(path, data=b"", kind=tarfile.REGTYPE, link=""):
            info = tarfile.TarInfo(path)
            info.type = kind
            info.linkname = link
            info.mode = 0o644
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("SKILL.md", SKILL % name.encode())
        if name == "traversal":
            add("../../escaped.txt", b"escaped\n")
        elif name == "absolute":
            add("/tmp/agenthub-escaped-absolute.txt", b"escaped\n")
        elif name == "symlink":
            add("passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")
        elif name == "hardlink":
            add("linked", kind=tarfile.LNKTYPE, link="../../escaped.txt")
        elif name == "device":
            add("tty", kind=tarfile.CHRTYPE)
    return buffer.getvalue()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 8 and parts[:4] == ["api", "v1", "assets", "skill"] and parts[5:] == ["versions", "1.0.0", "download"]:
            body = archive(parts[4])
            digest = "sha256:" + ("0" * 64 if parts[4] == "digest" else hashlib.sha256(body).hexdigest())
            return self.answer(200, body, {"Content-Type": "application/gzip", "X-AgentHub-Digest": digest, "X-AgentHub-Version": "1.0.0", "ETag": '"%s"' % digest})
        self.answer(404, b'{"detail": "not found"}', {"Content-Type": "application/json"})

    def answer(self, status, body, headers):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
