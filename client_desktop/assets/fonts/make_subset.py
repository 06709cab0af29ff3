"""Rebuild ``FleetSansSC-Regular.otf``: Noto Sans CJK SC Regular cut down to what the client shows.

Kept: ASCII and Latin-1, general and CJK punctuation, full-width forms, the 3,755 most common
hanzi (GB 2312 level 1) and every character of the client's source (strings of every tab). Renamed "Fleet Sans
SC" (the OFL asks modified versions not to use the reserved name). Needs fontTools (a build-time
tool, not an app dependency) and the Noto CJK collection, e.g. Debian's ``fonts-noto-cjk``::

    python client_desktop/assets/fonts/make_subset.py \
        /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "FleetSansSC-Regular.otf"
FAMILY = "Fleet Sans SC"
SC_INDEX = 2  # Noto Sans CJK SC inside NotoSansCJK-Regular.ttc


def gb2312_level1() -> str:
    """The 3,755 level-1 hanzi of GB 2312 (rows 16–55)."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def client_text() -> str:
    """Every non-ASCII character in the client's source (the i18n catalog, tab-local strings)."""
    package = HERE.parents[1]
    return "".join(
        ch for path in package.rglob("*.py") for ch in path.read_text("utf-8") if ord(ch) > 0x7F
    )


def unicodes() -> set[int]:
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    points = {cp for low, high in ranges for cp in range(low, high + 1)}
    points |= {ord(ch) for ch in gb2312_level1() + client_text()}
    return points


def rename(font: TTFont) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName("Regular", 2, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular; subset of Noto Sans CJK SC 2.004", 3, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular", 4, 3, 1, 0x409)
    names.setName("FleetSansSC-Regular", 6, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["FleetSansSC-Regular"]
        cff[0].FamilyName = FAMILY
        cff[0].FullName = f"{FAMILY} Regular"


def main(source: str) -> None:
    font = TTFont(source, fontNumber=SC_INDEX)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    rename(font)
    font.save(OUTPUT)
    print(f"{OUTPUT.name}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
