"""The header line: timeline title, file, counts and the active filter."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.core.text.present import display_path
from tui.core.text.sanitize import clean


class TimelineHeader(Widget):
    """One line of fixed height: redrawing it never needs a new layout of the screen
    (``Static.update`` asks for one on every call, which cost a full reflow per keystroke)."""

    DEFAULT_CSS = """
    TimelineHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        /* Textual draws a Text's content ignoring its no_wrap/overflow: without these the
           line wrapped at a word and the rest was hidden, with no sign that it was cut. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _text: Text = Text()
    _progress: str | None = None
    _shown: tuple[tuple[str, str | None, int, int, str], bool, int | None] | None = None

    def set_progress(self, note: str) -> None:
        """What the loading mark says (``loading the rest… 42%``), shown while loading."""
        self._progress = note
        if self._shown is not None:
            args, loading, expected = self._shown
            self.show(*args, loading=loading, expected=expected)

    def show(
        self,
        title: str,
        path: str | None,
        shown: int,
        total: int,
        filters: str,
        *,
        loading: bool = False,
        expected: int | None = None,
    ) -> None:
        """``shown`` of ``total`` events; while ``loading``, ``total`` is what has been read so
        far and ``expected`` (an estimate) how many the file holds."""
        self._shown = ((title, path, shown, total, filters), loading, expected)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(clean(title), style="bold")
        # What matters most comes first: on a narrow terminal the path is what gets cut.
        if total and loading:
            # Not "300 / 300 events": that read as the whole file while 100,000 were loading.
            if expected is not None and expected > total:
                counts = (
                    f"{total:,} of ~{expected:,} events"
                    if shown == total
                    else f"{shown:,} of {total:,} events so far (~{expected:,} in the file)"
                )
            else:
                counts = (
                    f"{total:,} events so far"
                    if shown == total
                    else f"{shown:,} of {total:,} events so far"
                )
            text.append(f"  {counts}", style="bold")
        elif not loading:  # "0 / 0 events" before the first rows would read as empty
            text.append(f"  {shown:,} / {total:,} events", style="bold")
        if loading:
            note = self._progress or ("loading the rest…" if total else "reading the file…")
            text.append(f"  ⟳ {note}", style="bold reverse")
        if filters:
            text.append(f"  filter: {clean(filters)}", style="italic")
        if path:
            text.append(f"  {display_path(path)}", style="dim")
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
