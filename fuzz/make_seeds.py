#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/:
ordinary inputs, and the reproducers of issue 12's defects (named repro_*),
which scripts/fuzz.sh replays as they are on every run. Rerun after changing
a seed here; the files are committed."""
import json
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    d = root / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def frame(obj):
    body = obj.encode() if isinstance(obj, str) else json.dumps(obj).encode()
    return struct.pack(">I", len(body)) + body


def join(node, nproc=1, mn=1, mx=1, run="job", last=1000, timeout=1000, i=1):
    return frame({"op": "join", "id": i, "run_id": run, "node": node, "nproc": nproc,
                  "restart_count": 0, "min": mn, "max": mx, "last_call_ms": last,
                  "join_timeout_ms": timeout})


# The c10d store's frames.
write("store_frames", "ping", frame({"op": "ping", "id": 1}))
write("store_frames", "kv", b"".join(frame(m) for m in [
    {"op": "set", "id": 1, "key": "k", "value": "v"},
    {"op": "get", "id": 2, "key": "k"},
    {"op": "cas", "id": 3, "key": "k", "expected": "v", "desired": "w"},
    {"op": "cas", "id": 4, "key": "n", "expected": None, "desired": "1"},
    {"op": "add", "id": 5, "key": "c", "delta": 3},
    {"op": "wait", "id": 6, "keys": ["k", "c"]}]))
write("store_frames", "join_barrier",
      join("a") + frame({"op": "barrier", "id": 2, "run_id": "job", "node": "a", "round": 0}))
write("store_frames", "two_nodes", join("a", 2, 2, 2) + join("b", 3, 2, 2, i=2))
write("store_frames", "garbage", b"GET / HTTP/1.1\r\n\r\n")
write("store_frames", "oversized", b"\x7f\x00\x00\x00")
# Item 1: an id nested 100,000 deep overflowed the store host's stack.
write("store_frames", "repro_deep_id",
      frame('{"op":"ping","id":' + "[" * 100000 + "]" * 100000 + "}"))
# Item 7: add overflowed; a huge unsigned delta wrapped.
write("store_frames", "repro_add_overflow",
      frame({"op": "add", "id": 1, "key": "n", "delta": 2**63 - 1}) +
      frame({"op": "add", "id": 2, "key": "n", "delta": 1}) +
      frame('{"op":"add","id":3,"key":"m","delta":18446744073709551615}'))
# Item 7: two nodes of nproc 2^31-1 gave world_size -2.
write("store_frames", "repro_world_overflow",
      join("a", 2**31 - 1, 2, 2) + join("b", 2**31 - 1, 2, 2, i=2))
# Item 7: last_call_ms / join_timeout_ms overflowed std::chrono.
write("store_frames", "repro_chrono_overflow",
      join("a", last=2**63 - 1, timeout=2**63 - 1, mx=2) + join("b", last=1, timeout=2**62, mx=2, i=2))
write("store_frames", "repro_structured_id", frame({"op": "ping", "id": {"a": [1, [2, {"b": 3}]]}}))
write("store_frames", "repro_run_id_flood",
      b"".join(join("n", mn=2, mx=2, run="r%d" % i, i=i) for i in range(20)))

# refrun's command line: NUL-separated arguments, then "\x01" and KEY=VALUE.
def argv(*args, env=()):
    return "\0".join(list(args) + (["\x01"] + list(env) if env else []))


write("refrun_options", "static", argv("--nproc-per-node=4", "--no-python", "/bin/true", "a"))
write("refrun_options", "c10d", argv("--nnodes=1:2", "--rdzv-backend=c10d",
                                      "--rdzv-endpoint=localhost:29400", "--rdzv-id=j",
                                      "--rdzv-conf=join_timeout=5,last_call_timeout=1",
                                      "--tee=3", "--redirects", "0:3,1:1", "train.py"))
write("refrun_options", "pet_env", argv("-m", "pkg.train", env=["PET_NPROC_PER_NODE=2",
                                                             "PET_TEE=3", "PET_MAX_RESTARTS=2"]))
write("refrun_options", "standalone", argv("--standalone", "--nproc_per_node=gpu",
                                            "--local-ranks-filter=0,1", "--signals-to-handle=USR1",
                                            "--run-path", "x.py"))
# Item 9: these used to pass the parser and go wrong later.
write("refrun_options", "repro_empty_script", argv("--no-python", ""))
write("refrun_options", "repro_directory_script", argv("--no-python", "/tmp"))
write("refrun_options", "repro_long_run_id", argv("--rdzv-id=" + "x" * 5000, "--no-python", "/bin/true"))
write("refrun_options", "repro_huge_nproc", argv("--nproc-per-node=100000", "--no-python", "/bin/true"))
write("refrun_options", "repro_huge_seconds", argv("--stop-timeout=1e308", "--rdzv-conf=timeout=1e400",
                                                   "--standalone", "--no-python", "/bin/true"))
write("refrun_options", "repro_world_overflow", argv("--nnodes=2147483647", "--nproc-per-node=2",
                                                     "--no-python", "/bin/true"))

# Scenarios (the suite itself and harness/testdata/invalid are seeds too).
node = {"worker": {"fixture": "cpp", "args": ["exit:0"]}}
write("scenario", "minimal", json.dumps({"nodes": [node]}))
write("scenario", "repro_timeout_1e308", '{"timeout_s": 1e308, "nodes": [%s]}' % json.dumps(node))
write("scenario", "repro_timeout_1e400", '{"timeout_s": 1e400, "nodes": [%s]}' % json.dumps(node))
write("scenario", "repro_after_s", json.dumps({"nodes": [node], "faults": [
    {"when": {"after_s": 1e300}, "do": {"start_node": "n0"}},
    {"when": {"after_s": -1}, "do": {"start_node": "n0"}}]}))
write("scenario", "repro_started_2pow32",
      '{"nodes": [%s], "expect": {"attempts": [{"attempt": 0, "started": [4294967296]}]}}'
      % json.dumps(node))
write("scenario", "repro_backtracking_regex", json.dumps({"nodes": [node], "faults": [
    {"when": {"output_matches": "(a*)*b"}, "do": {"start_node": "n0"}}],
    "expect": {"output": [{"regex": "(a*)*b", "count": 0}]}}))
write("scenario", "repro_deep_nesting", '{"tags": ' + "[" * 100000 + "]" * 100000 + "}")

# Profiles.
write("profile", "minimal", json.dumps({"name": "p", "command": ["{build}/bin/refrun"]}))
write("profile", "full", json.dumps({
    "name": "p", "command": ["{profile_dir}/x.sh", "{build}/bin/refrun"], "option_style": "underscore",
    "omit_defaults": True, "env": {"A": "1"}, "capabilities": ["static"],
    "expectations": "p.expectations.json"}))
write("profile", "repro_deep_nesting", '{"env": ' + "{\"a\":" * 50000 + "1" + "}" * 50000 + "}")

# Worker error records (TORCHELASTIC_ERROR_FILE).
write("error_record", "torchelastic", json.dumps({"message": {
    "message": "RuntimeError: boom",
    "extraInfo": {"py_callstack": "Traceback\n  File x\nRuntimeError: boom",
                  "timestamp": "1700000000"}}}))
write("error_record", "plain", json.dumps({"message": "oops"}))
# A timestamp of 1e300 reached static_cast<time_t> (UBSan: float-cast-overflow).
write("error_record", "repro_timestamp_1e300",
      '{"message": {"message": "m", "extraInfo": {"timestamp": 1e300}}}')
write("error_record", "repro_timestamp_strings",
      '{"message": {"message": "m", "extraInfo": {"timestamp": "-1e300"}}}')
