#!/usr/bin/env python3
"""Reads one mutant spec and applies it to a source tree, or reports it stale.

A spec (mutation/mutants/NN-name.mutant) is a few `key: value` header lines
and one snippet pair:

    file: launcher/agent.cpp
    bug: what the mutant gets wrong, in one line
    breaks: the contract point it breaks
    focus: area/name.json ...     (scenarios to try first; optional)
    unobservable: why no scenario can see it   (optional)
    <<<<<<< original
    ...exact text of the original, whole lines...
    =======
    ...the replacement...
    >>>>>>> mutant

The original must occur exactly once in the file: a snippet that is gone
(or now ambiguous) makes the mutant STALE, never silently skipped.

usage: apply_mutant.py SPEC TREE          apply (exit 0), stale (exit 3)
       apply_mutant.py --check SPEC TREE  the same test, writes nothing
       apply_mutant.py --field KEY SPEC   prints a header field ("" if absent)
       apply_mutant.py --parse SPEC...    checks that each spec is well-formed
Exit 2: the spec itself is malformed.
"""
import os
import sys

KEYS = ("file", "bug", "breaks", "focus", "unobservable")


class SpecError(Exception):
    pass


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    fields, original, replacement = {}, [], []
    section = None
    for n, line in enumerate(lines, 1):
        if line == "<<<<<<< original" and section is None:
            section = original
        elif line == "=======" and section is original:
            section = replacement
        elif line == ">>>>>>> mutant" and section is replacement:
            section = "done"
        elif section in (original, replacement):
            section.append(line)
        elif section == "done" or not line.strip() or line.startswith("#"):
            if section == "done" and line.strip():
                raise SpecError(f"{path}:{n}: text after '>>>>>>> mutant'")
        else:
            key, sep, value = line.partition(":")
            if not sep or key.strip() not in KEYS:
                raise SpecError(f"{path}:{n}: expected one of {', '.join(KEYS)} as 'key: value'")
            k = key.strip()
            fields[k] = (fields[k] + " " if k in fields else "") + value.strip()
    if section != "done":
        raise SpecError(f"{path}: needs '<<<<<<< original', '=======', '>>>>>>> mutant' in that order")
    for k in ("file", "bug", "breaks"):
        if not fields.get(k):
            raise SpecError(f"{path}: missing '{k}:'")
    if not original or original == replacement:
        raise SpecError(f"{path}: the original snippet is empty or equal to the replacement")
    return fields, "\n".join(original) + "\n", "\n".join(replacement) + "\n"


def apply(spec, tree, write):
    fields, original, replacement = parse(spec)
    target = os.path.join(tree, fields["file"])
    try:
        with open(target, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return f"STALE: {fields['file']}: {e.strerror}"
    count = text.count(original)
    if count != 1:
        what = "no longer occurs" if count == 0 else f"occurs {count} times"
        return f"STALE: the original snippet {what} in {fields['file']}"
    if write:
        with open(target, "w", encoding="utf-8") as f:
            f.write(text.replace(original, replacement))
    return None


def main(argv):
    try:
        if len(argv) >= 2 and argv[0] == "--parse":
            for spec in argv[1:]:
                parse(spec)
            return 0
        if len(argv) == 3 and argv[0] == "--field":
            fields, _, _ = parse(argv[2])
            print(fields.get(argv[1], ""))
            return 0
        write = True
        if argv and argv[0] == "--check":
            write, argv = False, argv[1:]
        if len(argv) != 2:
            print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
            return 2
        stale = apply(argv[0], argv[1], write)
    except SpecError as e:
        print(f"apply_mutant: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"apply_mutant: {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    if stale:
        print(stale)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
