"""Reading the dashboard's charts as a person sees them: they are SVG pictures with their words as SVG text."""
from __future__ import annotations

import base64
import re
from typing import Any


def texts(svg: str) -> list[str]:
    """The words on a chart, in drawing order."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def hatched(svg: str) -> dict[str, int]:
    """How many shapes each hatch pattern fills (pattern id -> count)."""
    ids = re.findall(r'<pattern id="([^"]+)"', svg)
    return {i: svg.count(f"url(#{i})") for i in ids}


def pictures(at: Any) -> list[tuple[str, str]]:
    """Every picture an AppTest run shows: (its alt text, the SVG document)."""
    out = []
    for element in at.get("image"):
        for img in element.proto.imgs:
            url = img.url
            svg = base64.b64decode(url.split(",", 1)[1]).decode() if url.startswith("data:image/svg") else ""
            out.append((img.alt, svg))
    return out
