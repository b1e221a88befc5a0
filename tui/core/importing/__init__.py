"""``policy-tui import``: spreadsheets and JSON in, events out, every row accounted for.

``sheet`` reads a CSV file as spreadsheets export it (encodings, note rows above the header,
row numbers as a spreadsheet shows them); ``cells`` turns messy cells into dates, countries and
links; ``stop``, ``table`` and ``jsonin`` map rows of Access Now's STOP sheet, of any sheet with
a column map, and of the tool's own JSON to events; ``report`` holds what happened to each row
and builds the output. Pure Python: no Textual. Documented in ``docs/importing.md``.
"""
