from bot.extract.document import *  # noqa: F403  (temporary)
from bot.extract.document import __all__  # noqa: F401
