"""Synthetic timelines for the benchmarks: 100, 1k, 10k and 100k events, the same bytes every run.

Each event has what real trackers' rows have: a ~300-character summary over several lines,
1–3 sources, 2–5 tags, 1–3 platforms and authorities; 10% are spans (an ``end_date``) and 5%
have a partial date (``"2019-04"`` or ``"2019"``). Words come from a fixed vocabulary of a few
thousand made-up words plus the domain's real ones, so the text index sees a realistic mix.

    python3 benchmarks/generate.py       # writes benchmarks/data/events-{100,1k,10k,100k}.toml/.tsv

The TSV holds the same rows for VisiData (one line per event, tabs and newlines flattened).
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SIZES = {"100": 100, "1k": 1_000, "10k": 10_000, "100k": 100_000}
SEED = 20_260_601

COUNTRIES = (
    "RU", "BR", "IN", "CN", "IR", "TR", "PK", "EG", "ET", "NG", "VN", "TH", "ID", "MY", "BD", "LK",
    "MM", "KZ", "UZ", "BY", "UA", "GH", "KE", "UG", "TZ", "ZW", "CM", "SN", "ML", "SD", "IQ", "SY",
    "SA", "AE", "QA", "JO", "MA", "DZ", "TN", "LY", "VE", "CU", "NI", "MX", "CO", "AR", "CL", "PE",
    "US", "GB", "FR", "DE", "IT", "ES", "PL", "HU", "AU", "NZ", "JP", "KR", "EU",
)  # fmt: skip
PLATFORMS = (
    "Telegram", "WhatsApp", "Signal", "Facebook", "Instagram", "X", "YouTube", "TikTok",
    "LinkedIn", "Viber", "Skype", "Zoom", "Wikipedia", "Tor", "Proton", "Discord", "Twitch",
    "Reddit", "Snapchat", "WeChat", "Line", "Clubhouse", "Threads", "Bluesky", "Mastodon",
    "Google", "Apple App Store", "Google Play", "Cloudflare", "VPN services",
)  # fmt: skip
AUTHORITIES = (
    "Roskomnadzor", "Ministry of Communications", "Supreme Court", "Telecom Regulatory Authority",
    "Ministry of Interior", "National Security Council", "Federal Court", "Parliament",
    "President", "Cyberspace Administration", "Information Technology Authority", "Police",
    "District Court", "Constitutional Court", "Data Protection Authority", "Election Commission",
)  # fmt: skip
ACTIONS = (
    "block", "throttle", "restrict", "law", "proposal", "ruling", "lawsuit", "designation",
    "fine", "demand", "lift", "mandate", "other",
)  # fmt: skip
TAGS = (
    "encryption", "elections", "protests", "data-localisation", "fsb-keys", "content-removal",
    "national-security", "vpn", "shutdown", "exams", "misinformation", "extremism", "privacy",
    "surveillance", "court", "unconfirmed", "temporary", "regional", "nationwide", "appeal",
    "age-verification", "taxation", "licensing", "copyright", "blasphemy", "lgbt", "journalists",
    "opposition", "war", "sanctions", "backdoor", "client-side-scanning", "metadata",
    "data-retention", "foreign-agent", "app-store", "dns", "sni-filtering", "ip-blocking", "dpi",
)  # fmt: skip
PUBLISHERS = (
    "Reuters", "AP", "AFP", "BBC", "Access Now", "OONI", "NetBlocks", "Top10VPN", "TASS",
    "Meduza", "The Guardian", "Al Jazeera", "Rest of World", "TechCrunch", "The Verge",
    "Official Gazette", "EFF", "Human Rights Watch", "Amnesty International", "Citizen Lab",
)  # fmt: skip
DOMAIN_WORDS = (
    "block", "blocked", "throttling", "platform", "messenger", "encryption", "court", "order",
    "regulator", "users", "access", "law", "ruling", "appeal", "telegram", "whatsapp", "keys",
    "government", "ministry", "operators", "providers", "network", "censorship", "election",
)  # fmt: skip
FILLER = (
    "the", "a", "of", "and", "to", "in", "on", "after", "before", "said", "was", "were", "its",
    "by", "for", "with", "that", "from", "at", "as", "it", "which", "while", "also",
)  # fmt: skip
SYLLABLES = (
    "ka", "ro", "mi", "ten", "sa", "lo", "vi", "dre", "po", "nu", "cha", "ber", "gal", "sti",
    "mon", "ter", "qui", "zan", "fel", "dor", "ish", "pra", "lu", "wen",
)  # fmt: skip


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str], length: int) -> str:
    words = []
    for _ in range(length):
        pick = rng.random()
        if pick < 0.45:
            words.append(rng.choice(FILLER))
        elif pick < 0.6:
            words.append(rng.choice(DOMAIN_WORDS))
        else:
            words.append(rng.choice(vocab))
    return " ".join(words).capitalize() + "."


def _summary(rng: random.Random, vocab: list[str]) -> str:
    text = ""
    while len(text) < rng.randint(260, 340):
        text += _sentence(rng, vocab, rng.randint(8, 16)) + " "
    # Hard-wrapped at ~80 columns, as people type them.
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > 80:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def events(n: int, seed: int = SEED) -> list[dict[str, object]]:
    """``n`` events as plain data (dates as ``date`` or partial strings), in a fixed order."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    first = date(2012, 1, 1)
    out: list[dict[str, object]] = []
    for i in range(n):
        country = rng.choice(COUNTRIES)
        day = first + timedelta(days=rng.randrange(5000))
        partial = rng.random() < 0.05
        when: date | str = day
        if partial:
            when = day.strftime("%Y-%m") if rng.random() < 0.7 else day.strftime("%Y")
        action = rng.choice(ACTIONS)
        event: dict[str, object] = {
            "id": f"{country.lower()}-{day.year}-{rng.choice(vocab)}-{i}",
            "date": when,
        }
        if rng.random() < 0.10:
            event["end_date"] = day + timedelta(days=rng.randint(0 if not partial else 400, 900))
            if partial:  # the end of a partial date's period must not precede it
                event["end_date"] = date(day.year + 1, 12, 31) + timedelta(rng.randint(0, 400))
        elif rng.random() < 0.05:
            event["status"] = "unknown"
        platforms = rng.sample(PLATFORMS, rng.randint(1, 3))
        event["title"] = f"{rng.choice(AUTHORITIES)} {action}s {platforms[0]}: " + " ".join(
            rng.choice(vocab) for _ in range(rng.randint(3, 6))
        )
        event["country"] = country
        event["authority"] = rng.sample(AUTHORITIES, rng.randint(1, 2))
        event["platforms"] = platforms
        event["action"] = action
        event["tags"] = rng.sample(TAGS, rng.randint(2, 5))
        event["summary"] = _summary(rng, vocab)
        sources = []
        for s in range(rng.randint(1, 3)):
            source: dict[str, object] = {
                "publisher": rng.choice(PUBLISHERS),
                "url": f"https://news{rng.randint(1, 400)}.example.org/{day.year}/"
                f"{rng.choice(vocab)}-{i}-{s}",
            }
            if rng.random() < 0.5:
                source["title"] = " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 9)))
            if rng.random() < 0.3:
                source["date"] = day
            sources.append(source)
        event["sources"] = sources
        if i > 10 and rng.random() < 0.05:
            event["related"] = [str(out[rng.randrange(i)]["id"])]
        out.append(event)
    return out


