"""Plain-text layout: tables and paragraphs fitted to a width, measured in terminal cells.

Used instead of Rich's Table, which was too slow for long lists (README,
Performance). Pure: it returns lines, and render.py prints them. Text must already
be safe (render.safe): no control characters reach this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

Segment = tuple[str, str]  # text and a style: "", "bold" or "dim"
Line = list[Segment]
CellText = str | list[Segment] | None
Shown = Callable[[str], str]  # what a text looks like in the output's encoding

GAP = 3

#: ASCII forms of the typographic characters showtrack itself prints.
ASCII_FORMS = {
    "─": "-", "—": "-", "–": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"',
    "•": "*", "→": "->", "×": "x", "␛": "<ESC>",
}  # fmt: skip


def same(text: str) -> str:
    return text


def for_encoding(encoding: str | None) -> Shown:
    """How text is shown in ``encoding``: as it is when the encoding has every character
    (UTF-8), else with ASCII forms for rules and dashes and ``\\uXXXX`` for the rest,
    so that nothing fails to print (and widths are measured on what is printed)."""
    name = (encoding or "utf-8").lower().replace("_", "-")
    if name in ("utf-8", "utf8", "utf-16", "utf-32"):
        return same
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        return same

    def fits(char: str) -> bool:
        try:
            char.encode(name)
        except UnicodeEncodeError:
            return False
        return True

    cache: dict[str, str] = {}

    def shown(text: str) -> str:
        if text.isascii():
            return text
        out = []
        for char in text:
            if char not in cache:
                form = ASCII_FORMS.get(char)
                if fits(char):
                    cache[char] = char
                elif form is not None and all(fits(c) for c in form):
                    cache[char] = form
                else:
                    code = ord(char)
                    cache[char] = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
            out.append(cache[char])
        return "".join(out)

    return shown


def cell_width(text: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters count 2."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if ord(char) < 0x300:
            width += 1
        elif unicodedata.combining(char):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width


def _fold(word: str, width: int) -> list[str]:
    """Cut a word longer than ``width`` into pieces that fit."""
    pieces, current, used = [], "", 0
    for char in word:
        size = cell_width(char)
        if used + size > width and current:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += size
    if current:
        pieces.append(current)
    return pieces


def is_link(word: str) -> bool:
    """A URL: never cut, since a terminal can wrap it and a cut one can't be copied."""
    return word.startswith(("http://", "https://"))


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width`` cells; explicit newlines are kept. A word longer than the
    width is cut only when it has no space to break at and is not a link (a link gets
    a line of its own, as long as it is)."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_width(paragraph) <= width:
            lines.append(paragraph)
            continue
        current, used = "", 0
        for word in paragraph.split(" "):
            size = cell_width(word)
            if current and used + 1 + size <= width:
                current += " " + word
                used += 1 + size
                continue
            if current or used:
                lines.append(current)
            if size > width and not is_link(word):
                *full, current = _hyphenated(word, width)
                lines.extend(full)
                used = cell_width(current)
            else:
                current, used = word, size
        lines.append(current)
    return lines


def _pieces(word: str) -> list[str]:
    """A word's parts after each hyphen ('filming-started' -> 'filming-', 'started'):
    where a word may break without being cut."""
    if is_link(word) or "-" not in word.strip("-"):
        return [word]
    return [piece for piece in re.split(r"(?<=[^\W\d_]-)", word) if piece]


def _hyphenated(word: str, width: int) -> list[str]:
    """A long word broken after its hyphens, and cut only where a part is still too long."""
    lines: list[str] = []
    current = ""
    for piece in _pieces(word):
        if current and cell_width(current + piece) <= width:
            current += piece
            continue
        if current:
            lines.append(current)
        if cell_width(piece) > width:
            *full, current = _fold(piece, width)
            lines.extend(full)
        else:
            current = piece
    lines.append(current)
    return lines


def _segments(cell: CellText) -> list[Segment]:
    if cell is None:
        return [("—", "")]
    if isinstance(cell, str):
        return [(cell, "")]
    return cell


