"""Making untrusted text safe to show: data from files, feeds and the web is printed
as text, never as control sequences. Used by every output (tables, JSON, calendars)."""


def _placeholders() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20)]:
        table[code] = chr(0x2400 + code)  # control pictures: ␛ for ESC, ␍ for CR
    table[0x7F] = "\u2421"  # ␡
    hidden = [
        *range(0x80, 0xA0),  # C1 controls, e.g. CSI 0x9b
        0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029,
        *range(0x202A, 0x202F), 0x2060, *range(0x2066, 0x206A), 0xFEFF,
    ]  # fmt: skip
    for code in hidden:
        table[code] = f"<U+{code:04X}>"
    for code in range(0xD800, 0xE000):  # lone surrogates from broken JSON
        table[code] = "\ufffd"
    return table


_SAFE: dict[int, str] = {}  # built on first need: most text is printable as it is
JSON_UNSAFE = (  # compiled by re on first use: only --json output needs it
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)


def safe(value: object) -> str:
    """Text from data, with control, bidi and invisible characters made visible."""
    text = str(value)
    if text.isprintable():  # every character the table replaces is unprintable
        return text
    if not _SAFE:
        _SAFE.update(_placeholders())
    return text.translate(_SAFE)
