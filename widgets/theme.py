"""The wall's two palettes (dark for wall consoles, light for laptops), Okabe–Ito accents and font sizes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

THEMES = ("dark", "light")

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}


@dataclass(frozen=True, slots=True)
class Sizes:
    """Font sizes in pixels: chosen for readers over 45 at wall distance, and kept on a laptop."""

    heading: int = 22  # a panel's title
    body: int = 17  # table cells, list text, combo boxes
    small: int = 14  # English secondary text, captions
    tile_title: int = 21
    tile_value: int = 48
    tile_unit: int = 22
    tile_change: int = 19
    axis: int = 15
    row_height: int = 42  # table rows


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour a wall widget paints with; widgets never hard-code a colour."""

    name: str
    window: str  # behind everything
    surface: str  # tiles, tables, lists
    surface_alt: str  # headers, hover
    border: str
    text: str
    text_dim: str  # English secondary text and captions (still AA contrast on surface)
    grid: str
    accent: str  # sparklines, focus, selection
    selection: str
    good: str
    bad: str
    neutral: str
    critical: str
    warning: str
    info: str
    button: str  # the acknowledge button
    button_text: str
    series: tuple[str, ...]  # one colour per region, in a fixed order

    def color(self, attr: str, alpha: int | None = None) -> QColor:
        c = QColor(getattr(self, attr))
        if alpha is not None:
            c.setAlpha(alpha)
        return c


DARK = Palette(
    name="dark",
    window="#0B1220",
    surface="#131C2E",
    surface_alt="#1B2740",
    border="#2A3A5A",
    text="#EEF2F8",
    text_dim="#A3B1C9",
    grid="#33415C",
    accent=OKABE_ITO["sky_blue"],
    selection="#24456E",
    good="#2BC48A",  # bluish green, lifted for contrast on the dark surface
    bad="#FF7A3D",  # vermillion, lifted likewise
    neutral="#98A4B8",
    critical="#FF6A2B",
    warning=OKABE_ITO["yellow"],
    info=OKABE_ITO["sky_blue"],
    button="#2F6FD0",
    button_text="#FFFFFF",
    # Okabe–Ito without black (invisible here) and with near-white in its place; their blue is too dark here.
    series=(OKABE_ITO["orange"], OKABE_ITO["sky_blue"], "#2BC48A", OKABE_ITO["yellow"], "#E4E9F2",
            "#FF7A3D", OKABE_ITO["reddish_purple"]),
)

LIGHT = Palette(
    name="light",
    window="#EEF1F5",
    surface="#FFFFFF",
    surface_alt="#F3F5F9",
    border="#CBD3DF",
    text="#17202E",
    text_dim="#4F5B6E",
    grid="#DDE2EA",
    accent=OKABE_ITO["blue"],
    selection="#CFE2F7",
    good="#007A58",  # bluish green, darkened for contrast on white
    bad="#C04F00",  # vermillion, darkened likewise
    neutral="#6B7587",
    critical=OKABE_ITO["vermillion"],
    warning="#B07800",  # orange, darkened: yellow is unreadable on white
    info=OKABE_ITO["blue"],
    button="#0F5FBF",
    button_text="#FFFFFF",
    series=(OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["bluish_green"], OKABE_ITO["black"],
            OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"]),
)

SIZES = Sizes()
_PALETTES = {"dark": DARK, "light": LIGHT}


def palette(name: str) -> Palette:
    """The palette called `name` ('dark' or 'light')."""
    try:
        return _PALETTES[name]
    except KeyError:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {name!r}") from None


def font(base: QWidget | QFont, pixel_size: int, bold: bool = False) -> QFont:
    """A copy of the widget's font (the app's CJK family) at `pixel_size`, bold or regular."""
    f = QFont(base.font() if isinstance(base, QWidget) else base)
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    return f


def panel_stylesheet(p: Palette, s: Sizes = SIZES) -> str:
    """Style for a panel (trend, ranking, alerts) and the stock Qt widgets inside it."""
    return f"""
    QWidget#panel {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: 10px; }}
    QLabel {{ color: {p.text}; background: transparent; border: none; }}
    QLabel#panelTitle {{ font-size: {s.heading}px; font-weight: 700; }}
    QLabel#panelTitleEn, QLabel#caption {{ color: {p.text_dim}; font-size: {s.small}px; }}
    QComboBox {{
        color: {p.text}; background: {p.surface_alt}; border: 1px solid {p.border}; border-radius: 6px;
        padding: 4px 10px; font-size: {s.body}px; min-height: 30px;
    }}
    QComboBox:hover, QComboBox:focus {{ border-color: {p.accent}; }}
    QComboBox QAbstractItemView {{
        color: {p.text}; background: {p.surface_alt}; selection-background-color: {p.selection};
        selection-color: {p.text}; font-size: {s.body}px; outline: none;
    }}
    QPushButton#segment {{
        color: {p.text_dim}; background: {p.surface_alt}; border: 1px solid {p.border}; border-radius: 6px;
        padding: 4px 12px; font-size: {s.body}px; min-height: 30px;
    }}
    QPushButton#segment:checked {{ color: {p.text}; background: {p.selection}; border-color: {p.accent}; }}
    QPushButton#segment:hover {{ border-color: {p.accent}; }}
    QTableView, QListView {{
        color: {p.text}; background: {p.surface}; border: none; font-size: {s.body}px;
        selection-background-color: {p.selection}; selection-color: {p.text}; outline: none;
        gridline-color: {p.grid};
    }}
    QHeaderView {{ background: {p.surface_alt}; border: none; }}
    QScrollBar:vertical {{ background: {p.surface}; width: 12px; margin: 0; }}
    QScrollBar::handle:vertical {{ background: {p.border}; border-radius: 5px; min-height: 30px; margin: 2px; }}
    QScrollBar:horizontal {{ background: {p.surface}; height: 12px; margin: 0; }}
    QScrollBar::handle:horizontal {{ background: {p.border}; border-radius: 5px; min-width: 30px; margin: 2px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QToolTip {{ color: {p.text}; background: {p.surface_alt}; border: 1px solid {p.border}; }}
    """
