"""Readers and writers at the edge of the library (files in, files out)."""

from tensionindex.io._files import read_events, write_table

__all__ = ["read_events", "write_table"]
