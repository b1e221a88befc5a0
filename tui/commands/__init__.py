"""Subcommands of policy-tui; none of them imports Textual."""
