"""Settings package: ``base`` (dev/demo defaults), ``test``, ``production``."""
