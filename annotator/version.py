"""The version of annotator, written into exports and provenance."""

__version__ = "0.1.0"
