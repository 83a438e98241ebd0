"""Command-line entry point: ``jextui`` and its subcommands.

Subcommands are dispatched before the console's own options are parsed so
that each keeps its parser next to the code it drives and nothing heavy is
imported for ``--version``, ``--help`` or ``config``.

Exit codes: 0 success; 1 an unexpected error (one line on stderr, the
traceback in the log file, secrets masked) or a missing component; 2 bad
command line or configuration (one precise line, no traceback); 130
interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jextui import __version__

if TYPE_CHECKING:
    from jextui.config import Overrides, Settings
    from jextui.sandbox.child import SandboxChild

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

SUBCOMMANDS = {
    "sandbox": "run the embedded JEX-compatible sandbox exchange (jextui sandbox --help)",
    "config": "show, create or check the configuration file (jextui config path|init|check)",
    "journal": "list or export the local order journal (jextui journal --help)",
    "print": "print watchlist|balances|portfolio|orders|alerts once, as text or --json (jextui print --help)",
    "keys": "list every action id, its scope and its keys, [keys] remaps applied (jextui keys [--json])",
}

_ENVIRONMENT_HELP = """\
environment:
  JEX_API_KEY, JEX_API_SECRET   override the selected profile's API key / secret
  JEXTUI_CONFIG_DIR             folder of config.toml and themes/ (default: the platform's user config dir)
  JEXTUI_DATA_DIR               folder of the UI state and order journal
  JEXTUI_LOG_DIR                folder of jextui.log
  NO_COLOR                      monochrome output (the jextui-mono theme unless --theme is given)

With no profile selected and no JEX_API_KEY, jextui runs in demo mode on its
built-in sandbox exchange. `jextui config init` writes a commented config file."""

log = logging.getLogger("jextui")


def _stderr(message: str) -> None:
    print(f"jextui: {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    epilog = (
        "subcommands:\n"
        + "\n".join(f"  {name:<9} {text}" for name, text in SUBCOMMANDS.items())
        + "\n\n"
        + _ENVIRONMENT_HELP
    )
    parser = argparse.ArgumentParser(
        prog="jextui",
        description="A keyboard-driven terminal trading console for the JEX spot API. "
        "With no credentials configured it runs on an embedded sandbox exchange (demo mode).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jextui {__version__}")
    parser.add_argument("--profile", metavar="NAME", help="connection profile from the config file")
    parser.add_argument("--base-url", metavar="URL", help="exchange REST address; overrides the profile's")
    parser.add_argument("--symbols", metavar="A,B,C", help="watchlist for this run, e.g. BTCUSDT,ETHUSDT")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (e.g. jextui-light, jextui-amber)")
    parser.add_argument(
        "--demo", action="store_true", help="run on the built-in sandbox exchange, whatever is configured"
    )
    parser.add_argument(
        "--log-level",
        metavar="LEVEL",
        type=str.upper,
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        default="INFO",
        help="DEBUG, INFO (default), WARNING or ERROR; the log file is shown by `jextui config check`",
    )
    return parser


def build_config_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jextui config", description="Show, create or check the configuration file.")
    actions = parser.add_subparsers(dest="action", metavar="{path,init,check}")
    actions.required = True
    actions.add_parser("path", help="print the config file's path")
    init = actions.add_parser("init", help="write a commented template (mode 0600)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    check = actions.add_parser("check", help="validate the config and show what the console would use")
    check.add_argument("--profile", metavar="NAME", help="check this profile instead of the default")
    return parser


# --------------------------------------------------------------------------
# config


def _config_path(env: Mapping[str, str]) -> int:
    from jextui.locations import config_file

    path = config_file(env)
    print(path)
    if not path.exists():
        _stderr("(that file does not exist yet; `jextui config init` creates it)")
    return EXIT_OK


def _config_init(env: Mapping[str, str], force: bool) -> int:
    from jextui.config import ConfigError, write_config_template
    from jextui.locations import config_file

    path = config_file(env)
    try:
        write_config_template(path, force=force)
    except ConfigError as exc:
        _stderr(str(exc))
        return EXIT_USAGE if path.exists() and not force else EXIT_FAILURE
    print(f"wrote {path} (mode 0600); edit it, then run `jextui config check`")
    return EXIT_OK


def _describe(settings: Settings) -> str:
    from jextui.config import mask_key

    connection = "demo mode (built-in sandbox exchange)" if settings.demo else f"{settings.base_url}"
    if settings.api_key is None:
        credentials = "none (market data only)" if not settings.demo else "the sandbox's demo account"
    else:
        secret = "set" if settings.api_secret is not None else "not set (read-only key: no trading)"
        credentials = f"key {mask_key(settings.api_key)}, secret {secret}"
    rows = [
        ("config file", f"{settings.config_path}{'' if settings.config_path.exists() else ' (not present: defaults)'}"),
        ("profile", settings.profile_name),
        ("exchange", connection),
        ("credentials", credentials),
        ("streams", _streams_text(settings)),
        ("watchlist", " ".join(settings.watchlist)),
        ("theme", settings.theme),
        ("refresh (s)", " ".join(f"{k}={v:g}" for k, v in settings.refresh.as_mapping().items()) or "built-in plan"),
        ("weight share", f"{settings.weight_share:g}"),
        ("confirm orders", "yes" if settings.confirm_orders else "no"),
        ("bell", "yes" if settings.bell else "no"),
        ("fat-finger", f"{settings.fat_finger_pct} % (passive orders: {settings.fat_finger_passive})"),
        ("max slippage", f"{settings.max_slippage_pct} % (marketable orders)"),
        ("data folder", str(settings.data_dir)),
        ("log file", str(settings.log_path)),
        ("alerts", "; ".join(a.describe() for a in settings.alerts) or "none in the config file"),
        ("fill alerts", "yes" if settings.alert_fills else "no"),
        ("valuation", settings.valuation_asset),
    ]
    return "\n".join(f"{name:<15} {value}" for name, value in rows)


def _streams_text(settings: Settings) -> str:
    from jextui.config import effective_stream_url

    if not settings.streams:
        return "off (streams = false: every feed is polled over REST)"
    if settings.demo or settings.base_url is None:
        return "on (the demo sandbox's own address)"
    url = effective_stream_url(settings, settings.base_url)
    source = "stream_url" if settings.stream_url is not None else "default"
    return f"on, {url} ({source}; REST polling is the fallback)"


def _config_check(env: Mapping[str, str], profile: str | None) -> int:
    from jextui.config import ConfigError, Overrides, load_settings
    from jextui.ui.keymap_user import resolve_user_keys
    from jextui.ui.keys_listing import keys_summary

    try:
        settings = load_settings(Overrides(profile=profile), env)
    except ConfigError as exc:
        _stderr(str(exc))
        return EXIT_USAGE
    user_keys = resolve_user_keys(settings.keys)
    print(_describe(settings))
    print(f"{'keys':<15} {keys_summary(user_keys)}")
    for problem in settings.alert_problems:  # the rest of the config is fine and used
        _stderr(problem)
    for problem in user_keys.problems:  # the console starts anyway, with these actions' default keys
        _stderr(f"{settings.config_path}: {problem}")
    if user_keys.problems:
        return EXIT_USAGE
    return EXIT_FAILURE if settings.alert_problems else EXIT_OK


def run_config(argv: Sequence[str], env: Mapping[str, str]) -> int:
    args = build_config_parser().parse_args(list(argv))
    if args.action == "path":
        return _config_path(env)
    if args.action == "init":
        return _config_init(env, args.force)
    return _config_check(env, args.profile)


# --------------------------------------------------------------------------
# journal, sandbox: other modules' command lines


def run_journal(argv: Sequence[str]) -> int:
    try:
        from jextui.trading.journal_cli import main as journal_main
    except ImportError as exc:
        _stderr(f"the order journal command is not available in this installation ({exc})")
        return EXIT_FAILURE
    return int(journal_main(list(argv)) or 0)


def run_print(argv: Sequence[str], env: Mapping[str, str]) -> int:
    from jextui.printout import main as print_main

    return print_main(list(argv), env)


def run_keys(argv: Sequence[str], env: Mapping[str, str]) -> int:
    from jextui.config import ConfigError, load_config
    from jextui.locations import locations
    from jextui.ui.keys_listing import main as keys_main

    try:
        return keys_main(argv, lambda: load_config(locations(env).config_file).keys)
    except ConfigError as exc:
        _stderr(str(exc))
        return EXIT_USAGE


def quiet_on_closed_pipe(run: Callable[[], int]) -> int:
    """``run()``, but a reader that went away (``| head``) ends it quietly with status 0."""
    try:
        code = run()
        sys.stdout.flush()  # inside the guard: a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        with contextlib.suppress(OSError):  # Python flushes stdout again at exit: point it at nothing
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def run_sandbox(argv: Sequence[str]) -> int:
    from jextui.sandbox.cli import main as sandbox_main

    return int(sandbox_main(list(argv)) or 0)


# --------------------------------------------------------------------------
# the console


def _start_logging(settings: Settings) -> None:
    from jextui.logs import setup_logging

    try:
        setup_logging(settings.log_level, settings.log_path, [settings.api_key, settings.api_secret])
    except OSError as exc:
        logging.getLogger().addHandler(logging.NullHandler())  # never fall back to stderr under the TUI
        _stderr(
            f"warning: cannot write the log file {settings.log_path} ({exc.strerror or exc}); running without a log"
        )


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while the console starts (the app resumes it once
    started; at the latest it resumes here): see :mod:`jextui.ui.gc_pause`."""
    try:
        from jextui.ui.gc_pause import pause_collection, resume_collection
    except ImportError:  # no console in this installation: nothing to speed up
        yield
        return
    pause_collection()
    try:
        yield
    finally:
        resume_collection(freeze=False)


def overrides_from(args: argparse.Namespace) -> Overrides:
    """The console's options (see :func:`build_parser`) as plain values."""
    from jextui.config import Overrides

    return Overrides(
        profile=args.profile,
        base_url=args.base_url,
        symbols=args.symbols,
        theme=args.theme,
        demo=args.demo,
        log_level=args.log_level,
    )


def _demo_is_certain(args: argparse.Namespace, env: Mapping[str, str]) -> bool:
    """Whether this run is demo mode whatever the config file says: ``--demo``, or
    no profile, URL or key asked for and no config file to name one (a first
    start).  Decided from the command line and one file test, before the
    config is read, so that the demo sandbox can start at once."""
    if args.demo:
        return True
    if args.profile or args.base_url or any(env.get(name) for name in ("JEX_API_KEY", "JEX_API_SECRET")):
        return False
    from jextui.locations import config_file

    try:
        return not config_file(env).exists()
    except (OSError, ValueError):
        return False


def _spawn_sandbox_child(env: Mapping[str, str]) -> SandboxChild | None:
    """Start the demo sandbox in its own process (returns at once; see
    :mod:`jextui.sandbox.child`); None if it cannot be spawned (the console
    then runs the sandbox in-process, as before)."""
    from jextui.sandbox.child import SandboxChild

    try:
        return SandboxChild.start(env)
    except OSError as exc:
        log.warning("the demo sandbox could not start in its own process (%s); running it in-process", exc)
        return None


def _with_sandbox_child(settings: Settings, started: SandboxChild | None, env: Mapping[str, str]) -> Settings:
    """Demo mode: the settings carry the child sandbox (``started`` early, else
    started now, before the UI is imported, so that it starts on another core)."""
    if not settings.demo:
        if started is not None:  # not reached when demo was certain; never left running
            started.close()
        return settings
    import dataclasses

    child = started if started is not None else _spawn_sandbox_child(env)
    return settings if child is None else dataclasses.replace(settings, sandbox_child=child)


def run_console(argv: Sequence[str], env: Mapping[str, str]) -> int:
    args = build_parser().parse_args(list(argv))  # --help/--version exit here, before heavy imports
    # A demo sandbox starts first of all: its start (the longest part of the
    # console's) then runs on another core while the config is read and the UI imported.
    early = _spawn_sandbox_child(env) if _demo_is_certain(args, env) else None
    try:
        with _collection_paused():
            from jextui.config import ConfigError, load_settings

            try:
                settings = load_settings(overrides_from(args), env)
            except ConfigError as exc:
                _stderr(str(exc))
                return EXIT_USAGE
            _start_logging(settings)
            settings = _with_sandbox_child(settings, early, env)
            early = settings.sandbox_child
            return _run_app(settings)
    finally:
        if early is not None:  # the child dies with the console, whatever happened
            early.close()


def _run_app(settings: Settings) -> int:
    log.info(
        "jextui %s starting: profile=%s demo=%s base_url=%s theme=%s symbols=%d sandbox=%s",
        __version__,
        settings.profile_name,
        settings.demo,
        settings.base_url,
        settings.theme,
        len(settings.watchlist),
        settings.sandbox_child or ("in-process" if settings.demo else "-"),
    )
    try:
        from jextui.ui.app import run_console as start_app
    except ModuleNotFoundError as exc:
        if exc.name not in ("jextui.ui.app", "jextui.ui"):
            raise
        _stderr("the console is not available in this installation; try `jextui sandbox`")
        return EXIT_FAILURE
    return int(start_app(settings) or 0)


# --------------------------------------------------------------------------
# top level


def _crash_log_path(env: Mapping[str, str]) -> Path | None:
    """The log file, setting up logging first if nothing has yet."""
    from jextui.locations import log_file
    from jextui.logs import current_log_path, setup_logging

    path = current_log_path()
    if path is not None:
        return path
    try:
        path = log_file(env)
        setup_logging("ERROR", path)
        return path
    except (OSError, ValueError):
        return None


def report_crash(exc: BaseException, env: Mapping[str, str]) -> int:
    """One line on stderr, the traceback (secrets masked) in the log file."""
    from jextui.logs import redact

    path = _crash_log_path(env)
    log.error("unexpected error", exc_info=exc)
    detail = redact(" ".join(str(exc).split()))[:200]
    summary = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    where = f"details in {path}" if path is not None else "no log file could be written"
    _stderr(f"unexpected error ({summary}); {where}")
    return EXIT_FAILURE


def _dispatch(args: list[str], env: Mapping[str, str]) -> int:
    command = args[0] if args else None
    handlers: dict[str, Callable[[Sequence[str]], int]] = {
        "sandbox": run_sandbox,
        "config": lambda rest: run_config(rest, env),
        "journal": lambda rest: quiet_on_closed_pipe(lambda: run_journal(rest)),
        "print": lambda rest: quiet_on_closed_pipe(lambda: run_print(rest, env)),
        "keys": lambda rest: quiet_on_closed_pipe(lambda: run_keys(rest, env)),
    }
    if command in handlers:
        return handlers[command](args[1:])
    return run_console(args, env)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    env = os.environ
    try:
        return _dispatch(args, env)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code
        if code is None:
            return EXIT_OK
        if isinstance(code, int):
            return code
        _stderr(str(code))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        return report_crash(exc, env)
