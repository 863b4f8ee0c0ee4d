"""Placeholder: the zendesk importer."""
