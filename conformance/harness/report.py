"""report.json, report.html and the terminal summary."""
import collections
import datetime
import html
import json
import os

from . import core

STATUSES = ("passed", "failed", "xfailed", "not_applicable")


def gap_stats(claims=None, cases=None):
    """Per level: claims, claims with at least one case, gaps (claims with none), and
    uncheckable claims (`"checkable": false`, which are not gaps)."""
    claims = claims if claims is not None else core.load_claims()
    cases = cases if cases is not None else [c for _, c in core.load_cases()]
    cited = collections.defaultdict(list)
    for c in cases:
        for cid in c["claims"]:
            cited[cid].append(c["id"])
    per = collections.OrderedDict()
    for cid, claim in claims.items():
        lv = per.setdefault(claim["level"], {"claims": 0, "covered": 0, "gaps": 0, "uncheckable": 0})
        lv["claims"] += 1
        if cited.get(cid):
            lv["covered"] += 1
        elif claim.get("checkable") is False:
            lv["uncheckable"] += 1
        else:
            lv["gaps"] += 1
    return per, cited


def summary_lines(records, impls):
    per_level, _ = gap_stats()
    gaps = sum(v["gaps"] for v in per_level.values())
    lines = [f"{'implementation':<16} {'passed':>7} {'failed':>7} {'xfailed':>8} {'n/a':>6} {'gaps':>6}"]
    by_impl = collections.defaultdict(collections.Counter)
    for r in records:
        by_impl[r["impl"]][r["status"]] += 1
    for impl in impls:
        c = by_impl.get(impl, collections.Counter())
        lines.append(f"{impl:<16} {c['passed']:>7} {c['failed']:>7} {c['xfailed']:>8} "
                     f"{c['not_applicable']:>6} {gaps:>6}")
    lines.append("gaps = claims with no case; by level: " + ", ".join(
        f"{lv} {v['gaps']}/{v['claims']}" for lv, v in per_level.items()))
    unchecked = {lv: v["uncheckable"] for lv, v in per_level.items() if v["uncheckable"]}
    if unchecked:
        lines.append("uncheckable (\"checkable\": false, not gaps): " + ", ".join(
            f"{lv} {n}" for lv, n in unchecked.items()))
    return lines


def write_reports(report_dir, records, impls, elapsed):
    os.makedirs(report_dir, exist_ok=True)
    records = sorted(records, key=lambda r: (r["impl"], r["case"]))
    per_level, cited = gap_stats()
    doc = {
        "format": "fusedrnn-conformance-report",
        "version": 1,
        "protocol": core.PROTOCOL,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "implementations": impls,
        "elapsed_seconds": round(elapsed, 3),
        "summary": {impl: dict(collections.Counter(r["status"] for r in records if r["impl"] == impl))
                    for impl in impls},
        "claims_by_level": per_level,
        "results": records,
    }
    jpath = os.path.join(report_dir, "report.json")
    with open(jpath, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, allow_nan=False, default=str)
        f.write("\n")
    hpath = os.path.join(report_dir, "report.html")
    with open(hpath, "w", encoding="utf-8") as f:
        f.write(render_html(doc, cited))
    return [jpath, hpath]


_CSS = """
body{font-family:sans-serif;margin:1.5em;font-size:14px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
th{background:#eee;position:sticky;top:0}
.passed{background:#c8f0c8}.failed{background:#f6b0b0}.xfailed{background:#f6e0a0}
.not_applicable{background:#e4e4e4;color:#555}.gap{background:#fff;color:#a00}.mixed{background:#f6e0a0}
code{font-size:12px}
"""


def _cell_status(statuses):
    if not statuses:
        return "gap", "no case"
    s = set(statuses)
    if "failed" in s:
        return "failed", f"{statuses.count('failed')} failed"
    if s == {"not_applicable"}:
        return "not_applicable", "n/a"
    if "xfailed" in s:
        return "xfailed", "xfail"
    return "passed", f"{statuses.count('passed')} ok"


def render_html(doc, cited):
    claims = core.load_claims()
    impls = doc["implementations"]
    by = collections.defaultdict(list)
    for r in doc["results"]:
        for cid in r["claims"]:
            by[(cid, r["impl"])].append(r["status"])
    e = html.escape
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>fusedrnn conformance</title>",
           f"<style>{_CSS}</style></head><body><h1>fusedrnn conformance report</h1>",
           f"<p>{e(doc['created'])}; protocol v{doc['protocol']}; {doc['elapsed_seconds']} s.</p>",
           "<h2>Summary</h2><table><tr><th>implementation</th>"
           + "".join(f"<th>{s}</th>" for s in STATUSES) + "</tr>"]
    for impl in impls:
        c = doc["summary"].get(impl, {})
        out.append(f"<tr><td>{e(impl)}</td>" + "".join(f"<td>{c.get(s, 0)}</td>" for s in STATUSES) + "</tr>")
    out.append("</table><h2>Claims by level</h2><table><tr><th>level</th><th>claims</th>"
               "<th>with a case</th><th>gaps</th><th>uncheckable</th></tr>")
    for lv, v in doc["claims_by_level"].items():
        out.append(f"<tr><td>{lv}</td><td>{v['claims']}</td><td>{v['covered']}</td><td>{v['gaps']}</td>"
                   f"<td>{v.get('uncheckable', 0)}</td></tr>")
    out.append("</table><h2>Claims &times; implementations</h2>"
               "<p>Each cell sums the cases citing the claim. <span class='gap'>no case</span> = a gap.</p>"
               "<table><tr><th>claim</th><th>level</th><th>fact</th>"
               + "".join(f"<th>{e(i)}</th>" for i in impls) + "</tr>")
    for cid, claim in claims.items():
        cells = []
        for impl in impls:
            cls, text = _cell_status(by.get((cid, impl), []) if cited.get(cid) else [])
            cells.append(f"<td class='{cls}'>{e(text)}</td>")
        out.append(f"<tr><td><code>{e(cid)}</code></td><td>{e(claim['level'])}</td>"
                   f"<td>{e(claim['fact'][:140])}</td>{''.join(cells)}</tr>")
    out.append("</table><h2>Failures</h2><table><tr><th>implementation</th><th>case</th><th>message</th>"
               "<th>rerun</th></tr>")
    for r in doc["results"]:
        if r["status"] == "failed":
            out.append(f"<tr><td>{e(r['impl'])}</td><td><code>{e(r['case'])}</code></td>"
                       f"<td>{e(r['message'])}</td><td><code>fusedrnn conformance run --impl "
                       f"{e(r['impl'])} --case {e(r['case'])}</code></td></tr>")
    out.append("</table><h2>All results</h2><table><tr><th>implementation</th><th>case</th><th>status</th>"
               "<th>max abs err</th><th>max rel err</th><th>time (s)</th><th>message</th></tr>")
    for r in doc["results"]:
        fmt = lambda v: "" if v is None else f"{v:.3g}"  # noqa: E731
        out.append(f"<tr class='{r['status']}'><td>{e(r['impl'])}</td><td><code>{e(r['case'])}</code></td>"
                   f"<td>{r['status']}</td><td>{fmt(r['max_abs_error'])}</td><td>{fmt(r['max_rel_error'])}</td>"
                   f"<td>{r['time']}</td><td>{e(r['message'][:200])}</td></tr>")
    out.append("</table></body></html>\n")
    return "\n".join(out)
