#!/usr/bin/python3
"""Validates scenario files against scenario.schema.json with a real JSON
Schema validator (Debian's python3-jsonschema): every shipped scenario must
pass, every file under --invalid must fail. Run by ctest and CI."""
import argparse
import json
import pathlib
import sys

import jsonschema


def files(root):
    root = pathlib.Path(root)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.json") if not p.name.endswith(".schema.json"))


def errors_of(validator, path):
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        return [f"line {e.lineno} col {e.colno}: {e.msg}"]
    except RecursionError:
        return ["nested too deep to read"]
    return [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(doc)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("schema")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--invalid", action="append", default=[],
                    help="files or folders that must NOT validate")
    args = ap.parse_args()
    schema = json.loads(pathlib.Path(args.schema).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    count = 0
    for root in args.paths:
        for path in files(root):
            count += 1
            for err in errors_of(validator, path):
                print(f"{path}: {err}")
                bad += 1
    for root in args.invalid:
        found = files(root)
        if not found:
            print(f"{root}: no invalid examples found")
            bad += 1
        for path in found:
            count += 1
            if not errors_of(validator, path):
                print(f"{path}: accepted by the schema, but it is meant to be invalid")
                bad += 1
    print(f"{count} file(s) checked, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
