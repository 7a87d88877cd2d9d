"""Writes a corpus of hostile packages to OUTDIR, with OUTDIR/corpus.json listing each file and a
fragment the server's refusal must contain.

Usage: hostile_corpus.py OUTDIR
"""
import gzip
import io
import json
import os
import sys
import tarfile

SKILL = b"---\nname: hostile\ndescription: A hostile package\n---\nBody\n"


def tar(entries, fmt=tarfile.GNU_FORMAT):
    """entries: (name, kind, data, linkname); names may be bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt, encoding="utf-8", errors="surrogateescape") as archive:
        for name, kind, data, link in entries:
            if isinstance(name, bytes):
                name = name.decode("utf-8", "surrogateescape")
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = link
            info.mode = 0o644
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return buffer.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def member(name, data):
    """One regular file: its header and its data padded to 512 bytes, nothing after."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info.tobuf(tarfile.GNU_FORMAT) + data + b"\0" * (-len(data) % 512)


def declared_size(size):
    """A valid header for a tiny file whose size field says `size`, and no data."""
    header = bytearray(tar([("big.bin", tarfile.REGTYPE, b"x", "")])[:512])
    header[124:136] = b"%011o\0" % size
    header[148:156] = b" " * 8
    checksum = sum(header)
    header[148:156] = b"%06o\0 " % checksum
    return bytes(header) + b"\0" * 1024


def bomb(total):
    """A gzip stream of a tar with one file of `total` zero bytes, written without holding it."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as stream:
        stream.write(member("SKILL.md", SKILL))
        info = tarfile.TarInfo("zeros.bin")
        info.size = total
        info.mode = 0o644
        stream.write(info.tobuf(tarfile.GNU_FORMAT))
        chunk = b"\0" * (1 << 20)
        for _ in range(total // len(chunk)):
            stream.write(chunk)
        stream.write(b"\0" * 1024)
    return buffer.getvalue()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    skill = ("SKILL.md", tarfile.REGTYPE, SKILL, "")
    cases = {
        "traversal": (gz(tar([skill, ("../../escaped.txt", tarfile.REGTYPE, b"x", "")])), "'..'"),
        "absolute-path": (gz(tar([skill, ("/etc/cron.d/evil", tarfile.REGTYPE, b"x", "")])), "absolute"),
        "symlink": (gz(tar([skill, ("passwd", tarfile.SYMTYPE, b"", "/etc/passwd")])), "symbolic link"),
        "hard-link": (gz(tar([skill, ("linked", tarfile.LNKTYPE, b"", "SKILL.md")])), "hard link"),
        "device": (gz(tar([skill, ("tty", tarfile.CHRTYPE, b"", "")])), "device"),
        "fifo": (gz(tar([skill, ("pipe", tarfile.FIFOTYPE, b"", "")])), "pipe"),
        "gzip-bomb-1GB": (bomb(1 << 30), "expands to more than"),
        "ten-thousand-tiny-files": (gz(tar([skill] + [("f/%05d.txt" % i, tarfile.REGTYPE, b"x", "") for i in range(10000)])), "files"),
        "declared-2GB": (gz(member("SKILL.md", SKILL) + declared_size(2 << 30)), "truncated"),
        "invalid-utf8-name": (gz(tar([skill, (b"bad\xffname.txt", tarfile.REGTYPE, b"x", "")], fmt=tarfile.USTAR_FORMAT)), "UTF-8"),
        "unicode-lookalike-nfc-nfd": (gz(tar([skill, ("caf\u00e9.md", tarfile.REGTYPE, b"a", ""), ("cafe\u0301.md", tarfile.REGTYPE, b"b", "")])), "differ only in"),
        "case-collision": (gz(tar([skill, ("Notes.md", tarfile.REGTYPE, b"a", ""), ("notes.md", tarfile.REGTYPE, b"b", "")])), "differ only in case"),
        "not-gzip": (b"PK\x03\x04 this is a zip, not a tar.gz", "not a gzip"),
        "truncated": (gz(tar([skill, ("big.bin", tarfile.REGTYPE, os.urandom(50000), "")]))[:20000], "truncated"),
    }
    listing = []
    for name, (data, fragment) in cases.items():
        with open(os.path.join(out, name + ".tar.gz"), "wb") as handle:
            handle.write(data)
        listing.append({"name": name, "file": name + ".tar.gz", "fragment": fragment, "bytes": len(data)})
    with open(os.path.join(out, "corpus.json"), "w") as handle:
        json.dump(listing, handle, indent=1)


if __name__ == "__main__":
    main()