def _value(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return _list([str(v) for v in value])
    return _quote(str(value))


def to_toml(items: list[dict[str, object]], title: str) -> str:
    parts = [f"[timeline]\ntitle = {_quote(title)}\ndescription = {_quote('Synthetic data.')}\n"]
    for event in items:
        lines = ["", "[[events]]"]
        for key, value in event.items():
            if key == "sources":
                continue
            if key == "summary":
                lines.append(f'summary = """\n{value}\n"""')
            else:
                lines.append(f"{key} = {_value(value)}")
        for source in event["sources"]:  # type: ignore[attr-defined]
            lines.append("")
            lines.append("[[events.sources]]")
            lines.extend(f"{k} = {_value(v)}" for k, v in source.items())
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


TSV_COLUMNS = (
    "id", "date", "end_date", "status", "title", "country", "authority", "platforms", "action",
    "tags", "summary", "publishers", "urls", "related",
)  # fmt: skip


def to_tsv(items: list[dict[str, object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        text = value.isoformat() if isinstance(value, date) else str(value)
        return text.replace("\t", " ").replace("\n", " ")

    rows = ["\t".join(TSV_COLUMNS)]
    for event in items:
        sources = event["sources"]
        flat = {
            **event,
            "publishers": [s["publisher"] for s in sources],  # type: ignore[attr-defined]
            "urls": [s["url"] for s in sources],  # type: ignore[attr-defined]
        }
        rows.append("\t".join(cell(flat.get(c, "")) for c in TSV_COLUMNS))
    return "\n".join(rows) + "\n"


def paths(label: str) -> tuple[Path, Path]:
    return DATA / f"events-{label}.toml", DATA / f"events-{label}.tsv"


def generate(labels: list[str], force: bool = False) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for label in labels:
        toml_path, tsv_path = paths(label)
        if toml_path.exists() and tsv_path.exists() and not force:
            continue
        items = events(SIZES[label])
        toml_path.write_text(to_toml(items, f"Synthetic timeline, {label} events"), "utf-8")
        tsv_path.write_text(to_tsv(items), "utf-8")
        print(f"wrote {toml_path} ({toml_path.stat().st_size / 1e6:.1f} MB) and {tsv_path.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", help="100, 1k, 10k and/or 100k (default: all)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args()
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from {', '.join(SIZES)}")
    generate(args.sizes or list(SIZES), args.force)


if __name__ == "__main__":
    main()
