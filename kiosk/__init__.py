"""The citizen kiosk (PySide6): its composition root (app.py), screens (ui/), queue, camera and deletion workers."""
