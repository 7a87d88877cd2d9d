"""Answers GitHub- and GitLab-style repository listings from recorded pages, on 127.0.0.1.

Usage: api_pages_server.py PAGES_JSON PORT_FILE TOKEN
PAGES_JSON maps a path (without query) to a list of pages (each a JSON list). Requests must carry
the token (GitHub: `Authorization: Bearer TOKEN`; GitLab, paths under /api/v4/: `PRIVATE-TOKEN`).
Pagination: `page` query parameter; the next page is announced with `Link: <…>; rel="next"`
(GitHub) or `X-Next-Page` (GitLab), as the real APIs do.
"""
import http.server
import json
import os
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        gitlab = parsed.path.startswith("/api/v4/")
        token = self.headers.get("PRIVATE-TOKEN") if gitlab else (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token != self.server.token:
            return self.answer(401, {"message": "Bad credentials"})
        pages = self.server.pages.get(parsed.path)
        if pages is None:
            return self.answer(404, {"message": "Not Found"})
        page = int(query.get("page", ["1"])[0])
        items = pages[page - 1] if 0 < page <= len(pages) else []
        headers = {}
        if page < len(pages):
            if gitlab:
                headers["X-Next-Page"] = str(page + 1)
            else:
                next_query = dict((key, values[0]) for key, values in query.items())
                next_query["page"] = str(page + 1)
                headers["Link"] = f'<http://127.0.0.1:{self.server.server_address[1]}{parsed.path}?{urllib.parse.urlencode(next_query)}>; rel="next"'
        elif gitlab:
            headers["X-Next-Page"] = ""
        self.answer(200, items, headers)

    def answer(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def main():
    with open(sys.argv[1]) as handle:
        pages = json.load(handle)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.pages = pages
    server.token = sys.argv[3]
    with open(sys.argv[2] + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
