"""The ``oshakit`` command line: thin subcommands over the package.

Each module in this package that defines ``register(subparsers)`` adds one or
more subcommands; a subcommand's handler takes the parsed namespace and returns
an exit code (0 ok, 1 problems found in the data, 2 usage or input errors).
Command modules import heavy libraries (Great Expectations, reportlab,
papermill) inside their handlers so that ``oshakit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from oshakit.errors import OshakitError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose subcommands refuse an unknown option themselves, so that
    ``oshakit log --yaer 2024`` prints the usage of ``log``, not of ``oshakit``."""

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = super().parse_known_args(args, namespace)
        if extras and self.prog != "oshakit":
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def build_parser() -> argparse.ArgumentParser:
    from oshakit import __version__

    parser = Parser(
        prog="oshakit",
        description="Audited OSHA recordkeeping (Forms 300, 300A, 301, ITA) from case bundles.",
    )
    parser.add_argument("--version", action="version", version=f"oshakit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from oshakit.cli.options import Refused

    try:
        return int(args.handler(args))
    except Refused as exc:
        print(f"oshakit {args.command}: refused: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OshakitError as exc:
        print(f"oshakit {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"oshakit {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `oshakit log ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
