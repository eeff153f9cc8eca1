"""The bundled demo site and the small server behind ``quaero-desktop demo`` (quaero_desktop.demo.server).

Only the default port is here: every command builds the CLI's parser, which names it, and the
server's module brings in http.server (~15 ms, more on a busy machine) that no other command needs.
"""

DEFAULT_DEMO_PORT = 8765
