"""Allows ``python -m kjyd``."""

from kjyd.cli import main

main()
