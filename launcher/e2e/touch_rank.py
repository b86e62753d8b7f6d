# Python worker: touches $OUT_DIR/<prefix><RANK> where prefix is argv[1],
# and records argv and __name__ (for -m and --run-path).
import os
import sys

prefix = sys.argv[1] if len(sys.argv) > 1 else ""
with open(os.path.join(os.environ["OUT_DIR"], prefix + os.environ["RANK"]), "w") as f:
    f.write(f"{__name__} {' '.join(sys.argv[1:])}\n")
