"""Events of other apps' DocTypes (``doc_events`` in hooks.py): thin handlers that call into
the package that owns the logic."""
