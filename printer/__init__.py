"""Ticket printing: ticket data -> image -> ESC/POS -> device. Never imports Qt."""
