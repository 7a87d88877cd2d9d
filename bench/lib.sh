# Shared by the bench/ scripts (sourced after scripts/lib.sh).

# skill_repository DIR [FIRST]: a git repository at DIR with the 500 generated skills of the sync
# benchmark (bench/seed.py's shape, indices FIRST to FIRST+499, 200000 by default) in one commit.
skill_repository() {
    git init -q "$1"
    python3 - "$1" "${2:-200000}" <<'PY'
import os, sys
sys.path.insert(0, "bench")
import seed
for index in range(500):
    name, files = seed.skill(int(sys.argv[2]) + index)
    for path, text in files.items():
        full = os.path.join(sys.argv[1], "skills", name, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, "w").write(text)
PY
    git -C "$1" add -A && git -C "$1" -c user.name=b -c user.email=b@example.com commit -qm "500 skills"
}

# perf_summary PERF_DATA: the hottest symbols by self time, then including callees, demangled.
perf_summary() {
    echo "## self time by symbol (perf report --no-children)"
    perf report -i "$1" --stdio --no-children --sort dso,symbol -g none --percent-limit 0.7 2>/dev/null \
        | grep -v '^#' | grep -v '^$' | swift demangle --simplified | cut -c1-200 | awk 'NR <= 60'
    echo
    echo "## time including callees (perf report --children), our code and the libraries it calls"
    perf report -i "$1" --stdio --children --sort symbol -g none --percent-limit 2 2>/dev/null \
        | grep -v '^#' | grep -v '^$' | swift demangle --simplified | cut -c1-200 | awk 'NR <= 120'
}

# wait_idle PID: returns once the process has used at most one clock tick of CPU in each of three
# 0.1 s periods in a row, or has ended, so that work it does after answering — the READMEs a sync
# renders once its run is done — does not run during the next measurement. After 10 s it says so
# on standard error and returns.
wait_idle() {
    local pid="$1" last now quiet=0
    last=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || return 0
    for _ in $(seq 100); do
        sleep 0.1
        now=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || return 0
        if [ "$now" -le $((last + 1)) ]; then
            quiet=$((quiet + 1))
            [ "$quiet" -ge 3 ] && return 0
        else
            quiet=0
        fi
        last=$now
    done
    echo "    (process $pid still busy after 10 s; measuring anyway)" >&2
}
