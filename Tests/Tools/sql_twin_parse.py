"""Parses SQL as Athena's dialect with sqlglot: exits 1 naming the error when it does not parse.

Usage: sql_twin_parse.py SQL_FILE
"""
import sys

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError


def main():
    sql = open(sys.argv[1]).read()
    try:
        statements = sqlglot.parse(sql, read="athena")
    except ParseError as error:
        print(f"does not parse as Athena SQL: {error}")
        sys.exit(1)
    # sqlglot keeps what it cannot parse as an opaque Command: that is not a parse.
    opaque = [s for s in statements if isinstance(s, exp.Command)]
    if opaque:
        print(f"not parsed as Athena SQL, only kept as text: {str(opaque[0])[:200]}")
        sys.exit(1)
    real = [s for s in statements if s is not None and not isinstance(s, exp.Semicolon)]
    print(f"{len(real)} statement(s) parse as Athena SQL: {', '.join(type(s).__name__ for s in real)}")


if __name__ == "__main__":
    main()
