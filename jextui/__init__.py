"""jextui: a terminal trading console for the JEX spot API."""

import logging as _logging

__version__ = "0.1.0"

# A library stays silent unless its user configures logging (the console does).
_logging.getLogger("jextui").addHandler(_logging.NullHandler())
