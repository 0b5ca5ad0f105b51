"""Traditional Chinese characters read as simplified, wherever mstarget recognises words or compares names.

Bureau tables copied from a web page shown in traditional characters (many government sites offer a
繁體 button), or kept by an office that writes them, say ``指標名稱``, ``2020年基數``, ``約束性``,
``不低於``, ``萬戶``, ``累計`` and ``鼎湖區``. mstarget reads them as the simplified words it knows
(:func:`to_simplified`, OpenCC's ``t2s`` table applied character by character):

* **headers, attribute / direction / kind / measure words, notes and section rows, unit lines** are
  recognised after conversion (:mod:`mstarget.layout`, :mod:`mstarget.plan`, :mod:`mstarget.history`);
* **units** are stored simplified (``萬戶`` -> ``万户``), so magnitudes and unit checks compare;
* **names and regions keep the text as written**; only the keys they are matched by are converted
  (:func:`mstarget.matching.name_key`, :func:`mstarget.matching.region_key`), so a plan in
  traditional characters matches a history in simplified ones. Converting the text itself would be
  wrong for some names that are valid simplified: OpenCC turns 乾县 into 干县.

Character by character, not by OpenCC's phrases, so that the same name gives the same key whichever
script it is written in: with phrases 乾縣 becomes 乾县 but 乾县 becomes 干县; per character both
become 干县 (a key, never shown).
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["to_simplified"]


#: the code points a traditional character can have: CJK extension A, unified ideographs, compatibility
_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern]:
    """OpenCC's ``t2s`` for every character on its own (one call, characters one per line, so no
    phrase joins two of them; ~15 ms once per process): the translation table of the characters
    it changes, and a pattern finding any of them."""
    import opencc  # lazy: its dictionaries load when the first non-ASCII text is read

    chars = [chr(i) for lo, hi in _RANGES for i in range(lo, hi)]
    converter = opencc.OpenCC("t2s")
    simplified = converter.convert("\n".join(chars)).split("\n")
    if len(simplified) != len(chars):  # never seen; then one character at a time (~0.1 s)
        simplified = [converter.convert(c) for c in chars]
    table = {ord(t): s for t, s in zip(chars, simplified) if t != s}
    return table, re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(table)) + "]")


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters replaced by simplified ones.

    >>> to_simplified("2020年基數")
    '2020年基数'
    >>> to_simplified("約束性 ≥ 98.5%")
    '约束性 ≥ 98.5%'

    ASCII text and text that is already simplified come back unchanged (apart from the few
    characters OpenCC always converts, such as 乾 -> 干: use the result to recognise or compare,
    not to display). The same text in either script gives the same result.
    """
    if not text or text.isascii():
        return text
    table, traditional = _tables()
    return text if traditional.search(text) is None else text.translate(table)
