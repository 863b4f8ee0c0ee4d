"""Placeholder: the ics importer."""
