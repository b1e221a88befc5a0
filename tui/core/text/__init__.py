"""How events read as text, and what may reach a terminal."""
