"""``python -m seoul_platform.matching assign INPUT.json [-o OUTPUT.json] [--fair]``."""

import sys

from .cli import main

sys.exit(main())
