"""Returning visitors (Qt-free): the encrypted visitor store and consent, CCCD parsing, face recognition,
the kiosk's face use case, and the rule on who may see a visitor at a counter."""
