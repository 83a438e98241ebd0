"""Command-line entry point: ``jextui`` and its subcommands.

Subcommands are dispatched before the console's own options are parsed so
that each keeps its parser next to the code it drives and nothing heavy is
imported for ``--version`` or ``--help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from jextui import __version__

SUBCOMMANDS = {
    "sandbox": "run the embedded JEX-compatible sandbox exchange (jextui sandbox --help)",
    "config": "show or create the configuration file (jextui config path|init)",
    "journal": "list or export the local order journal (jextui journal --help)",
}


def build_parser() -> argparse.ArgumentParser:
    epilog = "subcommands:\n" + "\n".join(f"  {name:<9} {text}" for name, text in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="jextui",
        description="A keyboard-driven terminal trading console for the JEX spot API. "
        "With no credentials configured it runs on an embedded sandbox exchange (demo mode).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jextui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run on the in-process sandbox, whatever is configured")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        from jextui.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    parser = build_parser()
    parser.parse_args(args)
    print("jextui: the console is not built yet; try `jextui sandbox`.", file=sys.stderr)
    return 1
