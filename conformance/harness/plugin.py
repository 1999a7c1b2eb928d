"""pytest plugin: one test item per (implementation, case), named <impl>::<case id>.

Loaded by `fusedrnn conformance run` as `-p harness.plugin` (the conformance
folder on sys.path / PYTHONPATH, so pytest-xdist workers find it too).
"""
import json
import os
import shlex
import sys
import time

import pytest

from . import core

_ADAPTERS = {}


def pytest_addoption(parser):
    g = parser.getgroup("conformance")
    g.addoption("--impl", action="append", default=[], help="implementation to check (repeatable)")
    g.addoption("--case", action="append", default=[], help="run only this case id (exact; repeatable)")
    g.addoption("--report-dir", default=None, help="where report.json and report.html go")
    g.addoption("--no-progress", action="store_true", help="no progress bar")


def _adapter(impl):
    if impl not in _ADAPTERS:
        try:
            _ADAPTERS[impl] = core.open_adapter(impl)
        except Exception as exc:  # remembered: every case of impl fails with it
            _ADAPTERS[impl] = exc
    return _ADAPTERS[impl]


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".json" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        impls = self.config.getoption("impl") or ["python"]
        only = set(self.config.getoption("case") or [])
        with open(self.path, encoding="utf-8") as f:
            cases = json.load(f)
        for impl in impls:
            xfail = core.load_xfail(impl)
            for case in cases:
                if only and case["id"] not in only:
                    continue
                item = CaseItem.from_parent(self, name=f"{impl}::{case['id']}", impl=impl,
                                            case=case, xfail_reason=xfail.get(case["id"]))
                item.add_marker(pytest.mark.impl(impl))
                yield item


def _finite(v):
    # JSON has no inf/NaN: a comparison that could not be made (shape, NaN mismatch) records null
    return v if v is None or (v == v and abs(v) != float("inf")) else None


class ConformanceFailure(Exception):
    pass


def rerun_command(impl, case_id):
    return f"fusedrnn conformance run --impl {shlex.quote(impl)} --case {case_id}"


class CaseItem(pytest.Item):
    def __init__(self, *, impl, case, xfail_reason=None, **kw):
        super().__init__(**kw)
        self.impl = impl
        self.case = case
        self.xfail_reason = xfail_reason
        self.keywords.update({t: True for t in case.get("tags", [])})

    def runtest(self):
        case = self.case
        record = {"case": case["id"], "claims": case["claims"], "impl": self.impl,
                  "level": case["level"], "kind": case["kind"], "status": None,
                  "max_abs_error": None, "max_rel_error": None, "time": 0.0, "message": ""}
        self.user_properties.append(("conformance", record))
        ok, why = core.available(self.impl)
        if not ok:
            record.update(status="not_applicable", message=f"{self.impl} unavailable: {why}")
            pytest.skip(record["message"])
        adapter = _adapter(self.impl)
        if isinstance(adapter, Exception):
            record.update(status="failed", message=f"adapter did not start: {adapter}")
            raise ConformanceFailure(record["message"])
        t0 = time.perf_counter()
        try:
            result, _ = core.run_case(adapter, case)
        except core.AdapterError as exc:
            _ADAPTERS.pop(self.impl, None)   # restart it for the next case
            result = core.Result("failed", f"protocol error: {exc}")
        record.update(status=result.status, message=result.message, max_abs_error=_finite(result.max_abs),
                      max_rel_error=_finite(result.max_rel), time=round(time.perf_counter() - t0, 6))
        if result.status == "not_applicable":
            pytest.skip(f"not applicable: {result.message}")
        if self.xfail_reason:
            if result.status == "failed":
                record["status"] = "xfailed"
                pytest.xfail(self.xfail_reason)
            record.update(status="failed", message=f"expected to fail ({self.xfail_reason}) but passed: "
                                                   f"remove it from xfail/{core.impl_key(self.impl)}.json")
            raise ConformanceFailure(record["message"])
        if result.status == "failed":
            raise ConformanceFailure(result.message)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ConformanceFailure):
            return (f"{self.impl}::{self.case['id']}: {excinfo.value}\n"
                    f"  claims: {', '.join(self.case['claims'])}\n"
                    f"  rerun:  {rerun_command(self.impl, self.case['id'])}")
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.impl}::{self.case['id']}"


