"""The Dinero emulator fixtures (see tests/integrations/dinero/fixtures.py)."""

from tests.integrations.dinero.fixtures import (  # noqa: F401
    _dinero_process,
    card,
    connected,
    emu,
    office,
)
