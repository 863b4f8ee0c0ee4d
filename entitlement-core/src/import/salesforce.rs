//! Placeholder: filled by the salesforce importer.
