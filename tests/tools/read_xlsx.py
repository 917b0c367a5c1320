#!/usr/bin/python3
"""Print an XLSX workbook as JSON, as Excel would read it: openpyxl (python3-openpyxl).

Usage: read_xlsx.py FILE

{"sheets": [{"title", "rows": [[cell, ...], ...], "freeze", "print_title_rows",
"autofilter"}]}: every row up to the sheet's last, each cell {"value", "type"} with
type one of "str", "int", "float", "date", "bool", or null for an empty cell (value
null); a date as YYYY-MM-DD, and its number format in "format".
"""
import datetime
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return None
    if isinstance(v, bool):
        return {"value": v, "type": "bool"}
    if isinstance(v, datetime.datetime):
        return {"value": v.date().isoformat(), "type": "date", "format": c.number_format}
    if isinstance(v, datetime.date):
        return {"value": v.isoformat(), "type": "date", "format": c.number_format}
    if isinstance(v, int):
        return {"value": v, "type": "int"}
    if isinstance(v, float):
        # openpyxl reads a whole number written as a double back as int or float
        # depending on how it was stored; a count is a whole number either way.
        return {"value": v, "type": "float", "format": c.number_format}
    return {"value": str(v), "type": "str", "bold": bool(c.font and c.font.b)}


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {"sheets": []}
    for ws in wb.worksheets:
        rows = [[cell(c) for c in row] for row in ws.iter_rows()]
        out["sheets"].append({
            "title": ws.title,
            "rows": rows,
            "freeze": ws.freeze_panes,
            "print_title_rows": ws.print_title_rows,
            "autofilter": ws.auto_filter.ref,
        })
    json.dump(out, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
