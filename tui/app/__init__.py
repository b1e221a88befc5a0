"""The Textual UI: renders and routes keys; holds no domain rules."""
