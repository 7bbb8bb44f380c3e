"""The citizen kiosk (PySide6 views) and its Qt-free parts: configuration, face recognition."""
