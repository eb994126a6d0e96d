"""Rebuild resources/fonts/NotoSansCJKsc-{Regular,Bold}.otf, subset from Debian's Noto Sans CJK SC faces.

The app ships these two files, loaded by app/fonts.py, so that Chinese renders on machines with no CJK font.
fontTools is needed only here, at build time, never by the app: install it into a throwaway environment.

Exact commands used for the committed files (Debian 12 "bookworm", fonts-noto-cjk 1:20220127+repack1-1,
fontTools 4.68.0), from the repository root:

    mkdir -p /tmp/notodeb && cd /tmp/notodeb && apt-get update && apt-get download fonts-noto-cjk \\
        && dpkg-deb -x fonts-noto-cjk_*.deb x && cd -
    python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python installer/build_font_subset.py \\
        --source-dir /tmp/notodeb/x/usr/share/fonts/opentype/noto

(`apt-get install fonts-noto-cjk` works too, and is the default --source-dir; the .deb is only unpacked above
so that the machine keeps no system CJK font and the tests keep proving that the bundled one is used.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto")
DEFAULT_OUT = ROOT / "resources" / "fonts"
FAMILY = "Noto Sans CJK SC"
WEIGHTS = ("Regular", "Bold")

# Code point ranges kept besides GB2312 (inclusive).
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (¥ ° × · and friends)
    (0x2000, 0x206F),  # general punctuation (… — ‰ ‘ ’ “ ”)
    (0x2190, 0x21FF),  # arrows
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」【】)
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms (，：（）)
)
EXTRA = "¥°×·…—€℃№‰±≤≥≈≠−"


def gb2312_chars() -> set[str]:
    """Every character GB2312 encodes (its 6,763 hanzi plus its symbols, pinyin, kana, Greek and Cyrillic)."""
    chars: set[str] = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned cells in the 94x94 grid
    return chars


def wanted_codepoints() -> list[int]:
    chars = gb2312_chars()
    hanzi = [c for c in chars if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) == 6763, len(hanzi)  # GB2312's level 1 (3,755) + level 2 (3,008) hanzi
    points = {ord(c) for c in chars} | {ord(c) for c in EXTRA}
    for lo, hi in RANGES:
        points.update(range(lo, hi + 1))
    return sorted(points)


def sc_face_index(ttc: Path) -> int:
    """The collection's "Noto Sans CJK SC" face: index 2 in Debian's files, but looked up, not assumed."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(ttc), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return i
    raise SystemExit(f"no {FAMILY!r} face in {ttc}")


def build(source_dir: Path, out_dir: Path, hinting: bool) -> list[Path]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    codepoints = wanted_codepoints()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for weight in WEIGHTS:
        ttc = source_dir / f"NotoSansCJK-{weight}.ttc"
        # Keep head.modified from the source, so that the same inputs rebuild byte-identical files.
        font = TTFont(str(ttc), fontNumber=sc_face_index(ttc), lazy=False, recalcTimestamp=False)
        options = subset.Options()
        # Hints off by default: FreeType, DirectWrite and Core Text draw CJK outlines well without them,
        # and the two files shrink by about 0.6 MB.
        options.hinting = hinting
        options.desubroutinize = False  # subroutines keep CFF charstrings compact
        # Horizontal UI text only, Simplified Chinese only: drop vertical-writing substitutions and the
        # JP/KR/TC 'locl' variants, which would pull thousands of other-region glyph shapes into the closure.
        options.layout_features = ["ccmp", "kern", "liga", "calt", "mark", "mkmk", "palt", "halt"]
        options.drop_tables += ["vhea", "vmtx", "VORG"]
        options.name_IDs = ["*"]  # keep copyright, license (13, 14) and designer names: OFL wants them kept
        options.name_languages = ["*"]
        options.notdef_outline = True  # a visible box for anything outside the subset, not an invisible gap
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        target = out_dir / f"NotoSansCJKsc-{weight}.otf"
        font.save(str(target))
        written.append(target)
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
              f"{len(font.getGlyphOrder())} glyphs, {target.stat().st_size / 1e6:.2f} MB")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE,
                        help="folder holding NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--hinting", action="store_true", help="keep the CFF hints (larger files)")
    args = parser.parse_args(argv)
    build(args.source_dir, args.out_dir, args.hinting)
    return 0


if __name__ == "__main__":
    sys.exit(main())
