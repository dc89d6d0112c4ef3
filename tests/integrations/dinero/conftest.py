from tests.integrations.dinero.fixtures import _dinero_process, connected, emu  # noqa: F401
from tests.integrations.dinero.fixtures import card, office  # noqa: F401
