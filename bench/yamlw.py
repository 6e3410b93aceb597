"""Tiny YAML writer for gongkai content files (standard library only).

gongkai reads every value as text, so the writer only needs to produce:
plain amounts (`12.34`), double-quoted strings (JSON string syntax is valid
YAML double-quoted syntax), `~` for an empty cell, flow maps for table rows
and flow sequences for indicator rows. Keys are written in the order given.
"""
import json


def q(s):
    """A string as a YAML double-quoted scalar."""
    return json.dumps(str(s), ensure_ascii=False)


class Raw(str):
    """A value written as is (amounts, numbers, percentages, `~`)."""


NONE = Raw("~")


def scalar(v):
    if v is None:
        return "~"
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return q(v)


def flow_map(d):
    """`{ k: v, ... }` skipping keys whose value is None."""
    items = ["%s: %s" % (k, scalar(v)) for k, v in d.items() if v is not None]
    return "{ " + ", ".join(items) + " }" if items else "{}"


def flow_seq(xs):
    return "[" + ", ".join(scalar(x) for x in xs) + "]"


def amount(cents):
    """An integer in 0.01 万元 as a plain two-decimal amount; 0 -> None (empty cell)."""
    if not cents:
        return None
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return Raw("%s%d.%02d" % (sign, c // 100, c % 100))


def amount0(cents):
    """Like amount, but zero is written as 0.00 (a declared zero)."""
    if not cents:
        return Raw("0.00")
    return amount(cents)
