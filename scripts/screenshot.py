"""Export the README's screenshot from the app itself: `python scripts/screenshot.py`.

Drives the real app on the shipped timeline with Pilot and saves an SVG to docs/, so the
picture in the README is always what the code draws.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from tui.app.app import make_app
from tui.core.files.load import load_timeline
from tui.core.files.paths import shipped_timeline

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshot.svg"


async def main() -> None:
    app = make_app(
        load_timeline(shipped_timeline()),
        goto="ru-2018-telegram-block",
        query="country:RU",
        today=date(2026, 11, 28),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.query_one("#events").focus()
        await pilot.pause()
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
