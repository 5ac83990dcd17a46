"""The exit codes of the ``sakipcalc`` command and its subcommands."""

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the spec, data or figures have problems
EXIT_USAGE = 2  # usage or file errors
