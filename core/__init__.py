"""The Qt-free core every program shares: the configuration object, the returning-visitor feature and the
office's shared vocabulary. It imports ``db`` and ``printer`` and never an app or Qt."""
