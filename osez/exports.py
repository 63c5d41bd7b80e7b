"""CSV files for staff (figures, import templates): one way to write them, safe to open in a spreadsheet.

Spreadsheet software runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage
return, which some of them skip first) as a formula: a partner named ``=HYPERLINK(…)`` typed in the
back-office would become a link, or worse, in the direction's figures. Every text cell that starts so
is written with a leading apostrophe, which spreadsheets show as plain text (the OWASP advice);
numbers are written as they are.
"""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    text = str(cell) if cell is not None else ""
    if not isinstance(cell, int | float) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return cell


def csv_response(filename, rows):
    """An attachment ``filename`` with ``rows`` (semicolons, UTF-8 with a BOM so accents open right)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response
