"""``kiosk-admin``: set up and operate the queue from a terminal (Qt-free)."""
