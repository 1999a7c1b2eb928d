#!/usr/bin/env python3
"""One truth for claim <-> case links.

    python conformance/tools/link_claims.py           # check (exit 1 on any problem)
    python conformance/tools/link_claims.py --write   # fill every claim's `cases` from the cases

Checks: every case validates against case.schema.json, case ids are unique,
every claim a case cites exists and has the case's level (disc/impl claims may
be at any level), and every claim's `cases` lists exactly the cases citing it.
"""
import collections
import glob
import json
import os
import sys

SUITE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def problems(write=False):
    import jsonschema
    out = []
    validator = jsonschema.Draft202012Validator(load(os.path.join(SUITE, "schema", "case.schema.json")))
    claim_validator = jsonschema.Draft202012Validator(load(os.path.join(SUITE, "schema", "claim.schema.json")))
    cases, seen = [], collections.Counter()
    for path in sorted(glob.glob(os.path.join(SUITE, "cases", "*.json"))):
        for case in load(path):
            for e in validator.iter_errors(case):
                out.append(f"{os.path.basename(path)}: {case.get('id')}: {e.message}")
            seen[case.get("id")] += 1
            cases.append(case)
    out += [f"duplicate case id {i}" for i, n in seen.items() if n > 1]
    claim_files = sorted(glob.glob(os.path.join(SUITE, "claims", "*.json")))
    claims = {}
    for path in claim_files:
        for c in load(path):
            claims[c["id"]] = c
    cited = collections.defaultdict(list)
    for case in cases:
        for cid in case["claims"]:
            claim = claims.get(cid)
            if claim is None:
                out.append(f"case {case['id']} cites unknown claim {cid}")
                continue
            if claim["level"] != case["level"] and not cid.startswith(("disc.", "impl.")):
                out.append(f"case {case['id']} ({case['level']}) cites {cid} ({claim['level']})")
            cited[cid].append(case["id"])
    for path in claim_files:
        data = load(path)
        dirty = False
        for c in data:
            want = sorted(cited.get(c["id"], []))
            if c.get("cases", []) != want:
                if write:
                    c["cases"] = want
                    dirty = True
                else:
                    out.append(f"claim {c['id']} lists {len(c.get('cases', []))} case(s), "
                               f"{len(want)} cite it (run link_claims.py --write)")
            for e in claim_validator.iter_errors(c):
                out.append(f"claim {c['id']}: {e.message}")
        if dirty:
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return out


def main(argv):
    found = problems(write="--write" in argv)
    if "--write" in argv:
        found = problems()
    for p in found:
        print(p)
    print(f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
