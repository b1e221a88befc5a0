"""The query language and its evaluation over a timeline."""
