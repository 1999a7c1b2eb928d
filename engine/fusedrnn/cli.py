"""The `fusedrnn` command line: `fusedrnn version`, `fusedrnn bench`,
`fusedrnn conformance run|export|list`."""
import argparse
import os
import sys


def conformance_dir():
    """The suite folder: $FUSEDRNN_CONFORMANCE_DIR, else the repository's conformance/
    next to the package's source tree (editable install or checkout)."""
    env = os.environ.get("FUSEDRNN_CONFORMANCE_DIR")
    if env:
        return os.path.abspath(env)
    here = os.path.dirname(os.path.abspath(__file__))
    for up in (os.path.join(here, "..", ".."), os.getcwd()):
        cand = os.path.abspath(os.path.join(up, "conformance"))
        if os.path.isfile(os.path.join(cand, "harness", "core.py")):
            return cand
    raise SystemExit("fusedrnn conformance: suite not found; set FUSEDRNN_CONFORMANCE_DIR "
                     "to the repository's conformance/ folder")


def _use_suite():
    suite = conformance_dir()
    os.environ["FUSEDRNN_CONFORMANCE_DIR"] = suite
    if suite not in sys.path:
        sys.path.insert(0, suite)
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if suite not in parts:   # pytest-xdist workers import harness.plugin too
        os.environ["PYTHONPATH"] = os.pathsep.join([suite] + parts)
    return suite


def _add_conformance(sub):
    conf = sub.add_parser("conformance", help="run or export the conformance suite (docs/conformance.md)")
    csub = conf.add_subparsers(dest="action", required=True)
    run = csub.add_parser("run", help="check implementations against the suite")
    run.add_argument("--impl", action="append", default=[], metavar="NAME",
                     help="python (default), perl, reference, python-process, torch, onnxruntime, "
                          "cmd:<command>, mutant:<name>; repeatable")
    run.add_argument("-k", dest="keyword", default=None, help="pytest -k expression over '<impl>::<case id>'")
    run.add_argument("--case", action="append", default=[], metavar="ID", help="exactly this case id (repeatable)")
    run.add_argument("--report-dir", default=None,
                     help="where report.json and report.html go (default build/conformance in the repository)")
    run.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (0 = in this process)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    run.add_argument("pytest_args", nargs="*", help="further pytest arguments (after --)")
    exp = csub.add_parser("export", help="write every numeric case with inputs and expected outputs as .npy")
    exp.add_argument("dir")
    lst = csub.add_parser("list", help="list case ids (after -k/--level filtering)")
    lst.add_argument("--level", default=None)
    csub.add_parser("check", help="validate the case files and the claim <-> case links")


def conformance_main(args):
    suite = _use_suite()
    if args.action == "export":
        from harness import export
        n = export.export(args.dir)
        print(f"exported {n} numeric case(s) to {args.dir}")
        return 0
    if args.action == "list":
        from harness import core
        for _, case in core.load_cases():
            if args.level is None or case["level"] == args.level:
                print(case["id"])
        return 0
    if args.action == "check":
        sys.path.insert(0, os.path.join(suite, "tools"))
        import link_claims
        return link_claims.main([])
    import pytest
    impls = args.impl or ["python"]
    report_dir = args.report_dir or os.path.join(os.path.dirname(suite), "build", "conformance")
    pargs = [os.path.join(suite, "cases"), "-c", os.path.join(suite, "pytest.ini"), "--rootdir", suite,
             "-p", "harness.plugin", "-q", "--no-header", "-r", "N", "--report-dir", report_dir]
    for impl in impls:
        pargs += ["--impl", impl]
    for cid in args.case:
        pargs += ["--case", cid]
    if args.keyword:
        pargs += ["-k", args.keyword]
    if args.no_progress:
        pargs.append("--no-progress")
    if args.exitfirst:
        pargs.append("-x")
    workers = str(args.workers)
    if workers not in ("0", "") and not args.case:
        import importlib.util
        if importlib.util.find_spec("xdist") is not None:
            pargs += ["-n", workers]
    pargs += args.pytest_args
    code = pytest.main(pargs)
    return int(code) if int(code) != 5 else 0   # 5: nothing selected


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fusedrnn", description="fusedrnn command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("version", help="print the package and C core versions")
    bench = sub.add_parser("bench", help="benchmark against PyTorch (see fusedrnn.bench)", add_help=False)
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    _add_conformance(sub)
    args = parser.parse_args(argv)

    if args.command == "conformance":
        return conformance_main(args)

    import fusedrnn

    if args.command == "version":
        print(f"fusedrnn {fusedrnn.__version__} (C core {fusedrnn.core_version()})")
        return 0
    from . import bench as bench_module

    return bench_module.main(args.rest)


if __name__ == "__main__":
    sys.exit(main())
