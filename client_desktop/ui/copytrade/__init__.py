"""The copy-trading screens for operators: the tab (``tab``) with its operator login panel
(``login``), the follower / leader dialogs (``dialogs``), the table cells (``cells``, Qt-free)
and tables (``tables``), and the Account-menu operator login that mounts the tab (``operator``).
Texts come from the client's one catalogue (keys ``copy.*``, ``client_desktop/core/strings``)."""
