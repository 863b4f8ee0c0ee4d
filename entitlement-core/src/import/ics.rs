//! Placeholder: filled by the ics importer.
