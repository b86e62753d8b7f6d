#!/usr/bin/env python3
"""Makes DST a copy of the files of SRC named on stdin (NUL-separated paths).

Only files whose bytes differ are written, and files of DST no longer named
are removed (outside DST's build-mutation/), so the copy's build stays
incremental between mutation runs.  usage: sync_tree.py SRC DST < LIST
"""
import os
import shutil
import sys


def main(src, dst):
    names = [n for n in sys.stdin.buffer.read().decode().split("\0") if n]
    wanted = set()
    for name in names:
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if not os.path.isfile(s) or os.path.islink(s):
            continue  # deleted in the working tree, or a link: not source
        wanted.add(os.path.normpath(name))
        try:
            with open(s, "rb") as a, open(d, "rb") as b:
                if a.read() == b.read():
                    continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(s, d)
        os.utime(d)  # newer than anything built from the old bytes
    for top, dirs, files in os.walk(dst):
        rel_top = os.path.relpath(top, dst)
        if rel_top == ".":
            dirs[:] = [x for x in dirs if x != "build-mutation"]
        for f in files:
            rel = os.path.normpath(os.path.join(rel_top, f))
            if rel not in wanted:
                os.remove(os.path.join(top, f))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
