"""Seeds a registry through its public API with N deterministic skills.

Usage: seed.py BASE_URL API_KEY N [--start K]
Names like `pdf-form-filler-0042`, 20-60-word descriptions, 1-4 tags, a ~2 KB SKILL.md and two
more files. About 1 % of the skills mention the word `zephyr` (the "hit" query); no skill
mentions `qqqnotfound` (the "miss" query). Publishes with 8 threads; prints progress.
"""
import concurrent.futures
import json
import random
import sys
import time
import urllib.request

WORDS = ("pdf form filler report chart invoice parse summarise translate review test deploy docker "
         "kubernetes terraform sql query index search cache queue email calendar slack github gitlab "
         "jira confluence notion markdown html css react swift python rust golang java spreadsheet "
         "excel csv json yaml toml xml image audio video transcript meeting notes budget forecast "
         "security audit lint format refactor migrate backup restore monitor alert metrics logs trace").split()
TAGS = "pdf documents data devops frontend backend testing security writing analysis automation cloud".split()


def skill(index):
    rng = random.Random(index)
    stem = "-".join(rng.sample(WORDS, 3))
    name = f"{stem}-{index:06d}"
    words = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
    if index % 100 == 7:
        words.insert(rng.randint(0, len(words)), "zephyr")
    description = " ".join(words).capitalize() + "."
    tags = sorted(set(rng.sample(TAGS, rng.randint(1, 4))))
    body = "\n\n".join(
        f"## Step {step}\n\n" + " ".join(rng.choice(WORDS) for _ in range(45)) for step in range(1, 6)
    )
    skill_md = f"---\nname: {name}\ndescription: {json.dumps(description)}\nversion: 1.0.0\ntags: [{', '.join(tags)}]\nlicense: MIT\n---\n# {stem.replace('-', ' ').title()}\n\n{body}\n"
    return name, {
        "SKILL.md": skill_md,
        "scripts/run.py": "import sys\n\nprint('running', sys.argv[1:])\n" * 4,
        "reference.md": "# Reference\n\n" + " ".join(rng.choice(WORDS) for _ in range(80)) + "\n",
    }


def publish(base, key, index):
    name, files = skill(index)
    request = urllib.request.Request(
        f"{base}/api/v1/assets/skill", data=json.dumps({"files": files}).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-API-Key": key})
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return name, response.status
        except urllib.error.HTTPError as error:
            if error.code in (200, 201):
                return name, error.code
            if attempt == 4:
                raise RuntimeError(f"{name}: {error.code} {error.read()[:200]!r}")
        except OSError:
            if attempt == 4:
                raise
        time.sleep(0.5 * (attempt + 1))


def main():
    base, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    start = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--start" else 0
    began = time.time()
    done = 0
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in pool.map(lambda i: publish(base, key, i), range(start, start + count)):
            done += 1
            if done % 1000 == 0:
                print(f"  seeded {start + done} skills ({done / (time.time() - began):.0f}/s)", flush=True)
    print(f"  seeded {count} skills in {time.time() - began:.1f} s", flush=True)


if __name__ == "__main__":
    main()
