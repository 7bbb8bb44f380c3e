"""The officer counter window, the waiting-room board, the rating and statistics windows (PySide6), with their Qt-free view models."""
