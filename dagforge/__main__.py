from __future__ import annotations

import sys

from dagforge.cli import main

sys.exit(main())
