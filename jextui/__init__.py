"""jextui: a terminal trading console for the JEX spot API."""

__version__ = "0.1.0"
