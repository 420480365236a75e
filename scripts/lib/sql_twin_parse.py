"""Parses SQL as Athena's dialect with sqlglot: exits 1 naming the error when it does not parse.

Usage: sql_twin_parse.py SQL_FILE
"""
import sys

import sqlglot
from sqlglot.errors import ParseError


def main():
    sql = open(sys.argv[1]).read()
    try:
        statements = sqlglot.parse(sql, read="athena")
    except ParseError as error:
        print(f"does not parse as Athena SQL: {error}")
        sys.exit(1)
    print(f"{len(statements)} statement(s) parse as Athena SQL")


if __name__ == "__main__":
    main()
