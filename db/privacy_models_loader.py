"""Import every module that adds tables to ``Base.metadata``, so migrations and create_all see them all."""
import importlib

for _name in ("db.privacy_models",):
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # not written yet in this checkout
        if exc.name != _name:
            raise
