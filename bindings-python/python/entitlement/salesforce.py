"""Placeholder: the salesforce importer."""
