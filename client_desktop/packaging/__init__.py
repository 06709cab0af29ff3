"""Packaging of the desktop client as a stand-alone app (PyInstaller, one folder): see
``scripts/build_client.py`` and docs/client.md "Building the app"."""
