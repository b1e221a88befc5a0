"""How long an event lasts, and the timeline view's and as-of board's geometry."""
