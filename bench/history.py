"""Writes a bare git repository with a large history, through `git fast-import`.

Usage: history.py PATH MEGABYTES
MEGABYTES commits; each rewrites one of 20 files of 1 MB of random (incompressible) bytes under
`data/` (no asset lives there) and edits the SKILL.md of one of 50 skills, so the history is about
MEGABYTES large while the newest tree holds 50 small skills. Deterministic (seeded).
"""
import random
import subprocess
import sys

path, megabytes = sys.argv[1], int(sys.argv[2])
subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
importer = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet"], stdin=subprocess.PIPE)
out = importer.stdin
rng = random.Random(megabytes)


def data(payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


for index in range(megabytes):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1700000000 + index))
    data(b"history step %d" % index)
    out.write(b"M 100644 inline data/blob-%02d.bin\n" % (index % 20))
    data(rng.randbytes(1 << 20))
    for skill in (range(50) if index == 0 else [index % 50]):
        text = f"---\nname: history-skill-{skill:02d}\ndescription: A skill edited in step {index}\n---\n# Step {index}\n".encode()
        out.write(b"M 100644 inline skills/history-skill-%02d/SKILL.md\n" % skill)
        data(text)
out.close()
if importer.wait() != 0:
    sys.exit("git fast-import failed")
