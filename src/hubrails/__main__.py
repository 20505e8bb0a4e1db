"""Run hubrails as ``python -m hubrails``."""

import sys

from hubrails.cli import main

sys.exit(main())
