"""python -m printer: see printer/cli.py."""
import sys

from printer.cli import main

sys.exit(main())
