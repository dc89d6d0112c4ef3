"""`python -m billbridge emulate dinero|economic --port N [--state FILE]`."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m billbridge emulate")
    parser.add_argument("system", choices=["dinero", "economic"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--state", help="JSON file to keep state in between runs")
    args = parser.parse_args(argv)
    if args.system == "dinero":
        from billbridge.emulators.dinero.server import serve
    else:
        from billbridge.emulators.economic.server import serve
    port = args.port or (8001 if args.system == "dinero" else 8002)
    serve(host=args.host, port=port, state_file=args.state)
