"""The officer counter window and the waiting-room board (PySide6), with a Qt-free voice."""
