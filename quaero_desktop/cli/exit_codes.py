"""The command line's exit codes (docs/contracts.md, "Command line"), in a module of their own so that
``cli/main.py`` names them without loading a command's code."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
