#!/usr/bin/env python3
"""Independent audit-chain verifier (Python standard library only).

Re-implements the hash format documented in ../README.md without any code
from the package, so an auditor can check a database with their own tools:

    python3 verify_chain.py PATH/TO/recon.db [--table audit_events] [--expect-head SEQ:HASH]
    python3 verify_chain.py --bundle DIR --public-key FILE [--pure-ed25519]

The second form checks a closegate evidence bundle offline: the Ed25519
signature of MANIFEST.json, the SHA-256 of every file, the hash chain rebuilt
from audit_events.jsonl, every signed head against the chain and the newest
head's signature. Ed25519 uses the `cryptography` package when present, else
the pure-Python RFC 8032 routine in ed25519_verify.py (--pure-ed25519 forces it).

Exit 0 intact, 2 broken (first problem printed), 1 usage error.
"""
import argparse
import base64
import hashlib
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ed25519_verify  # noqa: E402

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


def ed25519_ok(public_key, message, signature, pure):
    if not pure:
        try:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        except ImportError:
            pure = True
    if pure:
        return ed25519_verify.verify(public_key, message, signature)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except InvalidSignature:
        return False


def raw_public_key(pem_text):
    """The 32-byte Ed25519 key: the last 32 bytes of the SubjectPublicKeyInfo DER."""
    body = "".join(l for l in pem_text.strip().splitlines() if not l.startswith("-----"))
    der = base64.b64decode(body)
    if len(der) != 44 or der[:12] != bytes.fromhex("302a300506032b6570032100"):
        raise ValueError("not an Ed25519 public key (SPKI PEM)")
    return der[12:]


MANIFEST_TAG = b"closegate-evidence-bundle/v1 manifest\n"


def verify_bundle(folder, public_key, pure):
    with open(os.path.join(folder, "MANIFEST.json"), "rb") as f:
        manifest_bytes = f.read()
    with open(os.path.join(folder, "MANIFEST.json.sig"), "rb") as f:
        sig = base64.b64decode(f.read().strip())
    if not ed25519_ok(public_key, MANIFEST_TAG + manifest_bytes, sig, pure):
        return False, "MANIFEST.json is not signed by the given public key"
    manifest = json.loads(manifest_bytes)
    files = manifest["files"]
    for name in sorted(os.listdir(folder)):
        if name not in files and name not in ("MANIFEST.json", "MANIFEST.json.sig"):
            return False, f"{name} is not in the manifest"
    for name, digest in sorted(files.items()):
        with open(os.path.join(folder, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest:
                return False, f"{name}: SHA-256 differs from the manifest"
    prev, expected, hashes = GENESIS, 1, {}
    with open(os.path.join(folder, "audit_events.jsonl"), encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            seq = e["seq"]
            if seq != expected:
                return False, f"gap: seq {min(seq, expected)} missing or unexpected"
            if e["prev_hash"] != prev:
                return False, f"prev_hash mismatch at seq {seq}"
            text = hash_text(prev, seq, e["event_id"], e["ts"], e["actor"], e["type"], e["payload"])
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != e["hash"]:
                return False, f"hash mismatch at seq {seq}"
            hashes[seq] = e["hash"]
            prev, expected = e["hash"], seq + 1
    last = expected - 1
    heads = []
    with open(os.path.join(folder, "signed_heads.jsonl"), encoding="utf-8") as f:
        for line in f:
            heads.append(json.loads(line))
    for h in heads:
        if hashes.get(h["seq"]) != h["hash"]:
            return False, f"signed head at seq {h['seq']} does not match the chain"
    if last > 0 and (not heads or heads[-1]["seq"] != last):
        return False, f"events after seq {heads[-1]['seq'] if heads else 0} are covered by no signed head"
    key_id = hashlib.sha256(public_key).hexdigest()[:16]
    if heads:
        h = heads[-1]
        msg = f"audit-chain/signed-head/v1|{h['table']}|{h['seq']}|{h['hash']}|{h['ts']}|{h['key_id']}"
        if h["key_id"] != key_id or not ed25519_ok(public_key, msg.encode("utf-8"), base64.b64decode(h["sig"]), pure):
            return False, f"the newest signed head (seq {h['seq']}) is not signed by the given key"
    head = manifest.get("head")
    if (head or {}).get("seq", 0) != last or (head and head["hash"] != prev):
        return False, "the manifest's head is not the last event"
    return True, f"ok: bundle {last} events, head {last}:{prev}, signed by key {key_id}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?")
    parser.add_argument("--table", default="audit_events")
    parser.add_argument("--expect-head", help="SEQ:HASH exported earlier")
    parser.add_argument("--bundle", help="evidence bundle directory")
    parser.add_argument("--public-key", help="Ed25519 public key (SPKI PEM) for --bundle")
    parser.add_argument("--pure-ed25519", action="store_true", help="never use the cryptography package")
    args = parser.parse_args()
    if args.bundle:
        if not args.public_key:
            print("--bundle needs --public-key FILE", file=sys.stderr)
            return 1
        with open(args.public_key, encoding="ascii") as f:
            key = raw_public_key(f.read())
        try:
            ok, message = verify_bundle(args.bundle, key, args.pure_ed25519)
        except (OSError, ValueError, KeyError) as err:
            ok, message = False, f"bundle unreadable: {err}"
        print(message)
        return 0 if ok else 2
    if not args.db:
        print("a database path or --bundle DIR is required", file=sys.stderr)
        return 1
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
