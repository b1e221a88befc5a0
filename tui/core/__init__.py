"""The pure domain core: model, loading, query, export, sanitising. Never imports Textual."""
