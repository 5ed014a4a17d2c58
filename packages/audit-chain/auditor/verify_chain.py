#!/usr/bin/env python3
"""Independent audit-chain verifier (Python standard library only).

Re-implements the hash format documented in ../README.md without any code
from the package, so an auditor can check a database with their own tools:

    python3 verify_chain.py PATH/TO/recon.db [--table audit_events] [--expect-head SEQ:HASH]

Exit 0 intact, 2 broken (first broken seq printed), 1 usage error.
"""
import argparse
import hashlib
import json
import sqlite3
import sys

GENESIS = "0" * 64


def quote(s):
    """A JSON string exactly as ECMAScript JSON.stringify writes it."""
    return json.dumps(s, ensure_ascii=False)


def hash_text(prev_hash, seq, event_id, ts, actor, type_, payload):
    return (prev_hash + '{"actor":' + quote(actor) + ',"event_id":' + quote(event_id)
            + ',"payload":' + payload + ',"seq":' + str(seq) + ',"ts":' + quote(ts)
            + ',"type":' + quote(type_) + "}")


def verify(path, table, expect_head):
    if not table.replace("_", "a").isalnum():
        raise SystemExit(1)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    prev, expected, at_watch = GENESIS, 1, None
    rows = db.execute(
        f"SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM {table} ORDER BY seq")
    for seq, event_id, ts, actor, type_, payload, prev_hash, stored in rows:
        if seq != expected:
            return False, f"gap: seq {min(seq, expected)} missing or unexpected"
        if prev_hash != prev:
            return False, f"prev_hash mismatch at seq {seq}"
        text = hash_text(prev, seq, event_id, ts, actor, type_, payload)
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != stored:
            return False, f"hash mismatch at seq {seq}"
        if expect_head and seq == expect_head[0]:
            at_watch = stored
        prev, expected = stored, seq + 1
    last = expected - 1
    if expect_head:
        if last < expect_head[0]:
            return False, f"truncated: chain ends at seq {last}, exported head is seq {expect_head[0]}"
        if at_watch != expect_head[1]:
            return False, f"head mismatch at seq {expect_head[0]}"
    return True, f"ok: {last} events, head {last}:{prev}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--table", default="audit_events")
    parser.add_argument("--expect-head", help="SEQ:HASH exported earlier")
    args = parser.parse_args()
    head = None
    if args.expect_head:
        seq, _, digest = args.expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            print("--expect-head must be SEQ:HASH", file=sys.stderr)
            return 1
        head = (int(seq), digest.lower())
    ok, message = verify(args.db, args.table, head)
    print(message)
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
