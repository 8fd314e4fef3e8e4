from qualitymark.core.spreadsheets import spreadsheet_cell


def test_cells_that_a_spreadsheet_would_run_are_quoted():
    for text in ("=SUM(A1)", "+1", "-1+2", "@cmd", "\tx", "\rx"):
        assert spreadsheet_cell(text) == "'" + text


def test_other_cells_are_written_as_text():
    assert spreadsheet_cell("Kent & Medway") == "Kent & Medway"
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell(3) == "3"
