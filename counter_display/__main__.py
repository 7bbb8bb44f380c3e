"""python -m counter_display: see counter_display/app.py (the composition root)."""
import sys

from .app import main

if __name__ == "__main__":
    sys.exit(main())
