"""`python -m billbridge …`: Django's manage.py, plus `emulate`, `demo` and `chaos`.

`emulate` is dispatched before Django is imported, so the emulators stay stand-alone.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "emulate":
        from billbridge.emulators.cli import main as emulate_main

        emulate_main(argv[2:])
        return
    if len(argv) > 1 and argv[1] == "chaos":
        from billbridge.chaos import main as chaos_main

        chaos_main(argv[2:])
        return
    if len(argv) > 1 and argv[1] == "demo":
        from billbridge.demo import main as demo_main

        demo_main(argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billbridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
