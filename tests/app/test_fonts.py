"""The bundled CJK font loads, covers the UI's Chinese and draws real hanzi, not missing-glyph boxes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QImage, QPainter, QRawFont

from app import fonts

UI_STRINGS = [
    "售后服务网络控制中心",
    "华北 华东 华中 华南 西南 西北 东北",
    "工位利用率 等待时长 日均接车量 门店日均产值 技师人均产值 客户满意度 跨店服务量 返工率 门店上线率",
    "已接车 维修中 质检中 已完工 已交车",
    "¥18,000 52% 1.8 小时",
    "0123456789ABCabc",
    "，。、：；？！（）【】「」“”‘’…—·×°→←↑↓■□●○▲▼",
]
UI_CHARS = sorted({ch for s in UI_STRINGS for ch in s if not ch.isspace()})
# QRawFont.supportsCharacter is always given ord(ch): PySide6 6.11's str overload (QChar) answers False for
# many hanzi the font does have (e.g. 网, 率), while the uint (UCS-4) overload is right.
# Outside GB2312, so not in the subset: drawn as the font's .notdef box when font merging is off.
MISSING = "\u5586"  # 喆


def _gb2312_hanzi() -> list[str]:
    out = []
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                out.append(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def _font(family: str, weight: QFont.Weight = QFont.Weight.Normal, merging: bool = True) -> QFont:
    font = QFont(family)
    font.setPixelSize(40)
    font.setWeight(weight)
    if not merging:
        # Without merging Qt may not borrow glyphs from another font, so what is drawn is this font's own.
        font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return font


def _render(text: str, font: QFont) -> QImage:
    image = QImage(48 * max(len(text), 1), 64, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    return image


def _ink(image: QImage) -> int:
    """Count of non-white pixels, sampled on a 2-pixel grid (enough to tell blank from drawn)."""
    white = QColor("white").rgb()
    return sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixel(x, y) != white)


@pytest.fixture
def family(qapp) -> str:
    return fonts.load_app_fonts()


def test_family_name_and_both_weights_registered(family):
    assert family == fonts.FAMILY == "Noto Sans CJK SC"
    styles = QFontDatabase.styles(family)
    assert "Regular" in styles and "Bold" in styles, styles
    assert QFontDatabase.weight(family, "Bold") == QFont.Weight.Bold
    assert len(fonts._font_ids) == len(fonts.FONT_FILES)


def test_loading_twice_registers_nothing_new(family):
    ids = list(fonts._font_ids)
    assert fonts.load_app_fonts() == family
    assert fonts._font_ids == ids


@pytest.mark.parametrize("weight", [QFont.Weight.Normal, QFont.Weight.Bold])
def test_ui_strings_are_covered_by_the_bundled_family(family, weight):
    font = _font(family, weight, merging=False)
    metrics = QFontMetrics(font)
    raw = QRawFont.fromFont(font)
    # The family resolves to the bundled file itself, in the weight asked for, not to some system font.
    assert raw.familyName() == family
    assert raw.weight() == weight
    assert [ch for ch in UI_CHARS if not metrics.inFontUcs4(ord(ch))] == []
    assert [ch for ch in UI_CHARS if not raw.supportsCharacter(ord(ch))] == []
    assert not raw.supportsCharacter(ord(MISSING))  # the checks above can fail


@pytest.mark.parametrize("name", fonts.FONT_FILES)
def test_files_cover_all_gb2312_hanzi_and_ui_symbols(qapp, name):
    raw = QRawFont(str(fonts.FONT_DIR / name), 16)
    assert raw.isValid()
    hanzi = _gb2312_hanzi()
    assert len(hanzi) == 6763
    wanted = hanzi + [chr(c) for c in range(0x20, 0x7F)] + list("¥°×·…—、。，：（）→■┌")
    assert [ch for ch in wanted if not raw.supportsCharacter(ord(ch))] == []


def test_bundle_stays_small():
    total = sum((fonts.FONT_DIR / name).stat().st_size for name in fonts.FONT_FILES)
    assert total < 12 * 1024 * 1024, total
    assert (fonts.FONT_DIR / "LICENSE-OFL.txt").is_file()


@pytest.mark.parametrize("weight", [QFont.Weight.Normal, QFont.Weight.Bold])
def test_hanzi_render_as_distinct_glyphs_not_boxes(family, weight):
    font = _font(family, weight, merging=False)
    box = _render(MISSING, font)
    shou, hou = _render("售", font), _render("后", font)
    assert _ink(box) > 0  # the .notdef box is drawn, so comparing against it means something
    assert _ink(shou) > 0 and _ink(hou) > 0
    # Missing glyphs all draw the same box; real glyphs differ from it and from each other.
    assert shou != box and hou != box
    assert shou != hou
    assert _render("售后服务", font) != _render(MISSING * 4, font)


def test_apply_app_font_makes_the_family_the_default(qapp, family):
    before = qapp.font()
    try:
        fonts.apply_app_font(qapp, point_size=11)
        current = qapp.font()
        assert current.family() == family
        assert current.pointSize() == 11
        # A default-constructed QFont (what widgets start from) now draws hanzi, not boxes.
        plain = QFont()
        plain.setPixelSize(40)
        assert _render("售后服务", plain) == _render("售后服务", _font(family))
        fonts.apply_app_font(qapp)
        assert qapp.font().pointSize() == 11  # None keeps the size already in force
    finally:
        qapp.setFont(before)
