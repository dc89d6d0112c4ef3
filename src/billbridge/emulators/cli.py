"""`python -m billbridge emulate <system> --port N [--state FILE]` for any registered emulator."""

from __future__ import annotations

import argparse

from billbridge.emulators.registry import EMULATORS


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m billbridge emulate")
    parser.add_argument("system", choices=sorted(EMULATORS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--state", help="JSON file to keep state in between runs")
    args = parser.parse_args(argv)
    emulator = EMULATORS[args.system]
    emulator.serve(host=args.host, port=args.port or emulator.default_port, state_file=args.state)