class Table:
    """Columns separated by three spaces, a bold header over a rule, cells wrapped."""

    def __init__(self, columns: Sequence[str], *, header: bool = True, gap: int = GAP) -> None:
        self.columns = list(columns)
        self.header = header
        self.gap = gap
        self.rows: list[list[list[Segment]]] = []
        self.rule = "─"

    def add_row(self, *cells: CellText) -> None:
        self.rows.append([_segments(cell) for cell in cells])

    def _widths(self, width: int) -> list[int]:
        """Each column's width within ``width``. Columns give up width to each other
        before any word is cut: the widest are narrowed to a common cap while every
        column keeps room for its longest word. Only when even that does not fit are
        words cut (never a link, which may then run past the edge)."""
        count = len(self.columns)
        natural = [cell_width(name) if self.header else 0 for name in self.columns]
        longest = [max((cell_width(w) for w in name.split()), default=0) for name in self.columns]
        if not self.header:
            longest = [0] * count
        links = [0] * count
        for row in self.rows:
            for index, segments in enumerate(row):
                for text, _ in segments:
                    for line in text.split("\n"):
                        natural[index] = max(natural[index], cell_width(line))
                        for word in line.split(" "):
                            if is_link(word):
                                links[index] = max(links[index], cell_width(word))
                                continue
                            size = max(cell_width(piece) for piece in _pieces(word))
                            longest[index] = max(longest[index], size)
        floors = [min(n, w) for n, w in zip(natural, longest, strict=True)]
        for gap in (self.gap, 2):  # the gap narrows before any word is cut
            available = max(width - gap * (count - 1), count)
            if sum(natural) <= available:
                self.gap = gap
                return natural
            if sum(floors) <= available:
                self.gap = gap
                return _capped(natural, floors, available)
        # words must be cut somewhere (links never are: they run past the edge)
        self.gap = 2
        available = max(width - 2 * (count - 1), count)
        return _capped(natural, [1] * count, available)

    def render(self, width: int, shown: Shown = same) -> list[Line]:
        if shown is not same:
            return self._shown(shown).render(width)
        widths = self._widths(width)
        out: list[Line] = []
        if self.header:
            out.extend(self._row_lines([[(name, "bold")] for name in self.columns], widths))
            rule = self.rule * (sum(widths) + self.gap * (len(widths) - 1))
            out.append([(rule[: sum(widths) + self.gap * (len(widths) - 1)], "")])
        for row in self.rows:
            out.extend(self._row_lines(row, widths))
        return out

    def _shown(self, shown: Shown) -> Table:
        """This table as the output's encoding shows it (rule and text alike)."""
        copy = Table([shown(name) for name in self.columns], header=self.header, gap=self.gap)
        copy.rows = [
            [[(shown(text), style) for text, style in cell] for cell in row] for row in self.rows
        ]
        copy.rule = shown("─")
        return copy

    def _row_lines(self, row: list[list[Segment]], widths: list[int]) -> list[Line]:
        cells: list[list[Segment]] = []
        for segments, size in zip(row, widths, strict=True):
            lines: list[Segment] = []
            for text, style in segments:
                lines.extend((piece, style) for piece in wrap(text, size))
            cells.append(lines)
        height = max(len(cell) for cell in cells)
        out: list[Line] = []
        for number in range(height):
            line: Line = []
            for index, (cell, size) in enumerate(zip(cells, widths, strict=True)):
                text, style = cell[number] if number < len(cell) else ("", "")
                if index:
                    line.append((" " * self.gap, ""))
                line.append((text, style))
                if index < len(cells) - 1:
                    line.append((" " * (size - cell_width(text)), ""))
            out.append(line)
        return out


def _capped(natural: list[int], floors: list[int], available: int) -> list[int]:
    """The widths min(natural, max(cap, floor)) for the largest cap that fits."""
    low, high = 1, max(natural)
    best = [max(f, 1) for f in floors]
    while low <= high:
        cap = (low + high) // 2
        widths = [min(n, max(cap, f)) for n, f in zip(natural, floors, strict=True)]
        if sum(widths) <= available:
            best, low = widths, cap + 1
        else:
            high = cap - 1
    spare = available - sum(best)
    for index in sorted(range(len(best)), key=lambda i: natural[i] - best[i], reverse=True):
        if spare <= 0:
            break
        grow = min(spare, natural[index] - best[index])
        best[index] += grow
        spare -= grow
    return best


def paragraph(text: str, width: int, style: str = "", shown: Shown = same) -> list[Line]:
    return [[(line, style)] for line in wrap(shown(text), width)]


def plain(lines: Iterable[Line]) -> str:
    """The lines as text, trailing spaces removed."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)
