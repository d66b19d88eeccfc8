"""Plain-text layout: tables and paragraphs fitted to a width, measured in terminal cells.

Used instead of Rich's Table, which was too slow for long lists (README,
Performance). Pure: it returns lines, and render.py prints them. Text must already
be safe (render.safe): no control characters reach this module.
"""

from __future__ import annotations

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


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap to ``width`` cells; explicit newlines are kept, long words folded."""
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
            if size > width:
                *full, current = _fold(word, width)
                lines.extend(full)
                used = cell_width(current)
            else:
                current, used = word, size
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
        count = len(self.columns)
        natural = [cell_width(name) if self.header else 0 for name in self.columns]
        shortest = list(natural)
        for row in self.rows:
            for index, segments in enumerate(row):
                for text, _ in segments:
                    for line in text.split("\n"):
                        natural[index] = max(natural[index], cell_width(line))
                        longest = max((cell_width(word) for word in line.split(" ")), default=0)
                        shortest[index] = max(shortest[index], min(longest, 16))
        available = max(width - self.gap * (count - 1), count)
        widths = list(natural)
        floors = [min(n, s) for n, s in zip(natural, shortest, strict=True)]
        for limit in (floors, [1] * count):
            excess = sum(widths) - available
            while excess > 0:
                room = [w - f for w, f in zip(widths, limit, strict=True)]
                widest = max(range(count), key=lambda i: (room[i] > 0, widths[i]))
                if room[widest] <= 0:
                    break
                others = [widths[i] for i in range(count) if i != widest and room[i] > 0]
                step = min(excess, room[widest], max(widths[widest] - max(others, default=0), 1))
                widths[widest] -= step
                excess -= step
        return widths

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


def paragraph(text: str, width: int, style: str = "", shown: Shown = same) -> list[Line]:
    return [[(line, style)] for line in wrap(shown(text), width)]


def plain(lines: Iterable[Line]) -> str:
    """The lines as text, trailing spaces removed."""
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)
