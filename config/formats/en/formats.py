"""English: one date format and one date-time format on every page, email and export.

Django's defaults mix three ("Dec. 1, 2026, 2:05 p.m.", "12/01/2026 2:05 p.m." and the ISO dates
tables used); Hakobu shows dates as year-month-day, which sorts, reads the same in every English
locale and fits a phone's table cell, with a 24-hour clock as warehouses and carriers write it.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
