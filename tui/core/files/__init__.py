"""Reading, caching, watching and writing timeline files."""
