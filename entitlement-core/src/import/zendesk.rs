//! Placeholder: filled by the zendesk importer.
