"""The timeline's records and its file format: events, dates, countries, validation."""
