"""Tests of the sandbox exchange (core and HTTP layer)."""
