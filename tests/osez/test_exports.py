"""Staff CSV files: a text cell that a spreadsheet would run as a formula is written as plain text."""

import csv
import io

import pytest

from osez.exports import csv_response, spreadsheet_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 3 25 00 00 00", "'+33 3 25 00 00 00"),
        ("-ALERTE", "'-ALERTE"),
        ("@SOMME(A1)", "'@SOMME(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Troyes", "Troyes"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_spreadsheet_safe(cell, written):
    assert spreadsheet_safe(cell) == written


def test_csv_response_is_an_attachment_with_a_bom_and_semicolons():
    response = csv_response("chiffres.csv", [["indicateur", "valeur"], ["=cmd", 3]])
    assert response["Content-Disposition"] == 'attachment; filename="chiffres.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(raw[1:]), delimiter=";")) == [["indicateur", "valeur"], ["'=cmd", "3"]]
