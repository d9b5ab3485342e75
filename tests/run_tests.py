#!/usr/bin/env python3
"""Run every registered softhba test and print one closing line.

Tests are registered in tests/suites/*.list, one per line:

    name | shell command run from the repository root

Blank lines and lines starting with '#' are ignored.  The name may be
followed by tags: '@slow' marks a test that takes minutes; slow tests start
first, so that with -j they overlap the short ones instead of running alone
at the end.  A test passes when its command exits 0.  Each test's output
goes to build/test-logs/NAME.log and the last lines of a failing test's log
are printed, as the tests finish.  The run ends with the line
'N passed, N failed' and exits non-zero when anything failed.

Options: -k SUBSTRING  run only tests whose name contains SUBSTRING
         -j N          run N tests at once (default: 1)
         --list        print the registered tests and exit
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_DIR = os.path.join(ROOT, "build", "test-logs")
TIMEOUT_S = int(os.environ.get("TEST_TIMEOUT", "900"))


TAGS = {"@slow"}


def load_tests():
    """The registered tests as (name, command), slow ones first, each group in
    list order."""
    tests = []
    slow = []
    seen = set()
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "suites", "*.list"))):
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if " | " not in line:
                    sys.exit(f"{path}:{lineno}: expected 'name | command'")
                name, cmd = (s.strip() for s in line.split(" | ", 1))
                name, *tags = name.split()
                unknown = set(tags) - TAGS
                if unknown:
                    sys.exit(f"{path}:{lineno}: unknown tag {sorted(unknown)[0]} (known: {sorted(TAGS)})")
                if name in seen:
                    sys.exit(f"{path}:{lineno}: duplicate test name {name}")
                seen.add(name)
                (slow if "@slow" in tags else tests).append((name, cmd))
    return slow + tests


def run_one(test):
    name, cmd = test
    log_path = os.path.join(LOG_DIR, name.replace("/", "_") + ".log")
    start = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(f"$ {cmd}\n")
        log.flush()
        try:
            rc = subprocess.run(["bash", "-c", cmd], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, timeout=TIMEOUT_S,
                                stdin=subprocess.DEVNULL).returncode
        except subprocess.TimeoutExpired:
            log.write(f"\n*** timed out after {TIMEOUT_S} s\n")
            rc = 124
    return name, rc, time.monotonic() - start, log_path


def tail(path, n=25):
    with open(path, encoding="utf-8", errors="replace") as f:
        return "".join(f.readlines()[-n:])


def main():
    ap = argparse.ArgumentParser(description="softhba test runner")
    ap.add_argument("-k", default="", help="run tests whose name contains this")
    ap.add_argument("-j", type=int, default=1, help="parallel jobs")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()

    tests = [t for t in load_tests() if args.k in t[0]]
    if args.list:
        for name, cmd in tests:
            print(f"{name:40s} {cmd}")
        return 0
    os.makedirs(LOG_DIR, exist_ok=True)
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        # started in order (slow first), reported as they finish
        running = [ex.submit(run_one, t) for t in tests]
        for done in concurrent.futures.as_completed(running):
            name, rc, secs, log_path = done.result()
            if rc == 0:
                passed += 1
                print(f"PASS  {name}  ({secs:.1f} s)", flush=True)
            else:
                failed += 1
                print(f"FAIL  {name}  (exit {rc}, log {os.path.relpath(log_path, ROOT)})")
                print("      " + tail(log_path).replace("\n", "\n      "), flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
