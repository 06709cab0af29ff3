"""Exchange connectors. PURE PYTHON: nothing here imports Django, so the desktop client can use the
Binance web connector directly. One package per venue API, all with the same shape
(auth, constants, rest, streams, mapping, client); shared errors, environments and ids live here."""
