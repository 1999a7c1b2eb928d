"""The `fusedrnn` command line: `fusedrnn version`, `fusedrnn bench`."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fusedrnn", description="fusedrnn command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("version", help="print the package and C core versions")
    bench = sub.add_parser("bench", help="benchmark against PyTorch (see fusedrnn.bench)", add_help=False)
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    import fusedrnn

    if args.command == "version":
        print(f"fusedrnn {fusedrnn.__version__} (C core {fusedrnn.core_version()})")
        return 0
    from . import bench as bench_module

    return bench_module.main(args.rest)


if __name__ == "__main__":
    sys.exit(main())
