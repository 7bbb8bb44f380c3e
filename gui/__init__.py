"""The Qt pieces every window shares: theme and fonts, the worker thread, PySide6 guards."""
