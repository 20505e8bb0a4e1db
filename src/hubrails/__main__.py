"""Run hubrails as ``python -m hubrails``."""

from hubrails.cli import main

main()
