"""The kiosk's Qt views: theme, widgets, screens and the window that moves between them."""
