#!/usr/bin/env python3
"""Makes the fonts `optiscape animate` draws text with: DejaVu Sans (regular, oblique and bold)
cut to the characters a figure can show, so the binary carries about 250 KB instead of 2 MB.

    pip install fonttools
    python3 assets/fonts/subset.py /usr/share/fonts/truetype/dejavu

Modified fonts of the Bitstream Vera licence must not be called "Bitstream" or "Vera"; they are
renamed "optiscape DejaVu Sans" (LICENSE-DejaVu.txt beside them keeps the licence).
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
# Latin with Latin-1 and Extended-A (labels), combining marks (the hats and bars of m̂ and x̄),
# Greek (β1, α*), general punctuation (· – ’ “ …), super- and subscripts (10⁻⁵), arrows,
# mathematical operators (− √ ∞ ∇ ⋅), geometric shapes, the modifier letter ᵀ and check marks.
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x300, 0x36F), (0x370, 0x3FF), (0x1D00, 0x1DBF), (0x2000, 0x206F), (0x2070, 0x209F),
          (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0x2713, 0x2717)]
# The oblique face sets the axes' names (x, f − f*): Latin, Greek and the minus sign. The bold
# one sets the explained step's labels (−m̂, √v̂ + ε), which need the regular face's characters.
SHORT = [(0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2212, 0x2212)]
FACES = {"DejaVuSans.ttf": ("Book", RANGES), "DejaVuSans-Oblique.ttf": ("Oblique", SHORT), "DejaVuSans-Bold.ttf": ("Bold", RANGES)}
FAMILY = "optiscape DejaVu Sans"


def main(source):
    for name, (style, ranges) in FACES.items():
        unicodes = [u for lo, hi in ranges for u in range(lo, hi + 1)]
        font = TTFont(os.path.join(source, name))
        options = subset.Options()
        # ab_glyph reads no GPOS kerning (DejaVu has no legacy kern table): drop the layout tables.
        options.layout_features = []
        options.drop_tables += ["GPOS", "GSUB", "GDEF", "FFTM"]
        options.hinting = False
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        table = font["name"]
        for record in table.names:
            if record.nameID in (1, 16):
                record.string = FAMILY
            elif record.nameID == 4:
                record.string = f"{FAMILY} {style}" if style != "Book" else FAMILY
            elif record.nameID == 6:
                record.string = (FAMILY + "-" + style).replace(" ", "")
            elif record.nameID == 3:
                record.string = f"{FAMILY} {style} (subset of DejaVu Sans 2.37)"
        out = os.path.join(HERE, name.replace("DejaVuSans", "optiscape-DejaVuSans"))
        font.save(out)
        print(out, os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
