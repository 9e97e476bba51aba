"""The xlsx renderers: the monthly workbook, the 报送版 brief, the division template, and the
styles they share. openpyxl is imported by these modules only, and they only by the commands
that write or read a workbook."""
