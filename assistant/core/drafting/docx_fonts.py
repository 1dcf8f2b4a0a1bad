"""Fonts of the 公文 Word export and how editors substitute them when they are not installed.

- Every run names its font in all four ``w:rFonts`` slots, so the East Asian text (``w:eastAsia``)
  never falls back to a theme font.
- The document language is ``zh-CN``, so LibreOffice/fontconfig choose Simplified Chinese glyphs
  (Noto Sans/Serif CJK SC) instead of the Japanese forms python-docx's template implies.
- ``word/fontTable.xml`` describes each 公文 font (GB2312 charset, family, panose, ``w:altName``),
  which is what Word and WPS use to pick a substitute (e.g. 仿宋 for 仿宋_GB2312).
- ``assistant/resources/65-fazhi-gongwen.conf`` maps the same names to Noto CJK for
  LibreOffice on Linux (fontconfig aliases; LibreOffice ignores ``w:altName``).
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

DEFAULT_FONTS = {"title_font": "方正小标宋简体", "body_font": "仿宋_GB2312",
                 "heading1_font": "黑体", "heading2_font": "楷体_GB2312"}
# name -> (altName Word/WPS try first, w:family, panose1)
_FONT_TABLE = {
    "方正小标宋简体": ("宋体", "roman", "02000000000000000000"),
    "仿宋_GB2312": ("仿宋", "modern", "02010609030101010101"),
    "仿宋": ("仿宋_GB2312", "modern", "02010609060101010101"),
    "黑体": ("SimHei", "modern", "02010609060101010101"),
    "楷体_GB2312": ("楷体", "modern", "02010609030101010101"),
    "楷体": ("楷体_GB2312", "modern", "02010609060101010101"),
    "宋体": ("SimSun", "auto", "02010600030101010101"),
}
_GB2312_CHARSET = "86"
# Children of w:rPr in schema order (Word rejects out-of-order elements).
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
              "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
              "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
              "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
              "specVanish", "oMath")


def font_names(fonts: Any) -> dict[str, str]:
    """Font names from any object with title_font/body_font/heading1_font/heading2_font."""
    return {k: str(getattr(fonts, k, None) or v) for k, v in DEFAULT_FONTS.items()}


def set_rpr_child(rpr: Any, tag: str, **attrs: str) -> Any:
    """Create or update ``w:<tag>`` in a ``w:rPr``, keeping the schema order."""
    child = rpr.find(qn(f"w:{tag}"))
    if child is None:
        child = OxmlElement(f"w:{tag}")
        later = _RPR_ORDER[_RPR_ORDER.index(tag) + 1:]
        rpr.insert_element_before(child, *(f"w:{t}" for t in later))
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    return child


def set_document_language(doc: Any) -> None:
    """Default language zh-CN (python-docx's template says en-US / ja-like theme fonts)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_rpr_child(rpr, "lang", val="zh-CN", eastAsia="zh-CN", bidi="ar-SA")


def _font_table_part(doc: Any) -> Any:
    return next((p for p in doc.part.package.iter_parts()
                 if str(p.partname) == "/word/fontTable.xml"), None)


def _font_entry(name: str) -> Any:
    alt, family, panose = _FONT_TABLE.get(name, ("宋体", "auto", "02010600030101010101"))
    font = etree.Element(qn("w:font"))
    font.set(qn("w:name"), name)
    for tag, value in (("altName", alt), ("panose1", panose), ("charset", _GB2312_CHARSET),
                       ("family", family), ("pitch", "variable")):
        etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    return font


def register_fonts(doc: Any, names: list[str]) -> None:
    """Describe the 公文 fonts in word/fontTable.xml so editors can substitute them."""
    part = _font_table_part(doc)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in dict.fromkeys(names):
        if name not in present:
            root.append(_font_entry(name))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