# ---------------------------------------------------------------------------
# controller side: progress, terminal summary, reports
# ---------------------------------------------------------------------------

class Collector:
    def __init__(self, config):
        self.config = config
        self.records = []
        self.bar = None
        self.total = 0
        self.t0 = time.perf_counter()

    def start_bar(self, total):
        self.total = total
        if self.config.getoption("no_progress") or self.bar is not None:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=total, unit="case", desc="conformance", file=sys.stderr,
                        dynamic_ncols=True, leave=False)

    def add(self, record):
        self.records.append(record)
        if self.bar is not None:
            self.bar.update(1)
            failed = sum(r["status"] == "failed" for r in self.records)
            self.bar.set_postfix_str(f"failed={failed}", refresh=False)
        elif self.total and not self.config.getoption("no_progress") and len(self.records) % 100 == 0:
            sys.stderr.write(f"\rconformance: {len(self.records)}/{self.total}")

    def close_bar(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _is_controller(config):
    return not hasattr(config, "workerinput")


def pytest_configure(config):
    config.addinivalue_line("markers", "impl(name): the implementation a conformance item checks")
    if _is_controller(config):
        config._conformance = Collector(config)


def pytest_collection_modifyitems(session, config, items):
    if _is_controller(config) and not getattr(config.option, "numprocesses", None):
        config._conformance.start_bar(len(items))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    col = getattr(node.config, "_conformance", None)
    if col is not None and col.bar is None:
        col.start_bar(len(ids))


def pytest_report_teststatus(report, config):
    # the progress bar replaces pytest's dots
    if getattr(config, "_conformance", None) is None:
        return None
    if report.when == "call" or (report.when == "setup" and report.skipped):
        cat = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        return cat, "", ""
    if report.failed:
        return "error", "", ""
    return None


def pytest_runtest_logreport(report):
    if report.when != "call" and not (report.when == "setup" and report.failed):
        return
    for key, value in report.user_properties:
        if key == "conformance":
            col = _collector(report)
            if col is not None:
                col.add(dict(value))


_CONFIG = []


def _collector(report):
    return getattr(_CONFIG[0], "_conformance", None) if _CONFIG else None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    _CONFIG[:] = [session.config]


def pytest_sessionfinish(session, exitstatus):
    for adapter in _ADAPTERS.values():
        if not isinstance(adapter, Exception):
            adapter.close()
    col = getattr(session.config, "_conformance", None)
    if col is None:
        return
    col.close_bar()
    col.elapsed = time.perf_counter() - col.t0
    report_dir = session.config.getoption("report_dir")
    if report_dir and col.records:
        from . import report
        col.paths = report.write_reports(report_dir, col.records, session.config.getoption("impl") or ["python"],
                                         col.elapsed)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    col = getattr(config, "_conformance", None)
    if col is None or not col.records:
        return
    from . import report
    tr = terminalreporter
    tr.section("conformance summary")
    for line in report.summary_lines(col.records, config.getoption("impl") or ["python"]):
        tr.write_line(line)
    failed = [r for r in col.records if r["status"] == "failed"]
    if failed:
        tr.write_line("")
        tr.write_line(f"{len(failed)} failure(s); rerun one with:")
        for r in failed[:50]:
            tr.write_line(f"  {rerun_command(r['impl'], r['case'])}   # {r['message'][:100]}")
        if len(failed) > 50:
            tr.write_line(f"  ... and {len(failed) - 50} more (see report.json)")
    for path in getattr(col, "paths", []):
        tr.write_line(f"report: {path}")
